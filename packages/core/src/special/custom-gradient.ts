import * as tf from '@tensorflow/tfjs-core';

/**
 * Wraps an elementwise function f with a hand-written derivative: the op returns f(x) and passes back
 * dy · f′(x). Used where autodiff through f's composition (regions picked by `where`, recurrences,
 * series) would be wrong at the seams, unstable or slow. Higher-order gradients flow through `derivative`,
 * which is itself built from differentiable ops. Internal to the special functions.
 *
 * @example const square = elementwiseWithGradient(tf.square, (x) => tf.mul(x, 2));
 */
export function elementwiseWithGradient(
  value: (x: tf.Tensor) => tf.Tensor,
  derivative: (x: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([x]);
    return {
      value: tf.tidy(() => value(x)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, derivative(saved[0] as tf.Tensor)),
    };
  });
  return (x) => op(x);
}

/**
 * Sums a gradient that was computed at the broadcast shape back down to an argument's own shape.
 * Internal to the special functions.
 *
 * @example tf.tidy(() => reduceToShape(tf.ones([2, 3]), [3])) // [2, 2, 2]
 */
export function reduceToShape(grad: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape as number[], grad.shape);
  const summed = axes.length > 0 ? tf.sum(grad, axes) : grad;
  return tf.reshape(summed, shape as number[]);
}
