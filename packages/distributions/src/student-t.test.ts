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
  samplingReference,
} from './fixtures/continuous.js';
import { StudentT, studentT } from './student-t.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('StudentT', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('StudentT')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new StudentT(
        c.params['df'] as number[],
        c.params['loc'] as number[],
        c.params['scale'] as number[],
      );
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  for (const c of continuousCases('StudentT')) {
    it(`matches scipy.stats at the edges (undefined and infinite moments): ${c.name}`, () => {
      const d = new StudentT(
        c.params['df'] as number[],
        c.params['loc'] as number[],
        c.params['scale'] as number[],
        { validate: false },
      );
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.t, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('StudentT');
      const d = studentT(
        ref.params['df'] as number[],
        ref.params['loc'] as number[],
        ref.params['scale'] as number[],
      );
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 3]);
      checkSamples(x, ref, 'StudentT');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('reparameterised draws give the analytic gradients of E[X²] = μ² + σ²ν/(ν − 2)', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const df = tf.fill([n], 10);
      const loc = tf.fill([n], 0.3);
      const scale = tf.fill([n], 1.5);
      // One draw per batch element, so the gradient of the sum holds one estimate per draw.
      const [gDf, gLoc, gScale] = tf.grads((v: tf.Tensor, m: tf.Tensor, s: tf.Tensor) =>
        tf.sum(tf.square(new StudentT(v, m, s).sample([], 5))),
      )([df, loc, scale]);
      // At ν = 10, μ = 0.3, σ = 1.5: d/dν = −2σ²/(ν − 2)² = −0.0703, d/dμ = 2μ = 0.6 and
      // d/dσ = 2σν/(ν − 2) = 3.75. Per-draw sd ≈ 0.33, 3.5 and 5.6: standard errors ≈ 0.0023, 0.025, 0.04.
      expectMonteCarloGradient(gDf!, -4.5 / 64, 0.004, 'd/ddf');
      expectMonteCarloGradient(gLoc!, 0.6, 0.035, 'd/dloc');
      expectMonteCarloGradient(gScale!, 3.75, 0.06, 'd/dscale');
      tf.dispose([df, loc, scale, gDf!, gLoc!, gScale!]);
    });
  });

  it('has the batch shape, support and flags of the family, and NaN or ∞ for undefined moments', async () => {
    await expectNoLeaks(() => {
      const d = new StudentT([[0.5], [1.5], [3]], [0, 1], 2);
      expect(d.batchShape).toEqual([3, 2]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('real');
      const mean = d.mean();
      expect(mean.arraySync()).toEqual([
        [Number.NaN, Number.NaN],
        [0, 1],
        [0, 1],
      ]);
      const variance = d.variance();
      expect(variance.arraySync()).toEqual([
        [Number.NaN, Number.NaN],
        [Infinity, Infinity],
        [12, 12],
      ]);
      const sd = d.stddev();
      expect(sd.arraySync()).toEqual([
        [Number.NaN, Number.NaN],
        [Infinity, Infinity],
        [Math.fround(Math.sqrt(12)), Math.fround(Math.sqrt(12))],
      ]);
      const mode = d.mode();
      expect(mode.arraySync()).toEqual([
        [0, 1],
        [0, 1],
        [0, 1],
      ]);
      const x = d.sample([4], 1);
      expect(x.shape).toEqual([4, 3, 2]);
      expect(x.dataSync().every(Number.isFinite)).toBe(true);
      expect(() => d.cdf(0)).toThrow(
        'StudentT.cdf: this family has no cumulative distribution function here',
      );
      const standard = new StudentT(3);
      const lp = standard.logProb(0);
      expect(lp.dataSync()[0]).toBeCloseTo(-1.0008888, 5); // scipy.stats.t(3).logpdf(0)
      tf.dispose([mean, variance, sd, mode, x, lp]);
      d.dispose();
      standard.dispose();
    });
  });
});

describe('StudentT input checks', () => {
  it('rejects a non-positive df or scale, or a non-finite loc, given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new StudentT(0)).toThrow(DomainError);
      expect(() => new StudentT([1, -2])).toThrow(
        "StudentT: argument 'df' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new StudentT(1, Number.NaN)).toThrow("StudentT: argument 'loc' has NaN");
      expect(() => new StudentT(1, 0, [1, 0])).toThrow("StudentT: argument 'scale' has 0 at flat index 1");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const scale = tf.tensor([1, -1]);
      expect(() => new StudentT(1, 0, scale).dispose()).not.toThrow();
      expect(() => new StudentT(1, 0, scale, { validate: true })).toThrow(DomainError);
      scale.dispose();
      const d = new StudentT(2, 1);
      expect(() => d.logProb(Number.NaN)).toThrow(
        "StudentT.logProb: argument 'value' has entries outside the support (real)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      expect(() => new StudentT([1, 1, 2], [1, 2])).toThrow(
        "StudentT: arguments 'df' [3] and 'loc' [2] do not broadcast",
      );
      expect(() => new StudentT(1, [1, 2], [1, 2, 3])).toThrow(ShapeError);
      expect(() => new StudentT('a' as unknown as number)).toThrow(ArgumentError);
      const d = new StudentT([3, 1], [1, 2], 1);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "StudentT.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.sample(-1, 0)).toThrow("StudentT.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
