import * as tf from '@tensorflow/tfjs-core';

/**
 * `predicate(...inputs)`, a boolean tensor, computed as one op that passes a zero gradient back to
 * `inputs`: the condition of a `tf.where` inside a function that autodiff must go through. tfjs
 * registers no gradient for Less, LessEqual, Greater, Equal, NotEqual or the logical ops, so `tf.grad`
 * throws ("gradient function not found for Less") as soon as such a condition is computed from a tensor
 * on the gradient path; a condition's gradient is zero anyway (TensorFlow's NotDifferentiable). Tensors
 * the predicate reads from its closure get no gradient through it either. The caller owns the result.
 *
 * @example
 * const f = (x: tf.Tensor) => tf.where(maskOf([x], (t) => tf.less(t, 0)), tf.neg(x), tf.square(x));
 * tf.grad(f)(tf.tensor([-2, 3])).print(); // [-1, 6]
 */
export function maskOf(
  inputs: readonly tf.Tensor[],
  predicate: (...inputs: tf.Tensor[]) => tf.Tensor,
): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    return {
      value: tf.tidy(() => predicate(...tensors)),
      gradFunc: () => tensors.map((t) => tf.zerosLike(t)),
    };
  });
  return op(...inputs);
}
