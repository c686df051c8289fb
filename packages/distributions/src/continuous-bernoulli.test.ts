import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE } from './fixtures/cases.js';
import {
  checkContinuousCase,
  checkSamples,
  continuousCases,
  expectMonteCarloGradient,
  expectQuantity,
  samplingReference,
  type ContinuousCase,
} from './fixtures/continuous.js';
import {
  ContinuousBernoulli,
  continuousBernoulli,
  type ContinuousBernoulliParams,
} from './continuous-bernoulli.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

function paramsOf(c: ContinuousCase): ContinuousBernoulliParams {
  const logits = c.params['logits'];
  return logits !== undefined ? { logits: logits as number[] } : { probs: c.params['probs'] as number[] };
}

describeEachBackend('ContinuousBernoulli', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('ContinuousBernoulli')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new ContinuousBernoulli({ logits: c.params['logits'] as number[] });
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  for (const c of continuousCases('ContinuousBernoulli')) {
    it(`matches mpmath quadrature (and torch): ${c.name}`, () => {
      const d = new ContinuousBernoulli(paramsOf(c), { validate: false });
      checkContinuousCase(d, c, tolerance);
      const before = tf.memory().numTensors;
      const u = tf.tensor(c.icdf!.u as number[][]);
      expectQuantity(`icdf (${c.name})`, d.icdf(u), c.icdf!.x, tolerance);
      u.dispose();
      expect(tf.memory().numTensors).toBe(before);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of the quadrature, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('ContinuousBernoulli');
      // Logits −2, 0, 10⁻³ (inside both bands around ½) and 3.
      const d = continuousBernoulli({ logits: ref.params['logits'] as number[] });
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 4]);
      expect(Math.min(...x.dataSync())).toBeGreaterThanOrEqual(0);
      expect(Math.max(...x.dataSync())).toBeLessThanOrEqual(1);
      checkSamples(x, ref, 'ContinuousBernoulli');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('reparameterised draws give d/dℓ E[X] = Var[X] (an exponential family), inside and outside the band', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const reference = continuousCases('ContinuousBernoulli');
      // ℓ = 0.3 (series band) and 1.5 (closed forms), variances from the mpmath quadrature.
      const moderate = reference.find((c) => c.name === 'logits moderate')!;
      for (const [k, seed] of [
        [0, 5],
        [2, 6],
      ] as const) {
        const logit = (moderate.params['logits'] as number[])[k]!;
        const variance = (moderate.variance as number[])[k]!;
        const logits = tf.fill([n], logit);
        // One draw per batch element, so the gradient of the sum holds one estimate per draw.
        const g = tf.grad((l: tf.Tensor) => tf.sum(new ContinuousBernoulli({ logits: l }).sample([], seed)))(
          logits,
        );
        // Var ≈ 0.083 and 0.075; the per-draw dx/dℓ has sd ≈ 0.03: standard error ≈ 0.0002.
        expectMonteCarloGradient(g, variance, 0.0005, `d/dlogits E[X] at ℓ = ${logit}`);
        tf.dispose([logits, g]);
      }
      // Through probs: d/dλ E[X] = Var[X]·dℓ/dλ = Var[X]/(λ(1 − λ)); λ = 0.2 from the 'probs off 1/2' case.
      const offHalf = reference.find((c) => c.name === 'probs off 1/2')!;
      const lambda = (offHalf.params['probs'] as number[])[2]!;
      const variance = (offHalf.variance as number[])[2]!;
      const probs = tf.fill([n], lambda);
      const g = tf.grad((p: tf.Tensor) => tf.sum(new ContinuousBernoulli({ probs: p }).sample([], 7)))(probs);
      // Var/(λ(1 − λ)) ≈ 0.474; per-draw sd ≈ 0.2: standard error ≈ 0.0015.
      expectMonteCarloGradient(g, variance / (lambda * (1 - lambda)), 0.003, 'd/dprobs E[X] at λ = 0.2');
      tf.dispose([probs, g]);
    });
  });

  it('gives d/dℓ log p(x) = x − E[X] (the score), finite from ℓ = −80 through 0 to 60', async () => {
    await expectNoLeaks(() => {
      for (const c of continuousCases('ContinuousBernoulli').filter(
        (k) => k.params['logits'] !== undefined,
      )) {
        const logits = tf.tensor(c.params['logits'] as number[]);
        const x = tf.tensor([0.2, 0.9, 0.5, 0.05]);
        const g = tf.grad((l: tf.Tensor) => tf.sum(new ContinuousBernoulli({ logits: l }).logProb(x)))(
          logits,
        );
        const expected = (c.mean as number[]).map((m, i) => [0.2, 0.9, 0.5, 0.05][i]! - m);
        expectQuantity(`score (${c.name})`, g, expected, tolerance);
        tf.dispose([logits, x]);
      }
    });
  });

  it('has the batch shape, support and flags of the family, and the mode of a monotone density', async () => {
    await expectNoLeaks(() => {
      const d = new ContinuousBernoulli({ probs: [[0.1, 0.5, 0.9]] });
      expect(d.batchShape).toEqual([1, 3]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('unit_interval');
      expect(d.parameterization).toBe('probs');
      expect(Object.keys(d.params)).toEqual(['probs']);
      const mode = d.mode();
      expect(mode.arraySync()).toEqual([[0, Number.NaN, 1]]);
      const lp = new ContinuousBernoulli({ logits: [0, 3] }, { validate: false });
      const outside = lp.logProb([[-0.5], [1.5]]);
      expect(Array.from(outside.dataSync())).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
      const icdf = lp.icdf([-0.1, 1.2]);
      expect(Array.from(icdf.dataSync()).every(Number.isNaN)).toBe(true);
      const logits = d.logits();
      const probs = lp.probs();
      expect(logits.shape).toEqual([1, 3]);
      expect(probs.shape).toEqual([2]);
      const x = d.sample([4], 1);
      expect(x.shape).toEqual([4, 1, 3]);
      tf.dispose([mode, outside, icdf, logits, probs, x]);
      d.dispose();
      lp.dispose();
    });
  });

  it('treats probs 0 and 1 as torch does (clamped to 2^-23 from the ends): finite values', async () => {
    await expectNoLeaks(() => {
      const d = new ContinuousBernoulli({ probs: [0, 1] });
      const lp = d.logProb([0, 1]);
      const h = d.entropy();
      const m = d.mean();
      for (const t of [lp, h, m]) expect(t.dataSync().every(Number.isFinite)).toBe(true);
      // ℓ = ∓log(2^23 − 1) ≈ ∓15.94: E[X] = 1/15.94 from 0 and 1 − 1/15.94 from 1.
      expectQuantity(
        'mean at probs 0 and 1',
        m,
        [1 / Math.log(2 ** 23 - 1), 1 - 1 / Math.log(2 ** 23 - 1)],
        tolerance,
      );
      tf.dispose([lp, h]);
      d.dispose();
    });
  });
});

