import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue, stopGradient } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import {
  evaluateDraws,
  meanOverDraws,
  readEstimatorArguments,
  type Batch,
  type ElboResult,
  type EstimatorOptions,
  type Model,
} from './model.js';

/** Options of {@link scoreFunctionElbo}. */
export interface ScoreFunctionElboOptions extends EstimatorOptions {
  /**
   * The control variate bⱼ subtracted from the learning signal: `'leave-one-out'` (bⱼ = the mean of the
   * other k − 1 draws' signals; needs samples ≥ 2, the default then), `'none'` (the default for one
   * draw), or a number (a constant, e.g. a moving average of past ELBOs that the caller keeps). Each
   * keeps the gradient unbiased, as bⱼ does not depend on zⱼ.
   */
  readonly baseline?: 'leave-one-out' | 'none' | number;
}

/**
 * The score-function (REINFORCE, likelihood-ratio) estimator of the ELBO, for guides whose draws carry no
 * gradient (Bernoulli, Categorical). With the learning signal fⱼ = s·log p(x | zⱼ) + log p(zⱼ) − log q(zⱼ)
 * for k draws zⱼ ~ q (treated as constants), the value is the Monte Carlo ELBO (1/k) Σⱼ fⱼ and the
 * gradient that of the surrogate
 *
 *   (1/k) Σⱼ [fⱼ + ⊥(fⱼ − bⱼ)·log q(zⱼ)],   ∇ELBO = E_q[(f − b)·∇log q(z)] + E_q[∇f],
 *
 * ⊥ a stop-gradient, bⱼ the baseline (see {@link ScoreFunctionElboOptions.baseline}). Unbiased because
 * E_q[∇log q] = 0 and bⱼ is independent of zⱼ; the leave-one-out baseline removes most of the variance of
 * a signal with a large mean. Works for reparameterised guides too (with a higher variance).
 *
 * Terms: `expectedLogLikelihood`, `kl` (Monte Carlo, `klMethod: 'monte-carlo'`), `baseline` (mean of bⱼ).
 * loss = −(1/k) Σⱼ fⱼ in value.
 *
 * @returns `{ loss, terms, klMethod }`, tensors owned by the caller.
 * @throws {ArgumentError} bad model, guide or options; the leave-one-out baseline with one draw.
 * @example
 * const model = { prior: new Bernoulli({ probs: 0.3 }), logLikelihood: (z) => new Normal(z, 0.5).logProb(0.9) };
 * const logits = tf.variable(tf.scalar(0));
 * const { value, grads } = tf.variableGrads(() =>
 *   scoreFunctionElbo(model, new Bernoulli({ logits }), undefined, { samples: 1000, seed: 1 }).loss);
 */
export function scoreFunctionElbo<B extends Batch>(
  model: Model<B>,
  q: Distribution,
  batch: B,
  options: ScoreFunctionElboOptions,
): ElboResult {
  const fn = 'scoreFunctionElbo';
  const { settings, record } = readEstimatorArguments(model, q, options, fn, ['baseline']);
  const k = settings.samples;
  const baseline = record['baseline'] ?? (k >= 2 ? 'leave-one-out' : 'none');
  if (
    baseline !== 'leave-one-out' &&
    baseline !== 'none' &&
    !(typeof baseline === 'number' && Number.isFinite(baseline))
  ) {
    throw new ArgumentError(
      `${fn}: argument 'options.baseline' is ${describeValue(baseline)}, expected 'leave-one-out', 'none' or a finite number`,
    );
  }
  if (baseline === 'leave-one-out' && k < 2) {
    throw new ArgumentError(
      `${fn}: argument 'options.baseline' is 'leave-one-out' with samples ${k}, expected samples ≥ 2 (the baseline of a draw is the mean of the others); raise samples or pass baseline 'none'`,
    );
  }
  const [loss, ell, kl, meanBaseline] = tf.tidy((): [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar] => {
    const d = evaluateDraws(model, q, batch, settings, fn, true);
    const f = tf.sub(tf.add(d.logLikelihood, d.logPrior), d.logQ);
    const signal = stopGradient(f);
    const b =
      baseline === 'leave-one-out'
        ? tf.div(tf.sub(tf.sum(signal, 0, true), signal), k - 1)
        : tf.fill(signal.shape, baseline === 'none' ? 0 : baseline);
    const score = tf.sub(d.logQ, stopGradient(d.logQ));
    const surrogate = tf.add(f, tf.mul(tf.sub(signal, b), score));
    return [
      tf.neg(meanOverDraws(surrogate)) as tf.Scalar,
      meanOverDraws(d.logLikelihood),
      meanOverDraws(tf.sub(d.logQ, d.logPrior)),
      meanOverDraws(b),
    ];
  });
  return { loss, terms: { expectedLogLikelihood: ell, kl, baseline: meanBaseline }, klMethod: 'monte-carlo' };
}
