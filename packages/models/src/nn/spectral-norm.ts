import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, formatShape, ShapeError, stopGradient } from '@elbo/core';

/** The result of {@link spectralNorm}: the estimate σ and the next right singular vector estimate. */
export interface SpectralNormEstimate {
  /** σ̂ = uᵀ W v (a scalar), differentiable in W with gradient u vᵀ (u and v are held constant). */
  readonly sigma: tf.Scalar;
  /** The updated right singular vector estimate v [n], unit length, not on the gradient tape. */
  readonly v: tf.Tensor1D;
}

/**
 * Estimates the largest singular value of a weight by power iteration (Miyato et al. 2018; NVAE's
 * spectral regularisation): the weight is read as a matrix W [m, n] with n its last axis (a conv filter
 * [kh, kw, cin, cout] as [kh·kw·cin, cout]); starting from `v`, each iteration sets
 * u ← W v / ‖W v‖ and v ← Wᵀ u / ‖Wᵀ u‖, and the estimate is σ̂ = uᵀ W v ≤ σ_max(W). Keeping v between
 * training steps (one iteration per step) tracks σ_max as W changes. The gradient of σ̂ is u vᵀ, the
 * gradient of σ_max when the singular vectors are exact.
 *
 * @param weight - a tensor of rank ≥ 2.
 * @param v - the previous estimate [n] (any non-zero vector the first time).
 * @param iterations - power iterations (default 1).
 * @returns `{ sigma, v }`, tensors the caller owns.
 * @throws ShapeError when v does not match the weight's last axis; ArgumentError for bad iterations.
 * @example const { sigma, v } = spectralNorm(filter, v0, 10);
 */
export function spectralNorm(weight: tf.Tensor, v: tf.Tensor, iterations = 1): SpectralNormEstimate {
  const fn = 'spectralNorm';
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new ArgumentError(
      `${fn}: argument 'iterations' is ${String(iterations)}, expected a positive integer`,
    );
  }
  const n = weight.shape[weight.rank - 1] ?? 0;
  if (weight.rank < 2) {
    throw new ShapeError(
      `${fn}: argument 'weight' has shape ${formatShape(weight.shape)}, expected rank ≥ 2`,
    );
  }
  if (v.rank !== 1 || v.shape[0] !== n) {
    throw new ShapeError(
      `${fn}: argument 'v' has shape ${formatShape(v.shape)}, expected [${n}] (the weight's last axis)`,
    );
  }
  return tf.tidy(() => {
    const w = tf.reshape(weight, [-1, n]) as tf.Tensor2D;
    const wc = stopGradient(w) as tf.Tensor2D;
    let vi = tf.reshape(v, [n, 1]) as tf.Tensor2D;
    let ui: tf.Tensor2D = vi;
    const normalize = (t: tf.Tensor2D) => tf.div(t, tf.add(tf.norm(t), 1e-12)) as tf.Tensor2D;
    for (let i = 0; i < iterations; i++) {
      ui = normalize(tf.matMul(wc, vi)); // [m, 1]
      // Wᵀu as a plain matmul of row vectors (wasm's transposed matmul is slow): (uᵀ W)ᵀ.
      vi = normalize(tf.reshape(tf.matMul(tf.reshape(ui, [1, -1]), wc), [n, 1]) as tf.Tensor2D);
    }
    const u = stopGradient(ui) as tf.Tensor2D;
    const vv = stopGradient(vi) as tf.Tensor2D;
    // σ̂ = uᵀWv = Σ W ⊙ (u vᵀ): its gradient u vᵀ is then an elementwise product, not a transposed matmul.
    const sigma = tf.sum(tf.mul(w, tf.mul(u, tf.reshape(vv, [1, n])))) as tf.Scalar;
    return { sigma, v: tf.reshape(vv, [n]) as tf.Tensor1D };
  });
}
