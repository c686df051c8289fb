import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, NonFiniteError } from '@elbo/core';
import { Independent, MultivariateNormalDiag, Normal } from '@elbo/distributions';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { analyticKlElbo } from '../elbo/analytic-kl-elbo.js';
import { reparameterizedElbo } from '../elbo/reparameterized-elbo.js';
import type { Model } from '../elbo/model.js';
import { fullRankGuide } from '../guides/full-rank-guide.js';
import { meanFieldGuide } from '../guides/mean-field-guide.js';
import { fit } from './fit.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import { svi, type LossFunction } from './svi.js';

// References, in float64 from the maths:
// - Normal mean, known σ: x_i ~ N(μ, σ²), μ ~ N(m₀, s₀²) has the posterior N(m_n, s_n²) with
//   1/s_n² = 1/s₀² + n/σ², m_n = s_n²(m₀/s₀² + Σx/σ²). The mean-field guide is then exact.
// - Bayesian linear regression: y = Xw + ε, ε ~ N(0, σ²I), w ~ N(0, I): the posterior is N(Λ⁻¹Xᵀy/σ², Λ⁻¹)
//   with Λ = I + XᵀX/σ². The full-rank guide recovers Λ⁻¹; the optimal mean-field guide has the same
//   mean and variances 1/Λᵢᵢ (the reverse-KL mean-field solution for a Gaussian target).

const X_DATA = Array.from({ length: 20 }, (_, i) => 1.3 + Math.sin(1.7 * i + 0.3) * 0.9);
const SIGMA = 1;
const M0 = 0;
const S0 = 2;

function normalMeanPosterior(): { mean: number; sd: number } {
  const n = X_DATA.length;
  const precision = 1 / S0 ** 2 + n / SIGMA ** 2;
  const sum = X_DATA.reduce((a, b) => a + b, 0);
  return { mean: (M0 / S0 ** 2 + sum / SIGMA ** 2) / precision, sd: 1 / Math.sqrt(precision) };
}

/** The conjugate model over a batch x [b]: log p(x | μ) = Σ log N(x_i; μ, σ²) for μ of shape [k]. */
function normalMeanModel(): { model: Model<tf.Tensor>; dispose: () => void } {
  const prior = new Normal(M0, S0);
  return {
    model: {
      prior,
      logLikelihood: (mu, x) => tf.sum(new Normal(tf.expandDims(mu, -1), SIGMA).logProb(x), -1),
    },
    dispose: () => prior.dispose(),
  };
}

// Regression data: correlated features, deterministic noise.
const N_REG = 30;
const SIGMA_REG = 0.5;
const FEATURES = Array.from({ length: N_REG }, (_, i) => {
  const a = Math.sin(0.9 * i + 0.2) * 1.2;
  return [a, 0.7 * a + 0.6 * Math.cos(2.3 * i)];
});
const TARGETS = FEATURES.map(([a, b], i) => 1.5 * a! - 0.8 * b! + SIGMA_REG * Math.sin(5.1 * i + 1));

function regressionPosterior(): { mean: number[]; covariance: number[][]; meanFieldSd: number[] } {
  let s11 = 1;
  let s12 = 0;
  let s22 = 1;
  let r1 = 0;
  let r2 = 0;
  const v = SIGMA_REG ** 2;
  FEATURES.forEach(([a, b], i) => {
    s11 += (a! * a!) / v;
    s12 += (a! * b!) / v;
    s22 += (b! * b!) / v;
    r1 += (a! * TARGETS[i]!) / v;
    r2 += (b! * TARGETS[i]!) / v;
  });
  const det = s11 * s22 - s12 * s12;
  const covariance = [
    [s22 / det, -s12 / det],
    [-s12 / det, s11 / det],
  ];
  const mean = [
    covariance[0]![0]! * r1 + covariance[0]![1]! * r2,
    covariance[1]![0]! * r1 + covariance[1]![1]! * r2,
  ];
  return { mean, covariance, meanFieldSd: [1 / Math.sqrt(s11), 1 / Math.sqrt(s22)] };
}

type RegressionBatch = { readonly x: tf.Tensor; readonly y: tf.Tensor };

/** log p(y | X, w) for w [k, ...batch, 2]: Σ_i log N(y_i; x_iᵀw, σ²). */
function regressionLogLikelihood(w: tf.Tensor, batch: RegressionBatch): tf.Tensor {
  const mean = tf.matMul(tf.reshape(w, [-1, 2]), batch.x, false, true); // [k·B, n]
  const ll = tf.sum(new Normal(mean, SIGMA_REG).logProb(batch.y), -1);
  return tf.reshape(ll, w.shape.slice(0, -1));
}

