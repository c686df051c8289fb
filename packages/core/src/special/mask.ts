import * as tf from '@tensorflow/tfjs-core';

/**
 * Evaluates a boolean predicate of some tensors as one op with a zero gradient, for the condition of a
 * `tf.where` inside a composition that autodiff must go through. tfjs registers no gradient for Less,
 * LessEqual, Greater, Equal or the logical ops, so `tf.grad` fails ("gradient function not found for
 * Equal") as soon as such a mask is computed from a tensor on the gradient path; a mask's gradient is
 * zero anyway. Internal to the special functions.
 *
 * @example const negative = mask([x], (t) => tf.less(t, 0));
 */
export function mask(
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
