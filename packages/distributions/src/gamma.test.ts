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
import { Gamma, gamma } from './gamma.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('Gamma', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Gamma')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Gamma(c.params['concentration'] as number[], c.params['rate'] as number[]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  for (const c of continuousCases('Gamma')) {
    it(`matches scipy.stats at the edges (log_prob at 0, modes): ${c.name}`, () => {
      const d = new Gamma(c.params['concentration'] as number[], c.params['rate'] as number[], {
        validate: false,
      });
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.gamma, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('Gamma');
      const d = gamma(ref.params['concentration'] as number[], ref.params['rate'] as number[]);
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 3]);
      checkSamples(x, ref, 'Gamma');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('implicitly reparameterised draws give the analytic gradients of E[X] = α/β', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const concentration = tf.fill([n], 2.5);
      const rate = tf.fill([n], 2);
      // One draw per batch element, so the gradient of the sum holds one estimate per draw.
      const [gA, gB] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(new Gamma(a, b).sample([], 5)))([
        concentration,
        rate,
      ]);
      // d/dα E[X] = 1/β = 0.5 and d/dβ E[X] = −α/β² = −0.625. The per-draw gradients (dz/dα)/β and −x/β
      // have sd ≈ 0.16 and √α/β² ≈ 0.40: standard errors ≈ 0.0011 and ≈ 0.0028.
      expectMonteCarloGradient(gA!, 0.5, 0.002, 'd/dconcentration');
      expectMonteCarloGradient(gB!, -0.625, 0.004, 'd/drate');
      tf.dispose([concentration, rate, gA!, gB!]);
    });
  });

  it('implicit gradients hold for α < 1: d/dα E[log X] = ψ′(α) = π²/2 at α = ½', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const concentration = tf.fill([n], 0.5);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.log(new Gamma(a, 3).sample([], 9))))(concentration);
      // E[log X] = ψ(α) − log β, so d/dα = ψ′(½) = π²/2 = 4.9348 whatever β. The per-draw gradient
      // d log z/dα has sd ≈ 4.7 (it grows like −log u/α² for small z): standard error ≈ 0.033.
      expectMonteCarloGradient(g, Math.PI ** 2 / 2, 0.05, 'd/dconcentration E[log X]');
      tf.dispose([concentration, g]);
    });
  });

  it('has the batch shape, support and flags of the family, with −∞ below 0 and the right mode', async () => {
    await expectNoLeaks(() => {
      const d = new Gamma([[0.5], [1], [3]], [2, 4], { validate: false });
      expect(d.batchShape).toEqual([3, 2]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('nonnegative');
      const lp = d.logProb([-1, 0]);
      // Column 0 at x = −1: −∞; column 1 at x = 0: +∞ (α = ½), log 4 (α = 1), −∞ (α = 3).
      expect(lp.arraySync()).toEqual([
        [-Infinity, Infinity],
        [-Infinity, Math.fround(Math.log(4))],
        [-Infinity, -Infinity],
      ]);
      const mode = d.mode();
      expect(mode.arraySync()).toEqual([
        [0, 0],
        [0, 0],
        [1, 0.5],
      ]);
      const x = d.sample([4], 1);
      expect(x.shape).toEqual([4, 3, 2]);
      expect(Math.min(...x.dataSync())).toBeGreaterThan(0);
      expect(() => d.cdf(1)).toThrow('Gamma.cdf: this family has no cumulative distribution function here');
      tf.dispose([lp, mode, x]);
      d.dispose();
    });
  });
});

describe('Gamma input checks', () => {
  it('rejects a non-positive or non-finite concentration or rate given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Gamma(0, 1)).toThrow(DomainError);
      expect(() => new Gamma([1, -2], 1)).toThrow(
        "Gamma: argument 'concentration' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new Gamma(1, [1, 0])).toThrow("Gamma: argument 'rate' has 0 at flat index 1");
      expect(() => new Gamma(1, Infinity)).toThrow("Gamma: argument 'rate' has Infinity");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const rate = tf.tensor([1, -1]);
      expect(() => new Gamma(1, rate).dispose()).not.toThrow();
      expect(() => new Gamma(1, rate, { validate: true })).toThrow(DomainError);
      rate.dispose();
      const d = new Gamma(2, 1);
      expect(() => d.logProb(-1)).toThrow(
        "Gamma.logProb: argument 'value' has entries outside the support (nonnegative)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      expect(() => new Gamma([1, 1, 2], [1, 2])).toThrow(ShapeError);
      expect(() => new Gamma('a' as unknown as number, 1)).toThrow(ArgumentError);
      const d = new Gamma([3, 1], [1, 2]);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "Gamma.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.sample(-1, 0)).toThrow("Gamma.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