describe('ContinuousBernoulli input checks', () => {
  it('rejects probs outside [0, 1] and non-finite logits given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new ContinuousBernoulli({ probs: 1.5 })).toThrow(DomainError);
      expect(() => new ContinuousBernoulli({ probs: [0.5, -0.1] })).toThrow(
        "ContinuousBernoulli: argument 'probs' has -0.1 at flat index 1, expected a probability in [0, 1]",
      );
      expect(() => new ContinuousBernoulli({ logits: [0, Number.NaN] })).toThrow(
        "ContinuousBernoulli: argument 'logits' has NaN at flat index 1, expected a finite number",
      );
      expect(() => new ContinuousBernoulli({ logits: -Infinity })).toThrow(DomainError);
    });
  });

  it('wants exactly one of logits and probs, and no other key', async () => {
    await expectNoLeaks(() => {
      expect(() => new ContinuousBernoulli({ logits: 0, probs: 0.5 } as never)).toThrow(
        "ContinuousBernoulli: expected exactly one of 'logits' or 'probs', got both",
      );
      expect(() => new ContinuousBernoulli({} as never)).toThrow(ArgumentError);
      expect(() => new ContinuousBernoulli({ logit: 0 } as never)).toThrow(
        "ContinuousBernoulli: unknown parameter 'logit', expected exactly one of 'logits' or 'probs'",
      );
      expect(() => new ContinuousBernoulli(0.5 as never)).toThrow(ArgumentError);
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const probs = tf.tensor([0.5, 2]);
      expect(() => new ContinuousBernoulli({ probs }).dispose()).not.toThrow();
      expect(() => new ContinuousBernoulli({ probs }, { validate: true })).toThrow(DomainError);
      probs.dispose();
      const d = new ContinuousBernoulli({ logits: 1 });
      expect(() => d.logProb(1.5)).toThrow(
        "ContinuousBernoulli.logProb: argument 'value' has entries outside the support (unit_interval)",
      );
      expect(() => d.icdf(-0.5)).toThrow(DomainError);
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      const d = new ContinuousBernoulli({ logits: [0, 1] });
      expect(() => d.logProb([0.1, 0.2, 0.3])).toThrow(
        "ContinuousBernoulli.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.cdf([[0.1, 0.2, 0.3]])).toThrow(ShapeError);
      expect(() => d.icdf([0.1, 0.2, 0.3])).toThrow(ShapeError);
      expect(() => d.sample(-1, 0)).toThrow("ContinuousBernoulli.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      expect(() => new ContinuousBernoulli({ logits: 'a' as unknown as number })).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
