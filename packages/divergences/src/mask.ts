// Internal: boolean masks for `tf.where` with a zero gradient. tfjs registers no gradient for Less,
// Greater, Equal or the logical ops, so `tf.grad` fails ("gradient function not found for Less") as
// soon as a `where` condition is computed from a tensor on the gradient path (a series near 0 picked by
// |t| < r, the limit at log u = −∞, a zero probability). A mask's gradient is zero anyway: compute the
// condition as one custom op that passes zeros back. Not exported from the package.
import * as tf from '@tensorflow/tfjs-core';

/**
 * `predicate(...inputs)`, a boolean tensor, as one op through which a zero gradient flows to `inputs`.
 *
 * @example const small = mask([t], (x) => tf.less(tf.abs(x), 0.5));
 */
export function mask(
  inputs: readonly tf.Tensor[],
  predicate: (...inputs: tf.Tensor[]) => tf.Tensor,
): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    return {
      value: tf.tidy(() => predicate(...tensors)),
      gradFunc: () => tensors.map((t) => tf.zerosLike(t)),
    };
  });
  return op(...inputs);
}
