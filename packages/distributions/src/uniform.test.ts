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
import { Uniform, uniform } from './uniform.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('Uniform', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Uniform')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Uniform(c.params['low'] as number[], c.params['high'] as number[]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  for (const c of continuousCases('Uniform')) {
    it(`matches scipy.stats at the edges: ${c.name}`, () => {
      const d = new Uniform(c.params['low'] as number[], c.params['high'] as number[], { validate: false });
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.uniform, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('Uniform');
      const d = uniform(ref.params['low'] as number[], ref.params['high'] as number[]);
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 2]);
      checkSamples(x, ref, 'Uniform');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('reparameterised draws give the analytic gradients of E[X²] = (a² + ab + b²)/3', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const low = tf.fill([n], -1);
      const high = tf.fill([n], 2);
      // One draw per batch element, so the gradient of the sum holds one estimate per draw.
      const [gLow, gHigh] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(new Uniform(a, b).sample([], 5))),
      )([low, high]);
      // d/da = (2a + b)/3 = 0, d/db = (a + 2b)/3 = 1. Per-draw gradients 2x(1 − u) and 2x·u have sd
      // ≈ 1.3 and ≈ 1.7, so the standard errors are ≈ 0.009 and ≈ 0.012.
      expectMonteCarloGradient(gLow!, 0, 0.015, 'd/dlow');
      expectMonteCarloGradient(gHigh!, 1, 0.02, 'd/dhigh');
      tf.dispose([low, high, gLow!, gHigh!]);
    });
  });

  it('has the batch shape, support and flags of the family, and a half-open support', async () => {
    await expectNoLeaks(() => {
      const d = new Uniform([[0], [1]], [2, 3, 4], { validate: false });
      expect(d.batchShape).toEqual([2, 3]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('interval');
      const lp = d.logProb([[0, 2.5, 4]]);
      // Row 0 (low 0): x = low → −log 2, then −log 3, then x = high = 4 → −∞; row 1 (low 1): x = 0 below
      // → −∞, then −log 2, then x = high → −∞.
      expect(Array.from(lp.dataSync())).toEqual([
        Math.fround(-Math.log(2)),
        Math.fround(-Math.log(3)),
        -Infinity,
        -Infinity,
        Math.fround(-Math.log(2)),
        -Infinity,
      ]);
      const x = d.sample([4], 1);
      expect(x.shape).toEqual([4, 2, 3]);
      const m = d.mode();
      expect(Array.from(m.dataSync()).every(Number.isNaN)).toBe(true);
      expect(m.shape).toEqual([2, 3]);
      tf.dispose([lp, x, m]);
      d.dispose();
    });
  });
});

describe('Uniform input checks', () => {
  it('rejects low ≥ high or non-finite bounds given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Uniform(1, 1)).toThrow(DomainError);
      expect(() => new Uniform([0, 2], 1)).toThrow(
        "Uniform: argument 'high' has 1 at flat index 1 of the batch, expected a number > low (2 there)",
      );
      expect(() => new Uniform(Number.NaN, 1)).toThrow("Uniform: argument 'low' has NaN");
      expect(() => new Uniform(0, Infinity)).toThrow("Uniform: argument 'high' has Infinity");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const high = tf.tensor([1, -1]);
      expect(() => new Uniform(0, high).dispose()).not.toThrow();
      expect(() => new Uniform(0, high, { validate: true })).toThrow(DomainError);
      high.dispose();
      const d = new Uniform(0, 1);
      expect(() => d.logProb(1.5)).toThrow(
        "Uniform.logProb: argument 'value' has entries outside the support (interval)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      expect(() => new Uniform([0, 1, 2], [3, 4])).toThrow(ShapeError);
      expect(() => new Uniform('a' as unknown as number, 1)).toThrow(ArgumentError);
      const d = new Uniform([0, 1], [1, 2]);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "Uniform.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.cdf([[1, 2, 3]])).toThrow(ShapeError);
      expect(() => d.sample(-1, 0)).toThrow("Uniform.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
