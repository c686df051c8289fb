import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@elbo/distributions';
import {
  evaluateDraws,
  meanOverDraws,
  readEstimatorArguments,
  requireReparameterized,
  type Batch,
  type ElboResult,
  type EstimatorOptions,
  type Model,
} from './model.js';

/**
 * The reparameterised Monte Carlo estimate of the evidence lower bound, with k draws zⱼ = g(εⱼ; φ) ~ q:
 *
 *   ELBO = E_q[s·log p(x | z) + log p(z) − log q(z)] ≈ (1/k) Σⱼ [s·log p(x | zⱼ) + log p(zⱼ) − log q(zⱼ)],
 *
 * s the likelihood scale (data size / batch size for minibatches). Unbiased for the ELBO, and its
 * gradient (through the draws) is unbiased for ∇ELBO. Everything is summed over the guide's batch axes
 * (local latents, as in a VAE).
 *
 * Terms: `expectedLogLikelihood` = (1/k) Σⱼ s·log p(x | zⱼ), `kl` = (1/k) Σⱼ [log q(zⱼ) − log p(zⱼ)] (the
 * Monte Carlo KL(q‖p); `klMethod` is `'monte-carlo'`), `entropy` = −(1/k) Σⱼ log q(zⱼ). loss = kl −
 * expectedLogLikelihood.
 *
 * @param model the model, see {@link Model}.
 * @param q the guide's distribution (reparameterised), event shape equal to the prior's.
 * @param batch what `model.logLikelihood` reads.
 * @returns `{ loss, terms, klMethod }`, tensors owned by the caller.
 * @throws {ArgumentError} bad model, guide or options; q not reparameterised.
 * @throws {ShapeError} event shapes differ, or the log-likelihood has the wrong shape.
 * @example
 * const x = tf.tensor1d([1.2, 0.8, 1.9]);
 * const model = { prior: new Normal(0, 10), logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1) };
 * const { loss, terms } = reparameterizedElbo(model, new Normal(1.3, 0.6), undefined, { samples: 64, seed: 0 });
 * loss.print(); // −ELBO ≥ −log p(x); terms.kl ≈ 2.32 (Monte Carlo), terms.expectedLogLikelihood ≈ −3.61
 */
export function reparameterizedElbo<B extends Batch>(
  model: Model<B>,
  q: Distribution,
  batch: B,
  options: EstimatorOptions,
): ElboResult {
  const fn = 'reparameterizedElbo';
  const { settings } = readEstimatorArguments(model, q, options, fn);
  requireReparameterized(q, fn);
  const [loss, ell, kl, entropy] = tf.tidy((): [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar] => {
    const d = evaluateDraws(model, q, batch, settings, fn, false);
    const e = meanOverDraws(d.logLikelihood);
    const k = meanOverDraws(tf.sub(d.logQ, d.logPrior));
    return [tf.sub(k, e) as tf.Scalar, e, k, tf.neg(meanOverDraws(d.logQ)) as tf.Scalar];
  });
  return {
    loss,
    terms: { expectedLogLikelihood: ell, kl, entropy },
    klMethod: 'monte-carlo',
  };
}
