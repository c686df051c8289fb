// Gradient plumbing of the samplers whose draws are differentiable (internal to random/).
import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums `x` over the axes along which a tensor of shape `shape` was broadcast to `x.shape`, and reshapes
 * the result to `shape`: the adjoint of broadcasting, as tfjs-core's own broadcast gradients do.
 */
export function sumToShape(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape.slice(), x.shape);
  const summed = axes.length > 0 ? tf.sum(x, axes) : x;
  return tf.reshape(summed, shape.slice());
}

/**
 * Returns the tensor `makeValue()` as a differentiable function of `inputs`, with the vector–Jacobian
 * product `vjp(dy)` (one gradient per input, each of its input's shape) as its gradient (tf.customGrad).
 * The value is computed outside tfjs (the samplers compute it in float64 JavaScript); `vjp` runs only
 * when a gradient is asked for, inside a tidy scope.
 */
export function withGradient(
  inputs: readonly tf.Tensor[],
  makeValue: () => tf.Tensor,
  vjp: (dy: tf.Tensor) => tf.Tensor[],
): tf.Tensor {
  const op = tf.customGrad((..._args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: makeValue(),
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => vjp(dy)),
  }));
  return op(...inputs);
}
