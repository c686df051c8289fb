// Internal: the identity with a zero gradient (TensorFlow's stop_gradient, which tfjs-core lacks).
import * as tf from '@tensorflow/tfjs-core';

const stop = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/** x, as a new tensor through which no gradient flows. */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return stop(x);
}
