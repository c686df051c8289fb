import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE } from './fixtures/cases.js';
import {
  checkContinuousCase,
  checkSamples,
  atFloat32Inputs,
  continuousCases,
  expectMonteCarloGradient,
  float32InputShifts,
  samplingReference,
} from './fixtures/continuous.js';
import { Beta, beta } from './beta.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('Beta', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Beta')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Beta(c.params['concentration1'] as number[], c.params['concentration0'] as number[]);
      // Case 59 holds one value (1 − 9.97e-8) that float32 cannot store: checked at its float32 rounding.
      checkCase(d, atFloat32Inputs(index, c), tolerance);
      d.dispose();
    });
  }

  it('case 59 is out of reach of float32 only through its input: the rounding alone moves log_prob by 0.165', () => {
    const shifts = float32InputShifts('Beta');
    expect(shifts.map((s) => [s.index, s.element])).toEqual([[59, 3]]);
    const s = shifts[0]!;
    expect(Math.fround(s.value)).toBe(s.value_float32);
    expect(Math.abs(s.original - s.at_float32_inputs)).toBeGreaterThan(
      REFERENCE_TOLERANCE.atol + REFERENCE_TOLERANCE.rtol * Math.abs(s.original),
    );
  });

  for (const c of continuousCases('Beta')) {
    it(`matches scipy.stats at the edges (log_prob at 0 and 1, modes): ${c.name}`, () => {
      const d = new Beta(c.params['concentration1'] as number[], c.params['concentration0'] as number[], {
        validate: false,
      });
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.beta, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('Beta');
      const d = beta(ref.params['concentration1'] as number[], ref.params['concentration0'] as number[]);
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 3]);
      checkSamples(x, ref, 'Beta');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('implicitly reparameterised draws give the analytic gradients of E[X] = α/(α + β)', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      for (const [alpha, beta, seed, maxSe] of [
        [2, 3, 5, 0.002],
        [0.3, 0.6, 6, 0.006],
      ] as const) {
        const c1 = tf.fill([n], alpha);
        const c0 = tf.fill([n], beta);
        // One draw per batch element, so the gradient of the sum holds one estimate per draw.
        const [g1, g0] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(new Beta(a, b).sample([], seed)))([
          c1,
          c0,
        ]);
        // d/dα E[X] = β/(α + β)², d/dβ E[X] = −α/(α + β)²: 0.12 and −0.08 at (2, 3), 0.741 and −0.370 at
        // (0.3, 0.6). Per-draw sd ≈ 0.1 at (2, 3) and ≈ 0.5 at (0.3, 0.6): standard errors ≈ 0.0008, ≈ 0.004.
        const s2 = (alpha + beta) ** 2;
        expectMonteCarloGradient(g1!, beta / s2, maxSe, `d/dconcentration1 at (${alpha}, ${beta})`);
        expectMonteCarloGradient(g0!, -alpha / s2, maxSe, `d/dconcentration0 at (${alpha}, ${beta})`);
        tf.dispose([c1, c0, g1!, g0!]);
      }
    });
  });

  it('has the batch shape, support and flags of the family, with −∞ outside [0, 1] and the right mode', async () => {
    await expectNoLeaks(() => {
      const d = new Beta([[0.5], [1], [3]], [2, 1], { validate: false });
      expect(d.batchShape).toEqual([3, 2]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('unit_interval');
      const below = d.logProb(-1);
      const above = d.logProb(1.5);
      expect([...below.dataSync(), ...above.dataSync()]).toEqual(Array(12).fill(-Infinity));
      const lp = d.logProb(0);
      expect(lp.shape).toEqual([3, 2]);
      // At x = 0: +∞ for α = ½; log β = log 2 for (1, 2) and 0 for (1, 1); −∞ for α = 3.
      expect(lp.arraySync()).toEqual([
        [Infinity, Infinity],
        [Math.fround(Math.log(2)), 0],
        [-Infinity, -Infinity],
      ]);
      const mode = d.mode();
      // (½, 2) → 0, (½, 1) → 0, (1, 2) → 0, (1, 1) → NaN, (3, 2) → 2/3, (3, 1) → 1.
      expect(mode.arraySync()).toEqual([
        [0, 0],
        [0, Number.NaN],
        [Math.fround(2 / 3), 1],
      ]);
      const x = d.sample([4], 1);
      expect(x.shape).toEqual([4, 3, 2]);
      expect(Math.min(...x.dataSync())).toBeGreaterThan(0);
      expect(Math.max(...x.dataSync())).toBeLessThan(1);
      expect(() => d.cdf(0.5)).toThrow('Beta.cdf: this family has no cumulative distribution function here');
      tf.dispose([below, above, lp, mode, x]);
      d.dispose();
    });
  });
});

describe('Beta input checks', () => {
  it('rejects a non-positive or non-finite concentration given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Beta(0, 1)).toThrow(DomainError);
      expect(() => new Beta([1, -2], 1)).toThrow(
        "Beta: argument 'concentration1' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new Beta(1, [1, 0])).toThrow("Beta: argument 'concentration0' has 0 at flat index 1");
      expect(() => new Beta(1, Infinity)).toThrow("Beta: argument 'concentration0' has Infinity");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const c0 = tf.tensor([1, -1]);
      expect(() => new Beta(1, c0).dispose()).not.toThrow();
      expect(() => new Beta(1, c0, { validate: true })).toThrow(DomainError);
      c0.dispose();
      const d = new Beta(2, 1);
      expect(() => d.logProb(1.5)).toThrow(
        "Beta.logProb: argument 'value' has entries outside the support (unit_interval)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      expect(() => new Beta([1, 1, 2], [1, 2])).toThrow(ShapeError);
      expect(() => new Beta('a' as unknown as number, 1)).toThrow(ArgumentError);
      const d = new Beta([3, 1], [1, 2]);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "Beta.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.sample(-1, 0)).toThrow("Beta.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
