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
import { HalfNormal, halfNormal } from './half-normal.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('HalfNormal', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('HalfNormal')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new HalfNormal(c.params['scale'] as number[]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  for (const c of continuousCases('HalfNormal')) {
    it(`matches scipy.stats at the edges: ${c.name}`, () => {
      const d = new HalfNormal(c.params['scale'] as number[], { validate: false });
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.halfnorm, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('HalfNormal');
      const d = halfNormal(ref.params['scale'] as number[]);
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 2]);
      checkSamples(x, ref, 'HalfNormal');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('reparameterised draws give the analytic gradient of E[X] = σ√(2/π)', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const scale = tf.fill([n], 1.5);
      // One draw per batch element, so the gradient of the sum holds one estimate per draw.
      const g = tf.grad((s: tf.Tensor) => tf.sum(new HalfNormal(s).sample([], 5)))(scale);
      // d/dσ E[X] = √(2/π) = 0.7979. The per-draw gradient |ε| has sd √(1 − 2/π) = 0.60: SE 0.0043.
      expectMonteCarloGradient(g, Math.sqrt(2 / Math.PI), 0.006, 'd/dscale');
      tf.dispose([scale, g]);
    });
  });

  it('has the batch shape, support and flags of the family, with −∞ and 0 below 0', async () => {
    await expectNoLeaks(() => {
      const d = new HalfNormal([[1], [2]], { validate: false });
      expect(d.batchShape).toEqual([2, 1]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('nonnegative');
      const lp = d.logProb([-1, 0]);
      expect(lp.shape).toEqual([2, 2]);
      expect(lp.arraySync()).toEqual([
        [-Infinity, Math.fround(0.5 * Math.log(2 / Math.PI))],
        [-Infinity, Math.fround(0.5 * Math.log(2 / Math.PI) - Math.log(2))],
      ]);
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

describe('HalfNormal input checks', () => {
  it('rejects a non-positive or non-finite scale given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new HalfNormal(0)).toThrow(DomainError);
      expect(() => new HalfNormal([1, -2])).toThrow(
        "HalfNormal: argument 'scale' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new HalfNormal(Number.NaN)).toThrow("HalfNormal: argument 'scale' has NaN");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const scale = tf.tensor([1, -1]);
      expect(() => new HalfNormal(scale).dispose()).not.toThrow();
      expect(() => new HalfNormal(scale, { validate: true })).toThrow(DomainError);
      scale.dispose();
      const d = new HalfNormal(1);
      expect(() => d.logProb(-1)).toThrow(
        "HalfNormal.logProb: argument 'value' has entries outside the support (nonnegative)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      const wide = new HalfNormal([[1, 2]]);
      expect(() => wide.logProb([1, 2, 3])).toThrow(
        "HalfNormal.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [1,2]",
      );
      wide.dispose();
      expect(() => new HalfNormal('a' as unknown as number)).toThrow(ArgumentError);
      const d = new HalfNormal([1, 2]);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "HalfNormal.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.cdf([[1, 2, 3]])).toThrow(ShapeError);
      expect(() => d.sample(-1, 0)).toThrow("HalfNormal.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
