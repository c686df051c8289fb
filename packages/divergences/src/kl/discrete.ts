import * as tf from '@tensorflow/tfjs-core';
import { formatShape, logSigmoid, maskOf, ShapeError } from '@elbo/core';
import { expm1MinusX } from '../stable.js';
import type { RateParams } from './gamma.js';

/**
 * What the Bernoulli and categorical KL formulas read of a distribution: `logits()` (the log-odds for a
 * Bernoulli, the normalised log-probabilities [..., K] for a categorical) and `probs()` (P(X = 1), or
 * the probabilities [..., K]), each a new tensor.
 */
export interface ProbabilityParams {
  logits(): tf.Tensor;
  probs(): tf.Tensor;
}

/**
 * Σₖ pₖ(log pₖ − log qₖ) over the last axis, with torch's conventions at the boundary: a term is 0 where
 * pₖ = 0 and +∞ where qₖ = 0 < pₖ.
 */
function sumOfTerms(pk: tf.Tensor, logPk: tf.Tensor, qk: tf.Tensor, logQk: tf.Tensor): tf.Tensor {
  const terms = tf.mul(pk, tf.sub(logPk, logQk));
  const qZero = maskOf([qk], (x) => tf.equal(x, 0));
  const pZero = maskOf([pk], (x) => tf.equal(x, 0));
  const withInfinity = tf.where(qZero, tf.fill(terms.shape, Infinity), terms);
  return tf.sum(tf.where(pZero, tf.zerosLike(withInfinity), withInfinity), -1);
}

/**
 * KL(Bernoulli(p) ‖ Bernoulli(q)) = p(log p − log q) + (1 − p)(log(1 − p) − log(1 − q)), with the logs
 * taken from the logits (log p = log σ(ℓ), log(1 − p) = log σ(−ℓ)); 0·log 0 = 0, and +∞ where q puts
 * probability 0 on an outcome p does not. The caller owns the result.
 *
 * @example klBernoulliBernoulli(new Bernoulli({ probs: 0.5 }), new Bernoulli({ probs: 0.25 })).print(); // 0.1438
 */
export function klBernoulliBernoulli(p: ProbabilityParams, q: ProbabilityParams): tf.Tensor {
  return tf.tidy(() => {
    const lp = p.logits();
    const lq = q.logits();
    const pp = p.probs();
    const qp = q.probs();
    const stack = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
      return tf.stack([tf.broadcastTo(a, shape), tf.broadcastTo(b, shape)], -1);
    };
    return sumOfTerms(
      stack(pp, tf.sub(1, pp)),
      stack(logSigmoid(lp), logSigmoid(tf.neg(lp))),
      stack(qp, tf.sub(1, qp)),
      stack(logSigmoid(lq), logSigmoid(tf.neg(lq))),
    );
  });
}

/**
 * KL(Cat(p) ‖ Cat(q)) = Σₖ pₖ(log pₖ − log qₖ) over the K categories (the last axis of the parameters),
 * with 0·log 0 = 0 and +∞ where qₖ = 0 < pₖ. Also the KL of two one-hot categoricals with the same
 * parameters. The caller owns the result.
 *
 * @throws {ShapeError} When p and q have different numbers of categories.
 * @example klCategoricalCategorical(new Categorical({ probs: [0.5, 0.5] }), new Categorical({ probs: [0.9, 0.1] })).print(); // 0.5108
 */
export function klCategoricalCategorical(p: ProbabilityParams, q: ProbabilityParams): tf.Tensor {
  return tf.tidy(() => {
    const lp = p.logits();
    const lq = q.logits();
    const kp = lp.shape[lp.rank - 1];
    const kq = lq.shape[lq.rank - 1];
    if (kp !== kq) {
      throw new ShapeError(
        `klDivergence: p has ${kp} categories (logits ${formatShape(lp.shape)}) and q has ${kq} (logits ${formatShape(lq.shape)}), expected the same number`,
      );
    }
    return sumOfTerms(p.probs(), lp, q.probs(), lq);
  });
}

/**
 * KL(Poisson(λ₁) ‖ Poisson(λ₂)) = λ₁ log(λ₁/λ₂) − λ₁ + λ₂, computed as λ₁(eˣ − 1 − x), x = log(λ₂/λ₁).
 * The caller owns the result.
 *
 * @example klPoissonPoisson(new Poisson(2), new Poisson(3)).print(); // 0.1891
 */
export function klPoissonPoisson(p: RateParams, q: RateParams): tf.Tensor {
  return tf.tidy(() => tf.mul(p.rate, expm1MinusX(tf.sub(tf.log(q.rate), tf.log(p.rate)))));
}
