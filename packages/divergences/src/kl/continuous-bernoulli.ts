import * as tf from '@tensorflow/tfjs-core';
import { expm1, log1pExp } from '@elbo/core';
import { seriesNearZero } from '../stable.js';

/** What the continuous Bernoulli KL formula reads: `logits()`, the log-odds ℓ = log(λ/(1 − λ)), a new tensor. */
export interface LogitParams {
  logits(): tf.Tensor;
}

/**
 * log C(ℓ) of the continuous Bernoulli's normaliser C = ℓ/tanh(ℓ/2) (= 2 atanh(1 − 2λ)/(1 − 2λ)), an even
 * function: log|ℓ| + softplus(−|ℓ|) − log(1 − e^{−|ℓ|}), and log 2 + ℓ²/12 − 7ℓ⁴/1440 for |ℓ| < 0.01.
 */
function logNormaliser(l: tf.Tensor): tf.Tensor {
  const a = tf.abs(l);
  return seriesNearZero(a, 0.01, [Math.LN2, 0, 1 / 12, 0, -7 / 1440], (x) =>
    tf.sub(tf.add(tf.log(x), log1pExp(tf.neg(x))), tf.log(tf.neg(expm1(tf.neg(x))))),
  );
}

/** The mean 1/(1 − e^{−ℓ}) − 1/ℓ, and ½ + ℓ/12 − ℓ³/720 + ℓ⁵/30240 for |ℓ| < 0.1. */
function mean(l: tf.Tensor): tf.Tensor {
  return seriesNearZero(l, 0.1, [0.5, 1 / 12, 0, -1 / 720, 0, 1 / 30240], (x) =>
    tf.sub(tf.neg(tf.reciprocal(expm1(tf.neg(x)))), tf.reciprocal(x)),
  );
}

/**
 * KL(CB(λ₁) ‖ CB(λ₂)) for continuous Bernoulli densities p(x) = C(λ)λˣ(1 − λ)¹⁻ˣ on [0, 1]:
 * E₁[X]·(ℓ₁ − ℓ₂) + log C(ℓ₁) − log C(ℓ₂) + log(1 − λ₁) − log(1 − λ₂), in the logits ℓ = log(λ/(1 − λ)):
 * E₁[X] = 1/(1 − e^{−ℓ₁}) − 1/ℓ₁, C(ℓ) = ℓ/tanh(ℓ/2), log(1 − λ) = −softplus(ℓ) (torch.distributions'
 * form, with the expansions near ℓ = 0, where the closed forms are 0/0, written as series instead of
 * torch's clamped window). The caller owns the result.
 *
 * @example klContinuousBernoulliContinuousBernoulli(new ContinuousBernoulli({ probs: 0.3 }), new ContinuousBernoulli({ probs: 0.6 })).print(); // 0.0645
 */
export function klContinuousBernoulliContinuousBernoulli(p: LogitParams, q: LogitParams): tf.Tensor {
  return tf.tidy(() => {
    const lp = p.logits();
    const lq = q.logits();
    return tf.add(
      tf.add(tf.mul(mean(lp), tf.sub(lp, lq)), tf.sub(logNormaliser(lp), logNormaliser(lq))),
      tf.sub(log1pExp(lq), log1pExp(lp)),
    );
  });
}
