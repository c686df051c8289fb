import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue, logSumExp } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import { logWeights } from './importance-weighted-bound.js';
import {
  readEstimatorArguments,
  requireReparameterized,
  type Batch,
  type ElboResult,
  type EstimatorOptions,
  type Model,
} from './model.js';

/** Options of {@link renyiBound}. */
export interface RenyiBoundOptions extends EstimatorOptions {
  /** The Rényi order α, a finite number; 1 gives the ELBO, 0 the importance-weighted bound. */
  readonly alpha: number;
}

/**
 * The variational Rényi bound (Li & Turner 2016) of order α with k draws zⱼ ~ q:
 *
 *   L_α = 1/(1 − α) · log E_q[(p(x, z)/q(z))^{1−α}],
 *   estimated by 1/(1 − α) · [logSumExp_j((1 − α) log wⱼ) − log k],
 *
 * and by the ELBO (1/k) Σⱼ log wⱼ at α = 1 (its limit). L_α is non-increasing in α: L_0 = log p(x)
 * (the estimate is then the importance-weighted bound), L_1 = ELBO, α < 0 gives upper bounds of log p(x).
 * The k-sample estimate is biased for L_α when α ≠ 1 but is itself a lower bound for α ∈ [0, 1].
 * Gradients flow through the reparameterised draws.
 *
 * Terms: `expectedLogLikelihood`, `kl` (Monte Carlo), `elbo` = (1/k) Σⱼ log wⱼ. loss = −L_α.
 *
 * @returns `{ loss, terms, klMethod }`, tensors owned by the caller.
 * @throws {ArgumentError} alpha missing or not finite; bad model, guide or options.
 * @example
 * const { loss } = renyiBound(model, q, batch, { alpha: 0.5, samples: 16, seed: 0 });
 */
export function renyiBound<B extends Batch>(
  model: Model<B>,
  q: Distribution,
  batch: B,
  options: RenyiBoundOptions,
): ElboResult {
  const fn = 'renyiBound';
  const { settings, record } = readEstimatorArguments(model, q, options, fn, ['alpha']);
  requireReparameterized(q, fn);
  const alpha = record['alpha'];
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new ArgumentError(
      `${fn}: argument 'options.alpha' is ${describeValue(alpha)}, expected a finite number (the Rényi order; 1 is the ELBO)`,
    );
  }
  const [loss, ell, kl, elbo] = tf.tidy((): [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar] => {
    const w = logWeights(model, q, batch, settings, fn);
    if (alpha === 1) return [tf.neg(w.elbo) as tf.Scalar, w.ell, w.kl, w.elbo];
    const scaled = tf.mul(w.logW, 1 - alpha);
    const bound = tf.div(tf.sum(tf.sub(logSumExp(scaled, 0), Math.log(settings.samples))), 1 - alpha);
    return [tf.neg(bound) as tf.Scalar, w.ell, w.kl, w.elbo];
  });
  return { loss, terms: { expectedLogLikelihood: ell, kl, elbo }, klMethod: 'monte-carlo' };
}
