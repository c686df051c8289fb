import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError } from '@elbo/core';
import { Bernoulli, Independent, MultivariateNormalDiag, Normal } from '@elbo/distributions';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { analyticKlElbo } from './analytic-kl-elbo.js';
import { importanceWeightedBound } from './importance-weighted-bound.js';
import type { ElboResult, Model } from './model.js';
import { renyiBound } from './renyi-bound.js';
import { reparameterizedElbo } from './reparameterized-elbo.js';
import { scoreFunctionElbo } from './score-function-elbo.js';

// References, in float64 from the maths, for the conjugate model x_i ~ N(μ, 1), μ ~ N(0, S0²), and a
// fixed guide q = N(m, s²) away from the posterior:
//   E_q[log p(x | μ)] = −(n/2) log 2π − ½ Σ[(x_i − m)² + s²],
//   KL(q‖p) = log(S0/s) + (s² + m²)/(2 S0²) − ½,
//   log p(x) = log p(x | μ) + log p(μ) − log p(μ | x) at any μ (the posterior is N(m_n, s_n²)).
// The per-draw ELBO signal f(μ) = log p(x | μ) + log p(μ) − log q(μ) is a quadratic aμ² + bμ + c, so its
// variance under q is exact: a²(2s⁴ + 4s²m²) + b²s² + 4abms²; Monte Carlo estimates must lie within
// 4.5 standard errors.

const X = [1.1, 0.4, 2.0, 1.5, 0.9, 1.7, 1.2, 0.6];
const N = X.length;
const S0 = 2;
const M = 0.6;
const S = 0.5;
const LOG_2PI = Math.log(2 * Math.PI);

const logNormal64 = (x: number, mu: number, sd: number): number =>
  -0.5 * ((x - mu) / sd) ** 2 - Math.log(sd) - 0.5 * LOG_2PI;

const reference = (() => {
  const ell = -(N / 2) * LOG_2PI - 0.5 * X.reduce((a, x) => a + (x - M) ** 2 + S * S, 0);
  const kl = Math.log(S0 / S) + (S * S + M * M) / (2 * S0 * S0) - 0.5;
  const precision = 1 / S0 ** 2 + N;
  const mn = X.reduce((a, b) => a + b, 0) / precision;
  const sn = 1 / Math.sqrt(precision);
  const logEvidence =
    X.reduce((a, x) => a + logNormal64(x, 0, 1), 0) + logNormal64(0, 0, S0) - logNormal64(0, mn, sn);
  // f(μ) = Σ −½(x_i − μ)² − μ²/(2S0²) + (μ − m)²/(2s²) + const.
  const a = -N / 2 - 1 / (2 * S0 * S0) + 1 / (2 * S * S);
  const b = X.reduce((p, x) => p + x, 0) - M / (S * S);
  const varianceF = a * a * (2 * S ** 4 + 4 * S * S * M * M) + b * b * S * S + 4 * a * b * M * S * S;
  // log p(x | μ) = −(n/2)(μ − x̄)² + const: variance (n/2)²(2s⁴ + 4s²(m − x̄)²).
  const xbar = X.reduce((p, x) => p + x, 0) / N;
  const varianceEll = (N / 2) ** 2 * (2 * S ** 4 + 4 * S * S * (M - xbar) ** 2);
  return { ell, kl, elbo: ell - kl, logEvidence, sdF: Math.sqrt(varianceF), sdEll: Math.sqrt(varianceEll) };
})();

function conjugateModel(): { model: Model; dispose: () => void } {
  const x = tf.tensor1d(X);
  const prior = new Normal(0, S0);
  return {
    model: { prior, logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1) },
    dispose: () => tf.dispose([x, prior.loc, prior.scale]),
  };
}

const value = (t: tf.Tensor): number => t.dataSync()[0]!;

function read(r: ElboResult): { loss: number; terms: Record<string, number> } {
  const out = {
    loss: value(r.loss),
    terms: Object.fromEntries(Object.entries(r.terms).map(([k, t]) => [k, value(t)])),
  };
  tf.dispose([r.loss, ...Object.values(r.terms)]);
  return out;
}