describeEachBackend('svi', () => {
  it('recovers the conjugate Normal-mean posterior with a mean-field guide, leaking nothing', async () => {
    const { model, dispose } = normalMeanModel();
    const x = tf.tensor1d(X_DATA);
    const guide = meanFieldGuide({ shape: [], loc: 0, scale: 1 });
    const fast = tf.train.adam(0.05);
    const slow = tf.train.adam(0.01);
    const loss: LossFunction<tf.Tensor> = (m, q, b, c) => reparameterizedElbo(m, q, b, { ...c, samples: 8 });
    const first = svi({ model, guide, optimizer: fast, seed: 3, loss });
    first.step(x); // Adam's moment variables are created on the first step: state, not a leak.
    await expectNoLeaks(() => {
      for (let i = 1; i < 300; i++) first.step(x);
    });
    const second = svi({ model, guide, optimizer: slow, seed: 4, loss });
    second.step(x);
    await expectNoLeaks(() => {
      for (let i = 1; i < 200; i++) second.step(x);
    });
    const reference = normalMeanPosterior();
    const p = guide.parameters();
    expectClose(p['loc']!, reference.mean, { atol: 0.03, rtol: 0 });
    expectClose(p['scale']!, reference.sd, { atol: 0, rtol: 0.12 });
    expect(first.stepCount).toBe(300);
    expect(Number.isFinite(second.lastLoss)).toBe(true);
    tf.dispose([p['loc']!, p['scale']!, x]);
    guide.dispose();
    fast.dispose();
    slow.dispose();
    dispose();
  });

  it('Bayesian linear regression: fit with minibatches and the likelihood scaled by N/B recovers the mean and the mean-field variances 1/Λᵢᵢ', async () => {
    const data = { x: tf.tensor2d(FEATURES), y: tf.tensor1d(TARGETS) };
    const prior = new Independent(new Normal([0, 0], [1, 1]), 1);
    const model: Model<RegressionBatch> = { prior, logLikelihood: regressionLogLikelihood };
    const guide = meanFieldGuide({ shape: [2], loc: [0, 0], scale: 0.5 });
    const optimizer = tf.train.adam(0.03);
    const engine = svi({ model, guide, optimizer, seed: 5 });
    engine.step(data);
    const result = await expectNoLeaks(() => fit(engine, { epochs: 200, data, batchSize: 10, seed: 6 }));
    expect(result.steps).toBe(600);
    const slow = tf.train.adam(0.005);
    const polish = svi({ model, guide, optimizer: slow, seed: 7 });
    fit(polish, { epochs: 100, data, batchSize: 10, seed: 8 });
    const reference = regressionPosterior();
    const p = guide.parameters();
    expectClose(p['loc']!, reference.mean, { atol: 0.03, rtol: 0 });
    expectClose(p['scale']!, reference.meanFieldSd, { atol: 0, rtol: 0.15 });
    tf.dispose([p['loc']!, p['scale']!, data.x, data.y]);
    guide.dispose();
    optimizer.dispose();
    slow.dispose();
    prior.base.dispose();
  });

  it('Bayesian linear regression with a full-rank guide recovers the posterior covariance', async () => {
    const data = { x: tf.tensor2d(FEATURES), y: tf.tensor1d(TARGETS) };
    const prior = new MultivariateNormalDiag([0, 0], [1, 1]);
    const model: Model<RegressionBatch> = { prior, logLikelihood: regressionLogLikelihood };
    const guide = fullRankGuide({ shape: [2], loc: [0, 0], scaleTril: 0.5 });
    const fast = tf.train.adam(0.03);
    const slow = tf.train.adam(0.005);
    const loss: LossFunction<RegressionBatch> = (m, q, b, c) =>
      analyticKlElbo(m, q, b, { ...c, samples: 16 });
    const engine = svi({ model, guide, optimizer: fast, seed: 9, loss });
    engine.step(data);
    await expectNoLeaks(() => fit(engine, { steps: 400, data }));
    fit(svi({ model, guide, optimizer: slow, seed: 10, loss }), { steps: 400, data });
    const reference = regressionPosterior();
    const p = guide.parameters();
    expectClose(p['loc']!, reference.mean, { atol: 0.03, rtol: 0 });
    expectClose(p['covariance']!, reference.covariance, { atol: 0.003, rtol: 0.1 });
    tf.dispose(Object.values(p));
    tf.dispose([data.x, data.y]);
    guide.dispose();
    fast.dispose();
    slow.dispose();
    prior.dispose();
  });

  it('a NaN log-likelihood at step 3 stops with a NonFiniteLossError naming the step, the term and the last good loss', async () => {
    const prior = new Normal(0, 1);
    let calls = 0;
    const model: Model = {
      prior,
      logLikelihood: (z) => {
        calls += 1;
        const ll = new Normal(z, 1).logProb(0.5);
        return calls === 3 ? tf.mul(ll, NaN) : ll;
      },
    };
    const guide = meanFieldGuide({ shape: [], loc: 0, scale: 1 });
    const optimizer = tf.train.adam(0.1);
    const engine = svi({ model, guide, optimizer, seed: 0 });
    engine.step(undefined);
    const second = engine.step(undefined);
    const before = guide.variables.map((v) => Array.from(v.dataSync()));
    let error: unknown;
    await expectNoLeaks(() => {
      try {
        engine.step(undefined);
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect(error).toBeInstanceOf(NonFiniteError);
    const e = error as NonFiniteLossError;
    expect(e.code).toBe('E_NONFINITE');
    expect(e.step).toBe(3);
    expect(e.term).toBe('expectedLogLikelihood');
    expect(e.lastGoodLoss).toBe(second);
    expect(e.message).toMatch(
      /svi\.step: at step 3 .*'expectedLogLikelihood' is NaN.*last good loss was .* at step 2/,
    );
    // The failing step did not move the parameters, and the engine goes on.
    expect(guide.variables.map((v) => Array.from(v.dataSync()))).toEqual(before);
    expect(engine.stepCount).toBe(2);
    expect(Number.isFinite(engine.step(undefined))).toBe(true);
    guide.dispose();
    optimizer.dispose();
    prior.dispose();
  });

  it('a non-finite gradient stops with the variable named', async () => {
    const prior = new Normal(0, 1);
    // sqrt(z − z) is 0 in value, but its gradient is ∞·0 = NaN.
    const model: Model = { prior, logLikelihood: (z) => tf.neg(tf.sqrt(tf.sub(z, z))) };
    const guide = meanFieldGuide({ shape: [], loc: 0, scale: 1 });
    const optimizer = tf.train.sgd(0.1);
    const engine = svi({ model, guide, optimizer, seed: 0 });
    let error: unknown;
    await expectNoLeaks(() => {
      try {
        engine.step(undefined);
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).term).toBe('gradient');
    expect((error as NonFiniteLossError).variable).toMatch(/meanFieldGuide_\d+\/loc/);
    expect((error as Error).message).toMatch(/step 1 .*no step had succeeded yet/);
    guide.dispose();
    optimizer.dispose();
    prior.dispose();
  });

  it('rejects bad input with errors that name the argument', () => {
    const prior = new Normal(0, 1);
    const model: Model = { prior, logLikelihood: (z) => new Normal(z, 1).logProb(0) };
    const guide = meanFieldGuide({ shape: [], loc: 0 });
    const optimizer = tf.train.sgd(0.1);
    expect(() => svi({ model, guide, optimizer, seed: 0, learningRate: 1 } as never)).toThrow(
      /svi: argument 'options' has the unknown option 'learningRate'/,
    );
    expect(() => svi({ model, guide, optimizer: {} as never, seed: 0 })).toThrow(ArgumentError);
    expect(() => svi({ model, guide, optimizer } as never)).toThrow(/'options.seed' is missing/);
    expect(() => svi({ model: { prior } as never, guide, optimizer, seed: 0 })).toThrow(
      /model.logLikelihood/,
    );
    const engine = svi({ model, guide, optimizer, seed: 0 });
    expect(() => engine.step(undefined, { likelihoodScale: -1 })).toThrow(/likelihoodScale' is -1/);
    const data = tf.zeros([5, 1]);
    expect(() => fit(engine, { steps: 2, data, batchSize: 6, seed: 0 })).toThrow(
      /fit: argument 'options.batchSize' is 6, more than the data size 5/,
    );
    expect(() => fit(engine, { steps: 2, epochs: 1, data })).toThrow(
      /exactly one of 'options.steps' and 'options.epochs', got both/,
    );
    expect(() => fit(engine, { epochs: 1 })).toThrow(/'options.epochs' needs 'options.data'/);
    expect(() => fit(engine, { steps: 1, data, batchSize: 2 })).toThrow(/'options.seed' is missing/);
    expect(() => fit(engine, { steps: 1, shuffle: true } as never)).toThrow(/unknown option 'shuffle'/);
    expect(() => fit(engine, { steps: 1, data: { x: data, y: tf.zeros([4]) } as never })).toThrow(
      /'options.data.y' has shape \[4\], expected a first axis of 5/,
    );
    data.dispose();
    guide.dispose();
    optimizer.dispose();
    prior.dispose();
  });
});
