import * as tf from '@tensorflow/tfjs-core';
import { formatShape, ShapeError, toFloatTensor, type TensorInput } from '@elbo/core';
import { checkSize } from './dense.js';

/** The trainable parameters of batch normalisation: scale γ and shift β, each [channels]. */
export interface BatchNormParams {
  readonly gamma: tf.Tensor;
  readonly beta: tf.Tensor;
}

/** The running statistics of batch normalisation (state: saved, not trained), each [channels]. */
export interface BatchNormState {
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
}

/**
 * Fresh batch-norm parameters (γ = 1, β = 0) and initial running statistics (mean 0, variance 1).
 *
 * @returns `{ params, state }`: tensors the caller owns (`state` as tensors; wrap with `toVariables`
 * with `trainable = false`).
 * @example const { params, state } = initBatchNorm(32);
 */
export function initBatchNorm(channels: number): {
  params: { gamma: tf.Tensor; beta: tf.Tensor };
  state: { mean: tf.Tensor; variance: tf.Tensor };
} {
  checkSize(channels, 'channels', 'initBatchNorm');
  return {
    params: { gamma: tf.ones([channels]), beta: tf.zeros([channels]) },
    state: { mean: tf.zeros([channels]), variance: tf.ones([channels]) },
  };
}

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /**
   * Training mode (default false): normalise by the batch's own mean and (biased) variance over every
   * axis but the last, and update the running statistics in place; otherwise use the running ones.
   */
  readonly training?: boolean;
  /** The running statistics' update weight: r ← (1 − m)·r + m·batch (default 0.1, torch's). */
  readonly momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  readonly epsilon?: number;
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015) over the last axis:
 *
 *   y = γ·(x − μ)/√(σ² + ε) + β,
 *
 * with (μ, σ²) the batch's mean and biased variance over all axes but the last when training (gradients
 * flow through them), else the running statistics. In training the state is updated as torch does:
 * mean ← (1 − m)·mean + m·μ, variance ← (1 − m)·variance + m·σ²·n/(n − 1) (unbiased), outside the tape.
 *
 * @returns a new tensor shaped like x, owned by the caller.
 * @throws ShapeError when the last axis of x differs from γ's length.
 * @example
 * const y = batchNorm(tree.params, tree.state, x, { training: true });
 */
export function batchNorm(
  params: BatchNormParams,
  state: BatchNormState,
  x: TensorInput,
  options: BatchNormOptions = {},
): tf.Tensor {
  const fn = 'batchNorm';
  const momentum = options.momentum ?? 0.1;
  const epsilon = options.epsilon ?? 1e-5;
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', fn);
    const c = params.gamma.shape[0];
    if (xt.rank < 2 || xt.shape[xt.rank - 1] !== c) {
      throw new ShapeError(`${fn}: argument 'x' has shape ${formatShape(xt.shape)}, expected [..., ${c}]`);
    }
    if (options.training !== true) {
      const inv = tf.mul(params.gamma, tf.rsqrt(tf.add(state.variance, epsilon)));
      return tf.add(tf.mul(tf.sub(xt, state.mean), inv), params.beta);
    }
    const axes = xt.shape.slice(0, -1).map((_, i) => i);
    const n = xt.size / (c ?? 1);
    const { mean, variance } = tf.moments(xt, axes);
    const y = tf.add(
      tf.mul(tf.div(tf.sub(xt, mean), tf.sqrt(tf.add(variance, epsilon))), params.gamma),
      params.beta,
    );
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    state.mean.assign(tf.add(tf.mul(state.mean, 1 - momentum), tf.mul(mean, momentum)));
    state.variance.assign(tf.add(tf.mul(state.variance, 1 - momentum), tf.mul(unbiased, momentum)));
    return y;
  });
}
