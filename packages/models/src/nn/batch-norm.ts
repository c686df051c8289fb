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
    const n = xt.size / c;
    const x2 = tf.reshape(xt, [n, c]) as tf.Tensor2D;
    // Per-channel sums as products with a row of ones: on wasm a plain matmul beats a transpose + sum.
    const ones = tf.ones([1, n]) as tf.Tensor2D;
    const mean = tf.div(tf.matMul(ones, x2), n);
    const variance = tf.div(tf.matMul(ones, tf.square(tf.sub(x2, mean))), n);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const xi = args[0] as tf.Tensor2D;
      const g = args[1] as tf.Tensor;
      const b = args[2] as tf.Tensor;
      const mi = args[3] as tf.Tensor;
      const ri = args[4] as tf.Tensor;
      const xhat = tf.mul(tf.sub(xi, mi), ri);
      (args[5] as tf.GradSaveFunc)([xhat, g, ri]);
      return {
        value: tf.add(tf.mul(xhat, g), b),
        // The batch-norm backward pass with the batch statistics differentiated (as tfjs's own chain of
        // moments gradients gives): dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ·(dy − dβ/n − x̂·dγ/n).
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          // Only saved tensors outlive the forward pass's scope, so the row of ones is made again.
          const [sxhat, sg, srstd] = saved as [tf.Tensor2D, tf.Tensor, tf.Tensor];
          const row = tf.ones([1, n]) as tf.Tensor2D;
          const dBeta = tf.matMul(row, dy as tf.Tensor2D);
          const dGamma = tf.matMul(row, tf.mul(dy, sxhat) as tf.Tensor2D);
          const dx = tf.mul(
            tf.mul(sg, srstd),
            tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(sxhat, tf.div(dGamma, n))),
          );
          // The statistics are inputs only to keep them alive; their part of the gradient is in dx.
          return [
            dx,
            tf.reshape(dGamma, [c]),
            tf.reshape(dBeta, [c]),
            tf.zerosLike(srstd),
            tf.zerosLike(srstd),
          ];
        },
      };
    });
    const y = tf.reshape(op(x2, params.gamma, params.beta, mean, rstd), xt.shape);
    const m1 = tf.reshape(mean, [c]);
    const v1 = tf.reshape(variance, [c]);
    const unbiased = n > 1 ? tf.mul(v1, n / (n - 1)) : v1;
    state.mean.assign(tf.add(tf.mul(state.mean, 1 - momentum), tf.mul(m1, momentum)));
    state.variance.assign(tf.add(tf.mul(state.variance, 1 - momentum), tf.mul(unbiased, momentum)));
    return y;
  });
}
