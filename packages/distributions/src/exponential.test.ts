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
import { Exponential, exponential } from './exponential.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('Exponential', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Exponential')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Exponential(c.params['rate'] as number[]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  for (const c of continuousCases('Exponential')) {
    it(`matches scipy.stats at the edges: ${c.name}`, () => {
      const d = new Exponential(c.params['rate'] as number[], { validate: false });
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.expon, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('Exponential');
      const d = exponential(ref.params['rate'] as number[]);
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 2]);
      checkSamples(x, ref, 'Exponential');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('reparameterised draws give the analytic gradient of E[X] = 1/λ', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const rate = tf.fill([n], 2);
      // One draw per batch element, so the gradient of the sum holds one estimate per draw.
      const g = tf.grad((r: tf.Tensor) => tf.sum(new Exponential(r).sample([], 5)))(rate);
      // d/dλ E[X] = −1/λ² = −0.25. The per-draw gradient −x/λ has sd 1/λ² = 0.25: standard error 0.0018.
      expectMonteCarloGradient(g, -0.25, 0.003, 'd/drate');
      tf.dispose([rate, g]);
    });
  });

  it('has the batch shape, support and flags of the family, with −∞ and 0 below 0', async () => {
    await expectNoLeaks(() => {
      const d = new Exponential([[1], [2]], { validate: false });
      expect(d.batchShape).toEqual([2, 1]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('nonnegative');
      const lp = d.logProb([-1, 0]);
      expect(lp.shape).toEqual([2, 2]);
      expect(Array.from(lp.dataSync())).toEqual([-Infinity, 0, -Infinity, Math.fround(Math.log(2))]);
      const c = d.cdf([-1, 0]);
      expect(Array.from(c.dataSync())).toEqual([0, 0, 0, 0]);
      const x = d.sample([4], 1);
      expect(x.shape).toEqual([4, 2, 1]);
      expect(Math.min(...x.dataSync())).toBeGreaterThanOrEqual(0);
      tf.dispose([lp, c, x]);
      d.dispose();
    });
  });
});

describe('Exponential input checks', () => {
  it('rejects a non-positive or non-finite rate given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Exponential(0)).toThrow(DomainError);
      expect(() => new Exponential([1, -2])).toThrow(
        "Exponential: argument 'rate' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new Exponential(Infinity)).toThrow("Exponential: argument 'rate' has Infinity");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const rate = tf.tensor([1, -1]);
      expect(() => new Exponential(rate).dispose()).not.toThrow();
      expect(() => new Exponential(rate, { validate: true })).toThrow(DomainError);
      rate.dispose();
      const d = new Exponential(1);
      expect(() => d.logProb(-1)).toThrow(
        "Exponential.logProb: argument 'value' has entries outside the support (nonnegative)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      const wide = new Exponential([[1, 2]]);
      expect(() => wide.logProb([1, 2, 3])).toThrow(
        "Exponential.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [1,2]",
      );
      wide.dispose();
      expect(() => new Exponential('a' as unknown as number)).toThrow(ArgumentError);
      const d = new Exponential([1, 2]);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "Exponential.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.cdf([[1, 2, 3]])).toThrow(ShapeError);
      expect(() => d.sample(-1, 0)).toThrow("Exponential.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
