import * as tf from '@tensorflow/tfjs-core';
import { logSumExp } from '@elbo/core';
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
 * The log importance weights log wⱼ = s·log p(x | zⱼ) + log p(zⱼ) − log q(zⱼ) of k draws, [k, ...batch],
 * with the terms every weighted bound reports. Internal to the bounds. Call inside tf.tidy.
 */
export function logWeights<B extends Batch>(
  model: Model<B>,
  q: Distribution,
  batch: B,
  settings: Parameters<typeof evaluateDraws>[3],
  fn: string,
): { logW: tf.Tensor; ell: tf.Scalar; kl: tf.Scalar; elbo: tf.Scalar } {
  const d = evaluateDraws(model, q, batch, settings, fn, false);
  const logW = tf.sub(tf.add(d.logLikelihood, d.logPrior), d.logQ);
  return {
    logW,
    ell: meanOverDraws(d.logLikelihood),
    kl: meanOverDraws(tf.sub(d.logQ, d.logPrior)),
    elbo: meanOverDraws(logW),
  };
}

/**
 * The importance-weighted bound (IWAE, Burda et al. 2016) with k draws zⱼ ~ q:
 *
 *   L_k = E[log (1/k) Σⱼ wⱼ],   wⱼ = p(x, zⱼ)/q(zⱼ),   estimated by logSumExp_j(log wⱼ) − log k,
 *
 * with log p(x | z) scaled by s. L_1 is the ELBO, L_k ≤ L_{k+1} ≤ log p(x), and L_k → log p(x) as k → ∞.
 * For the same draws the estimate is ≥ the ELBO estimate (1/k) Σⱼ log wⱼ (Jensen). Summed over the
 * guide's batch axes (a VAE's data points). Gradients flow through the reparameterised draws.
 *
 * Terms: `expectedLogLikelihood` and `kl` (Monte Carlo, from the same draws), `elbo` = (1/k) Σⱼ log wⱼ.
 * loss = −L_k.
 *
 * @returns `{ loss, terms, klMethod }`, tensors owned by the caller.
 * @throws {ArgumentError} bad model, guide or options; q not reparameterised.
 * @example
 * const { loss } = importanceWeightedBound(model, q, batch, { samples: 16, seed: 0 });
 * loss.print(); // ≤ the reparameterizedElbo loss of the same draws
 */
export function importanceWeightedBound<B extends Batch>(
  model: Model<B>,
  q: Distribution,
  batch: B,
  options: EstimatorOptions,
): ElboResult {
  const fn = 'importanceWeightedBound';
  const { settings } = readEstimatorArguments(model, q, options, fn);
  requireReparameterized(q, fn);
  const [loss, ell, kl, elbo] = tf.tidy((): [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar] => {
    const w = logWeights(model, q, batch, settings, fn);
    const bound = tf.sum(tf.sub(logSumExp(w.logW, 0), Math.log(settings.samples)));
    return [tf.neg(bound) as tf.Scalar, w.ell, w.kl, w.elbo];
  });
  return { loss, terms: { expectedLogLikelihood: ell, kl, elbo }, klMethod: 'monte-carlo' };
}
