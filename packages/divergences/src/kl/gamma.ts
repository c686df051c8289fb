import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma } from '@elbo/core';
import { expm1MinusX } from '../stable.js';

/** What the gamma KL formulas read of a Gamma(α, β): concentration α > 0 and rate β > 0. */
export interface GammaParams {
  readonly concentration: tf.Tensor;
  readonly rate: tf.Tensor;
}

/** What the exponential KL formulas read of an Exponential(λ) = Gamma(1, λ): the rate λ > 0. */
export interface RateParams {
  readonly rate: tf.Tensor;
}

/**
 * KL(Gamma(α₁, β₁) ‖ Gamma(α₂, β₂)) (α = 1 is the exponential):
 * (α₁ − α₂)(ψ(α₁) + x) + log Γ(α₂) − log Γ(α₁) + α₁(eˣ − 1 − x), x = log β₂ − log β₁.
 */
function gammaGamma(a1: tf.Tensor, b1: tf.Tensor, a2: tf.Tensor, b2: tf.Tensor): tf.Tensor {
  const x = tf.sub(tf.log(b2), tf.log(b1));
  return tf.add(
    tf.add(tf.mul(tf.sub(a1, a2), tf.add(digamma(a1), x)), tf.sub(lgamma(a2), lgamma(a1))),
    tf.mul(a1, expm1MinusX(x)),
  );
}

/**
 * KL(Gamma(α₁, β₁) ‖ Gamma(α₂, β₂)) = (α₁ − α₂)ψ(α₁) − log Γ(α₁) + log Γ(α₂) + α₂ log(β₁/β₂) + α₁(β₂ − β₁)/β₁,
 * computed as (α₁ − α₂)(ψ(α₁) + x) + log Γ(α₂) − log Γ(α₁) + α₁(eˣ − 1 − x) with x = log(β₂/β₁), so that
 * the rate terms do not cancel when β₁ ≈ β₂. The caller owns the result.
 *
 * @example klGammaGamma(new Gamma(2, 1), new Gamma(3, 2)).print(); // 0.1909
 */
export function klGammaGamma(p: GammaParams, q: GammaParams): tf.Tensor {
  return tf.tidy(() => gammaGamma(p.concentration, p.rate, q.concentration, q.rate));
}

/**
 * KL(Exp(λ₁) ‖ Exp(λ₂)) = λ₂/λ₁ − 1 − log(λ₂/λ₁), computed as eˣ − 1 − x with x = log λ₂ − log λ₁.
 * The caller owns the result.
 *
 * @example klExponentialExponential(new Exponential(1), new Exponential(2)).print(); // 0.3069
 */
export function klExponentialExponential(p: RateParams, q: RateParams): tf.Tensor {
  return tf.tidy(() => expm1MinusX(tf.sub(tf.log(q.rate), tf.log(p.rate))));
}

/**
 * KL(Exp(λ) ‖ Gamma(α, β)) = KL(Gamma(1, λ) ‖ Gamma(α, β))
 * = (1 − α)(x − γ) + log Γ(α) + eˣ − 1 − x, x = log(β/λ), γ the Euler-Mascheroni constant
 * (torch.distributions' `_kl_exponential_gamma`). The caller owns the result.
 *
 * @example klExponentialGamma(new Exponential(1), new Gamma(2, 1)).print(); // 0.5772
 */
export function klExponentialGamma(p: RateParams, q: GammaParams): tf.Tensor {
  return tf.tidy(() => gammaGamma(tf.onesLike(p.rate), p.rate, q.concentration, q.rate));
}

/**
 * KL(Gamma(α, β) ‖ Exp(λ)) = KL(Gamma(α, β) ‖ Gamma(1, λ))
 * = (α − 1)(ψ(α) + x) − log Γ(α) + α(eˣ − 1 − x), x = log(λ/β) (torch.distributions'
 * `_kl_gamma_exponential`, −H(p) − log λ + λα/β). The caller owns the result.
 *
 * @example klGammaExponential(new Gamma(2, 1), new Exponential(1)).print(); // 0.4228
 */
export function klGammaExponential(p: GammaParams, q: RateParams): tf.Tensor {
  return tf.tidy(() => gammaGamma(p.concentration, p.rate, tf.onesLike(q.rate), q.rate));
}
