import * as tf from '@tensorflow/tfjs-core';
import { formatShape } from '../args/shapes.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { ShapeError } from '../errors/errors.js';
import { sumToShape, withGradient } from './custom-gradient.js';
import { gammaLogSampleGradient } from './gamma-gradient.js';
import { checkShape } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';
import { concentrationValues, FLOAT32_MIN_NORMAL, sampleLogGamma } from './standard-gamma.js';

/**
 * Draws Dirichlet(α) variates, points of the simplex with density Γ(Σα) / Π Γ(α_k) · Π x_k^{α_k − 1}, as a
 * float32 tensor of shape `shape` = `[..., K]` that the caller owns; `concentration` α broadcasts to
 * `shape`, its last axis running over the K categories. Built from gamma draws (the same stream as
 * `gamma(shape, α, s)`, see {@link gamma}): x_k = G_k / Σ_i G_i, G_k ~ Gamma(α_k, 1), normalised in
 * float64 from the logs (x_k = exp(log G_k − m) / Σ_i exp(log G_i − m), m = max_i log G_i), so it stays
 * exact when every G is far below the float32 range. Components are floored at 2^-126; the values are
 * bit-identical on every backend.
 *
 * Differentiable in α: with the implicit gamma gradients (Figurnov et al. 2018) and S = Σ_i G_i,
 * ∂x_i/∂α_k = (δ_ik − x_i) x_k · d log G_k/dα_k, so the vector–Jacobian product is
 *
 *   ᾱ_k = (ȳ_k − Σ_i ȳ_i x_i) · x_k · d log G_k/dα_k,
 *
 * with x_k · d log G_k/dα_k in float64 and the contraction with ȳ in tf ops, summed over broadcast axes.
 *
 * @param shape - the output shape `[..., K]`, K ≥ 1.
 * @param concentration - α > 0, finite, broadcastable to `shape` (usually shape `[K]`).
 * @param s - a Seed or a non-negative safe integer.
 * @throws ShapeError for a scalar shape, K = 0, or a concentration that does not broadcast; ArgumentError
 *   for a bad seed or concentration; DomainError for α ≤ 0, NaN or ∞.
 * @example
 * const x = dirichlet([100, 3], [0.3, 1, 4], seed(0)); // rows sum to 1, means ≈ [0.06, 0.19, 0.75]
 */
export function dirichlet(shape: readonly number[], concentration: TensorInput, s: Seed | number): tf.Tensor {
  const fn = 'dirichlet';
  const dims = checkShape(shape, fn, 'shape');
  const k = dims[dims.length - 1];
  if (k === undefined || k === 0) {
    throw new ShapeError(
      `${fn}: argument 'shape' is ${formatShape(dims)}, expected [..., K] with K ≥ 1 categories on the last axis`,
    );
  }
  const key = toSeed(s, 'seed', fn).key;
  return tf.tidy(() => {
    const alphaTensor = toFloatTensor(concentration, 'concentration', fn);
    const alpha = concentrationValues(alphaTensor, dims, fn, 'concentration');
    const logg = sampleLogGamma(alpha, key);
    const n = logg.length;
    const x = new Float64Array(n);
    for (let row = 0; row < n; row += k) {
      let max = -Infinity;
      for (let i = row; i < row + k; i++) max = Math.max(max, logg[i] as number);
      let total = 0;
      for (let i = row; i < row + k; i++) {
        const e = Math.exp((logg[i] as number) - max);
        x[i] = e;
        total += e;
      }
      for (let i = row; i < row + k; i++) x[i] = (x[i] as number) / total;
    }
    return withGradient(
      [alphaTensor],
      () => {
        const values = new Float32Array(n);
        for (let i = 0; i < n; i++) values[i] = Math.max(Math.fround(x[i] as number), FLOAT32_MIN_NORMAL);
        return tf.tensor(values, dims, 'float32');
      },
      (dy) => {
        const scaled = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const xi = x[i] as number;
          scaled[i] = xi === 0 ? 0 : xi * gammaLogSampleGradient(alpha[i] as number, logg[i] as number);
        }
        const xt = tf.tensor(new Float32Array(x), dims, 'float32');
        const centred = tf.sub(dy, tf.sum(tf.mul(dy, xt), -1, true));
        return [sumToShape(tf.mul(centred, tf.tensor(scaled, dims, 'float32')), alphaTensor.shape)];
      },
    );
  });
}
