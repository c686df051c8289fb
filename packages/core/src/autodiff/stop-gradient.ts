import * as tf from '@tensorflow/tfjs-core';

const stop = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/**
 * x, as a new tensor through which no gradient flows (TensorFlow's `stop_gradient`, which tfjs-core
 * lacks): d stopGradient(x)/dx = 0. The caller owns the result.
 *
 * @example tf.grad((x: tf.Tensor) => tf.mul(x, stopGradient(x)))(tf.scalar(3)).print(); // 3, not 6
 */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return stop(x);
}
