import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE } from './fixtures/cases.js';
import {
  FLOAT32_MAX,
  checkContinuousCase,
  checkSamples,
  continuousCases,
  expectMonteCarloGradient,
  inFloat32Range,
  samplingReference,
} from './fixtures/continuous.js';
import { LogNormal, logNormal } from './log-normal.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('LogNormal', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('LogNormal')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new LogNormal(c.params['loc'] as number[], c.params['scale'] as number[]);
      // Cases 39 and 41 (scale 35 and 12.4) have a mean or variance beyond 3.4e38: float32 gives +∞ there.
      checkCase(d, inFloat32Range(c), tolerance);
      d.dispose();
    });
  }

  it('overflows to +∞ exactly where the reference moments leave the float32 range', () => {
    const overflowing = casesFor('LogNormal').filter(({ c }) =>
      [c.mean, c.variance].some((m) => (m as number[]).some((v) => v > FLOAT32_MAX)),
    );
    expect(overflowing.map(({ index }) => index)).toEqual([39, 41]);
  });

  for (const c of continuousCases('LogNormal')) {
    it(`matches scipy.stats at the edges: ${c.name}`, () => {
      const d = new LogNormal(c.params['loc'] as number[], c.params['scale'] as number[], {
        validate: false,
      });
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.lognorm, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('LogNormal');
      const d = logNormal(ref.params['loc'] as number[], ref.params['scale'] as number[]);
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 2]);
      expect(Math.min(...x.dataSync())).toBeGreaterThan(0);
      checkSamples(x, ref, 'LogNormal');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('reparameterised draws give the analytic gradients of E[X] = exp(μ + σ²/2)', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const loc = tf.fill([n], 0.3);
      const scale = tf.fill([n], 0.6);
      // One draw per batch element, so the gradient of the sum holds one estimate per draw.
      const [gLoc, gScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
        tf.sum(new LogNormal(m, s).sample([], 5)),
      )([loc, scale]);
      const mean = Math.exp(0.3 + 0.18);
      // d/dμ E[X] = E[X] = 1.616; d/dσ E[X] = σ·E[X] = 0.970. Per-draw gradients x and x·ε have sd
      // ≈ 1.1 and ≈ 2.9, so the standard errors are ≈ 0.008 and ≈ 0.021 (4 of them: 3 % and 9 %).
      expectMonteCarloGradient(gLoc!, mean, 0.012, 'd/dloc');
      expectMonteCarloGradient(gScale!, 0.6 * mean, 0.03, 'd/dscale');
      tf.dispose([loc, scale, gLoc!, gScale!]);
    });
  });

  it('returns −∞ log density and 0 cdf at and below 0, and frees what it created', async () => {
    await expectNoLeaks(() => {
      const d = new LogNormal([0, 1], [1, 2], { validate: false });
      const lp = d.logProb([[0, -1]]);
      expect(Array.from(lp.dataSync())).toEqual([-Infinity, -Infinity]);
      const c = d.cdf([0, -3]);
      expect(Array.from(c.dataSync())).toEqual([0, 0]);
      expect(d.batchShape).toEqual([2]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('positive');
      tf.dispose([lp, c]);
      d.dispose();
    });
  });
});

describe('LogNormal input checks', () => {
  it('rejects a non-positive scale or a non-finite loc given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new LogNormal(0, 0)).toThrow(DomainError);
      expect(() => new LogNormal(0, [1, -2])).toThrow(
        "LogNormal: argument 'scale' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new LogNormal(Number.NaN, 1)).toThrow("LogNormal: argument 'loc' has NaN");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const scale = tf.tensor([1, -1]);
      expect(() => new LogNormal(0, scale).dispose()).not.toThrow();
      expect(() => new LogNormal(0, scale, { validate: true })).toThrow(DomainError);
      scale.dispose();
      const d = new LogNormal(0, 1);
      expect(() => d.logProb(-1)).toThrow(
        "LogNormal.logProb: argument 'value' has entries outside the support (positive)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      expect(() => new LogNormal([0, 1, 2], [1, 2])).toThrow(ShapeError);
      expect(() => new LogNormal('a' as unknown as number, 1)).toThrow(ArgumentError);
      const d = new LogNormal([0, 1], [1, 2]);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "LogNormal.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.cdf([[1, 2, 3]])).toThrow(ShapeError);
      expect(() => d.sample(-1, 0)).toThrow("LogNormal.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
