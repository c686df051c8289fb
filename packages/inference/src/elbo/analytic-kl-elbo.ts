import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import { findKl, klDivergence, KL_TABLE, type KlTable } from '@elbo/divergences';
import {
  evaluateDraws,
  logLikelihoodOfDraws,
  meanOverDraws,
  readEstimatorArguments,
  requireReparameterized,
  type Batch,
  type ElboResult,
  type EstimatorOptions,
  type Model,
} from './model.js';

/** Options of {@link analyticKlElbo}. */
export interface AnalyticKlElboOptions extends EstimatorOptions {
  /**
   * What to do when the pair (q, prior) has no row in the KL table: `'error'` (the default: nothing is
   * estimated behind your back) or `'monte-carlo'` (estimate KL(q‖p) from the same draws, reported as
   * `klMethod: 'monte-carlo'`).
   */
  readonly fallback?: 'error' | 'monte-carlo';
  /** The KL table to look the pair up in (default `KL_TABLE` of `@elbo/divergences`). */
  readonly table?: KlTable;
}

/**
 * The evidence lower bound with the KL term in closed form, chosen from the KL table for the pair
 * (q, prior) (Kingma & Welling's second estimator; Pyro's `TraceMeanField_ELBO`):
 *
 *   ELBO = E_q[s·log p(x | z)] − KL(q(z)‖p(z)) ≈ (1/k) Σⱼ s·log p(x | zⱼ) − KL(q‖p),   zⱼ ~ q reparameterised,
 *
 * s the likelihood scale. Same expectation as {@link reparameterizedElbo}, lower variance (the KL part has
 * none). When the pair has no closed form it throws, unless `fallback: 'monte-carlo'`, in which case the
 * KL is the mean of log q(zⱼ) − log p(zⱼ) over the same draws and `klMethod` says `'monte-carlo'`.
 *
 * Terms: `expectedLogLikelihood`, `kl` (summed over the guide's batch axes). loss = kl − expectedLogLikelihood.
 *
 * @returns `{ loss, terms, klMethod }`, tensors owned by the caller.
 * @throws {ArgumentError} no closed form and no fallback (the message says how to allow one), bad model,
 *   guide or options, q not reparameterised.
 * @throws {ShapeError} event shapes differ, or the log-likelihood has the wrong shape.
 * @example
 * const x = tf.tensor1d([1.2, 0.8, 1.9]);
 * const model = { prior: new Normal(0, 10), logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1) };
 * const { loss, terms, klMethod } = analyticKlElbo(model, new Normal(1.3, 0.6), undefined, { samples: 16, seed: 0 });
 * klMethod; // 'analytic'
 * terms.kl.print(); // 2.3237 = log(10/0.6) + (0.6² + 1.3²)/200 − ½ = KL(N(1.3, 0.6²) ‖ N(0, 10²))
 */
export function analyticKlElbo<B extends Batch>(
  model: Model<B>,
  q: Distribution,
  batch: B,
  options: AnalyticKlElboOptions,
): ElboResult {
  const fn = 'analyticKlElbo';
  const { settings, record } = readEstimatorArguments(model, q, options, fn, ['fallback', 'table']);
  requireReparameterized(q, fn);
  const fallback = record['fallback'] ?? 'error';
  if (fallback !== 'error' && fallback !== 'monte-carlo') {
    throw new ArgumentError(
      `${fn}: argument 'options.fallback' is ${describeValue(fallback)}, expected 'error' or 'monte-carlo'`,
    );
  }
  const table = (record['table'] as KlTable | undefined) ?? KL_TABLE;
  const analytic = findKl(table, q, model.prior) !== undefined;
  if (!analytic && fallback === 'error') {
    throw new ArgumentError(
      `${fn}: no closed form for KL(${q.name} ‖ ${model.prior.name}) in the KL table (the guide is a ${q.constructor.name}, the prior a ${model.prior.constructor.name}), expected a pair with a row; pass { fallback: 'monte-carlo' } to estimate it from the draws, use reparameterizedElbo, or extend the table with { table: [...KL_TABLE, [${q.constructor.name}, ${model.prior.constructor.name}, myKl]] }`,
    );
  }
  const [loss, ell, kl] = tf.tidy((): [tf.Scalar, tf.Scalar, tf.Scalar] => {
    let e: tf.Scalar;
    let k: tf.Scalar;
    if (analytic) {
      const z = q.sample(settings.samples, settings.seed);
      e = meanOverDraws(
        logLikelihoodOfDraws(model, z, batch, settings, fn, [settings.samples, ...q.batchShape]),
      );
      k = tf.sum(klDivergence(q, model.prior, { table })) as tf.Scalar;
    } else {
      const d = evaluateDraws(model, q, batch, settings, fn, false);
      e = meanOverDraws(d.logLikelihood);
      k = meanOverDraws(tf.sub(d.logQ, d.logPrior));
    }
    return [tf.sub(k, e) as tf.Scalar, e, k];
  });
  return {
    loss,
    terms: { expectedLogLikelihood: ell, kl },
    klMethod: analytic ? 'analytic' : 'monte-carlo',
  };
}
