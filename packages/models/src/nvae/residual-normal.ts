import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, stopGradient, toFloatTensor, type TensorInput } from '@elbo/core';

/** The bound c of NVAE's soft clamp of log-scales, c·tanh(x/c). */
export const LOG_SCALE_BOUND = 5;

/**
 * NVAE's soft clamp of a raw log-scale: c·tanh(x/c) with c = 5, so σ stays in [e⁻⁵, e⁵] with a smooth
 * gradient (≈ x near 0).
 *
 * @returns a new tensor, owned by the caller.
 * @example softClamp([0, 100]) // [0, 5]
 */
export function softClamp(x: TensorInput, bound = LOG_SCALE_BOUND): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.tanh(tf.div(toFloatTensor(x, 'x', 'softClamp'), bound)), bound));
}

/** A diagonal Normal given by its location and log-scale. */
export interface NormalParams {
  readonly loc: tf.Tensor;
  readonly logScale: tf.Tensor;
}

/**
 * The residual posterior of NVAE (Vahdat & Kautz 2020, eq. 2): relative to the prior
 * p(zⁱ) = N(μₚ, σₚ²), the encoder predicts (Δμ, Δlog σ) and q(zⁱ | x) = N(μₚ + Δμ, (σₚ·Δσ)²), so
 * log σ_q = log σₚ + Δlog σ.
 *
 * @returns `{ loc, logScale }` of q, new tensors owned by the caller.
 * @example const q = residualPosterior(prior, { loc: dMu, logScale: dLogSigma });
 */
export function residualPosterior(prior: NormalParams, delta: NormalParams): NormalParams {
  return tf.tidy(() => ({
    loc: tf.add(prior.loc, delta.loc),
    logScale: tf.add(prior.logScale, delta.logScale),
  })) as NormalParams;
}

/**
 * The KL divergence of the residual posterior from its prior, elementwise (NVAE eq. 3):
 *
 *   KL(N(μₚ + Δμ, σₚ²Δσ²) ‖ N(μₚ, σₚ²)) = ½ (Δμ²/σₚ² + Δσ² − 1) − log Δσ,
 *
 * which does not depend on μₚ: the encoder pays for how far it moves the prior, measured in prior
 * standard deviations.
 *
 * @param priorLogScale - log σₚ.
 * @param deltaLoc - Δμ; @param deltaLogScale - log Δσ (same shape, or broadcastable).
 * @returns the KL per element, a new tensor owned by the caller.
 * @example residualKl(0, 1, 0) // 0.5: moving a standard normal by one σ
 */
export function residualKl(
  priorLogScale: TensorInput,
  deltaLoc: TensorInput,
  deltaLogScale: TensorInput,
): tf.Tensor {
  const fn = 'residualKl';
  return tf.tidy(() => {
    const lp = toFloatTensor(priorLogScale, 'priorLogScale', fn);
    const dm = toFloatTensor(deltaLoc, 'deltaLoc', fn);
    const dl = toFloatTensor(deltaLogScale, 'deltaLogScale', fn);
    const ratio = tf.mul(tf.square(dm), tf.exp(tf.mul(lp, -2)));
    return tf.sub(tf.mul(0.5, tf.sub(tf.add(ratio, tf.exp(tf.mul(dl, 2))), 1)), dl);
  });
}

/**
 * NVAE's KL balancing coefficients (App. A of the paper): during KL warm-up each latent group's KL is
 * multiplied by γₗ ∝ (KL̄ₗ + ε)/sₗ, its batch-average KL per latent variable (sₗ variables in group l,
 * ε = 0.01 nats so a collapsed group keeps a small weight), normalised to mean 1 over the groups:
 *
 *   γₗ = L·rₗ / Σⱼ rⱼ,   rₗ = (KL̄ₗ + ε)/sₗ.
 *
 * Groups whose variables carry little information are penalised less, so fewer of them collapse. The
 * coefficients are constants to the gradient (stop-gradient).
 *
 * @param groupKl - the batch-average KL of each group, [L].
 * @param sizes - the number of latent variables in each group.
 * @returns γ [L], a new tensor owned by the caller (not on the gradient tape).
 * @throws ArgumentError when the sizes do not match the groups.
 * @example klBalanceCoefficients(tf.tensor1d([10, 1]), [100, 100]) // ≈ [1.81, 0.19]
 */
export function klBalanceCoefficients(
  groupKl: TensorInput,
  sizes: readonly number[],
  epsilon = 0.01,
): tf.Tensor1D {
  const fn = 'klBalanceCoefficients';
  return tf.tidy(() => {
    const kl = stopGradient(toFloatTensor(groupKl, 'groupKl', fn));
    if (kl.rank !== 1 || kl.shape[0] !== sizes.length || sizes.length === 0) {
      throw new ArgumentError(
        `${fn}: 'groupKl' has shape [${kl.shape.join(', ')}] and 'sizes' ${sizes.length} entries, expected [L] and L ≥ 1 sizes`,
      );
    }
    if (!sizes.every((s) => Number.isInteger(s) && s > 0)) {
      throw new ArgumentError(`${fn}: 'sizes' is [${sizes.join(', ')}], expected positive integers`);
    }
    const r = tf.div(tf.add(kl, epsilon), tf.tensor1d(sizes as number[]));
    return tf.mul(tf.div(r, tf.sum(r)), sizes.length) as tf.Tensor1D;
  });
}