describeEachBackend('ELBO estimators', ({ tolerance }) => {
  it('the reparameterised and analytic-KL estimators agree in expectation with the closed-form ELBO', async () => {
    const { model, dispose } = conjugateModel();
    const q = new Normal(M, S);
    const k = 20000;
    await expectNoLeaks(() => {
      const mc = read(reparameterizedElbo(model, q, undefined, { samples: k, seed: 11 }));
      const analytic = read(analyticKlElbo(model, q, undefined, { samples: k, seed: 12 }));
      const se = (4.5 * reference.sdF) / Math.sqrt(k);
      expect(Math.abs(-mc.loss - reference.elbo)).toBeLessThan(se);
      expect(Math.abs(-analytic.loss - reference.elbo)).toBeLessThan((4.5 * reference.sdEll) / Math.sqrt(k));
      // The analytic KL is the closed form itself; the Monte Carlo one is within its error.
      expectClose(analytic.terms['kl']!, reference.kl, tolerance);
      expect(Math.abs(mc.terms['kl']! - reference.kl)).toBeLessThan(0.05);
      expect(Math.abs(analytic.terms['expectedLogLikelihood']! - reference.ell)).toBeLessThan(
        (4.5 * reference.sdEll) / Math.sqrt(k),
      );
      // loss = kl − expectedLogLikelihood, for both.
      expectClose(mc.loss, mc.terms['kl']! - mc.terms['expectedLogLikelihood']!, { atol: 1e-3, rtol: 1e-5 });
      expectClose(analytic.loss, analytic.terms['kl']! - analytic.terms['expectedLogLikelihood']!, {
        atol: 1e-3,
        rtol: 1e-5,
      });
    });
    q.dispose();
    dispose();
  });

  it('the analytic KL is chosen automatically, and a Monte Carlo fallback only when asked for and reported', () => {
    const { model, dispose } = conjugateModel();
    const q = new Normal(M, S);
    const r = analyticKlElbo(model, q, undefined, { seed: 0 });
    expect(r.klMethod).toBe('analytic');
    tf.dispose([r.loss, ...Object.values(r.terms)]);
    // An Independent guide against a MultivariateNormalDiag prior has no row in the table.
    const prior = new MultivariateNormalDiag([0, 0], [1, 1]);
    const base = new Normal([0.1, 0.2], [0.5, 0.5]);
    const q2 = new Independent(base, 1);
    const m2: Model = { prior, logLikelihood: (z) => tf.sum(tf.neg(tf.square(z)), -1) };
    expect(() => analyticKlElbo(m2, q2, undefined, { seed: 0 })).toThrow(
      /analyticKlElbo: no closed form for KL\(Independent ‖ MultivariateNormalDiag\).*fallback: 'monte-carlo'/,
    );
    const fallback = analyticKlElbo(m2, q2, undefined, { seed: 3, samples: 4, fallback: 'monte-carlo' });
    const mc = reparameterizedElbo(m2, q2, undefined, { seed: 3, samples: 4 });
    expect(fallback.klMethod).toBe('monte-carlo');
    expectClose(fallback.loss, value(mc.loss), tolerance);
    tf.dispose([fallback.loss, mc.loss, ...Object.values(fallback.terms), ...Object.values(mc.terms)]);
    tf.dispose([q.loc, q.scale, base.loc, base.scale, prior.loc, prior.scaleDiag]);
    dispose();
  });

  it('the importance-weighted bound: k = 1 is the ELBO, it is ≥ the ELBO of its draws, its mean rises with k and stays below log p(x)', async () => {
    const { model, dispose } = conjugateModel();
    const q = new Normal(M, S);
    await expectNoLeaks(() => {
      const one = read(importanceWeightedBound(model, q, undefined, { samples: 1, seed: 21 }));
      const elbo = read(reparameterizedElbo(model, q, undefined, { samples: 1, seed: 21 }));
      expectClose(one.loss, elbo.loss, tolerance);
      const eight = read(importanceWeightedBound(model, q, undefined, { samples: 8, seed: 22 }));
      expect(-eight.loss).toBeGreaterThanOrEqual(eight.terms['elbo']! - 1e-4);
    });
    // The mean over R = 400 independent estimates (a guide with batch shape [R]; the bound sums over it).
    const R = 400;
    const qR = new Normal(tf.fill([R], M), tf.fill([R], S));
    const x = tf.tensor1d(X);
    const modelR: Model = {
      prior: model.prior,
      logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1),
    };
    const means = [1, 4, 16, 64].map(
      (k, i) => -read(importanceWeightedBound(modelR, qR, undefined, { samples: k, seed: 30 + i })).loss / R,
    );
    for (let i = 1; i < means.length; i++) expect(means[i]!).toBeGreaterThan(means[i - 1]!);
    expect(Math.abs(means[0]! - reference.elbo)).toBeLessThan((4.5 * reference.sdF) / Math.sqrt(R));
    expect(means[3]!).toBeLessThan(reference.logEvidence);
    expect(reference.logEvidence - means[3]!).toBeLessThan(0.1 * (reference.logEvidence - reference.elbo));
    tf.dispose([qR.loc, qR.scale, x, q.loc, q.scale]);
    dispose();
  });

  it('the Rényi bound: α = 0 is the importance-weighted bound, α = 1 the ELBO, and it falls with α for the same draws', () => {
    const { model, dispose } = conjugateModel();
    const q = new Normal(M, S);
    const options = { samples: 16, seed: 41 };
    const iwae = read(importanceWeightedBound(model, q, undefined, options));
    const values = [0, 0.25, 0.5, 1, 2].map((alpha) =>
      read(renyiBound(model, q, undefined, { ...options, alpha })),
    );
    expectClose(values[0]!.loss, iwae.loss, tolerance);
    expectClose(-values[3]!.loss, iwae.terms['elbo']!, tolerance);
    for (let i = 1; i < values.length; i++)
      expect(-values[i]!.loss).toBeLessThanOrEqual(-values[i - 1]!.loss + 1e-4);
    expect(-values[2]!.loss).toBeLessThan(reference.logEvidence);
    expect(() => renyiBound(model, q, undefined, { samples: 2, seed: 0, alpha: NaN })).toThrow(
      /'options.alpha' is NaN/,
    );
    tf.dispose([q.loc, q.scale]);
    dispose();
  });

  it('the score-function gradient of a two-bit discrete model matches the exact gradient by enumeration', async () => {
    // z ∈ {0, 1}², q(z) = Π Bernoulli(σ(θ_j)), p(z) = Π Bernoulli(π_j), log p(x | z) = log N(0.9; z·w, 0.5²).
    const theta0 = [0.3, -0.4];
    const pi = [0.3, 0.6];
    const w = [1.0, -0.5];
    const sigmoid = (t: number): number => 1 / (1 + Math.exp(-t));
    const exactElbo = (theta: number[]): number => {
      let total = 0;
      for (const z0 of [0, 1]) {
        for (const z1 of [0, 1]) {
          const zs = [z0, z1];
          let logq = 0;
          let logp = 0;
          zs.forEach((z, j) => {
            const qj = sigmoid(theta[j]!);
            logq += Math.log(z === 1 ? qj : 1 - qj);
            logp += Math.log(z === 1 ? pi[j]! : 1 - pi[j]!);
          });
          const ll = logNormal64(0.9, z0 * w[0]! + z1 * w[1]!, 0.5);
          total += Math.exp(logq) * (ll + logp - logq);
        }
      }
      return total;
    };
    const h = 1e-6;
    const exactGrad = theta0.map((_, j) => {
      const up = [...theta0];
      const down = [...theta0];
      up[j]! += h;
      down[j]! -= h;
      return (exactElbo(up) - exactElbo(down)) / (2 * h);
    });
    const prior = new Independent(new Bernoulli({ probs: pi }), 1);
    const wt = tf.tensor1d(w);
    const model: Model = {
      prior,
      logLikelihood: (z) => new Normal(tf.sum(tf.mul(z, wt), -1), 0.5).logProb(0.9),
    };
    const theta = tf.variable(tf.tensor1d(theta0));
    const estimate = (samples: number, baseline: 'leave-one-out' | 'none') =>
      tf.tidy(() => {
        const q = new Independent(new Bernoulli({ logits: theta }), 1);
        const { value: loss, grads } = tf.variableGrads(
          () => scoreFunctionElbo(model, q, undefined, { samples, seed: 51, baseline }).loss,
          [theta],
        );
        return { loss: -loss.dataSync()[0]!, grad: Array.from(tf.neg(grads[theta.name]!).dataSync()) };
      });
    await expectNoLeaks(() => {
      const loo = estimate(20000, 'leave-one-out');
      expect(Math.abs(loo.loss - exactElbo(theta0))).toBeLessThan(0.05);
      expectClose(loo.grad, exactGrad, { atol: 0.01, rtol: 0 });
      const plain = estimate(20000, 'none');
      expectClose(plain.grad, exactGrad, { atol: 0.04, rtol: 0 });
    });
    expect(() =>
      scoreFunctionElbo(model, prior, undefined, { samples: 1, seed: 0, baseline: 'leave-one-out' }),
    ).toThrow(/expected samples ≥ 2/);
    theta.dispose();
    wt.dispose();
    prior.dispose();
    prior.base.dispose();
  });

  it('rejects bad input with errors that name the function and the argument', () => {
    const { model, dispose } = conjugateModel();
    const q = new Normal(M, S);
    expect(() => reparameterizedElbo(model, q, undefined, { seed: 0, k: 3 } as never)).toThrow(
      /reparameterizedElbo: argument 'options' has the unknown option 'k'/,
    );
    expect(() => reparameterizedElbo(model, q, undefined, {} as never)).toThrow(/'options.seed' is missing/);
    expect(() => reparameterizedElbo(model, q, undefined, { seed: 0, samples: 0 })).toThrow(
      /'options.samples' is 0, expected an integer ≥ 1/,
    );
    expect(() => reparameterizedElbo(model, 'q' as never, undefined, { seed: 0 })).toThrow(ArgumentError);
    const bernoulli = new Bernoulli({ probs: 0.5 });
    expect(() =>
      importanceWeightedBound({ ...model, prior: bernoulli }, bernoulli, undefined, { seed: 0 }),
    ).toThrow(/not reparameterised.*scoreFunctionElbo/);
    const wrong: Model = { prior: model.prior, logLikelihood: (mu) => tf.stack([mu, mu], 1) };
    expect(() =>
      tf.tidy(() => reparameterizedElbo(wrong, q, undefined, { seed: 0, samples: 3 }).loss),
    ).toThrow(/returned shape \[3,2\] for z of shape \[3\], expected \[3\]/);
    const vectorQ = new MultivariateNormalDiag([0, 0], [1, 1]);
    expect(() => analyticKlElbo(model, vectorQ, undefined, { seed: 0 })).toThrow(ShapeError);
    bernoulli.dispose();
    vectorQ.dispose();
    q.dispose();
    dispose();
  });
});
