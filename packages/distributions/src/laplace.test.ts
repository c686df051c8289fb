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
import { Laplace, laplace } from './laplace.js';

/** Measured on SwiftShader WebGL in Chromium (see the report in the test name). */
const WEBGL_TOLERANCE = { atol: 2e-3, rtol: 2e-3 };

describeEachBackend('Laplace', ({ backend }) => {
  const tolerance = backend === 'webgl' ? WEBGL_TOLERANCE : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Laplace')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Laplace(c.params['loc'] as number[], c.params['scale'] as number[]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  for (const c of continuousCases('Laplace')) {
    it(`matches scipy.stats at the edges: ${c.name}`, () => {
      const d = new Laplace(c.params['loc'] as number[], c.params['scale'] as number[], { validate: false });
      checkContinuousCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the moments and quantiles of scipy.stats.laplace, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const ref = samplingReference('Laplace');
      const d = laplace(ref.params['loc'] as number[], ref.params['scale'] as number[]);
      const x = d.sample(20000, 11);
      expect(x.shape).toEqual([20000, 2]);
      checkSamples(x, ref, 'Laplace');
      const again = d.sample(20000, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(20000, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, again, other]);
      d.dispose();
    });
  });

  it('reparameterised draws give the analytic gradients of E[X²] = μ² + 2b²', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const loc = tf.fill([n], 0.5);
      const scale = tf.fill([n], 0.8);
      // One draw per batch element, so the gradient of the sum holds one estimate per draw.
      const [gLoc, gScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
        tf.sum(tf.square(new Laplace(m, s).sample([], 5))),
      )([loc, scale]);
      // d/dμ = 2μ = 1, d/db = 4b = 3.2. Per-draw gradients 2x and 2x(x − μ)/b have sd ≈ 2.3 and ≈ 4.6,
      // so the standard errors are ≈ 0.016 and ≈ 0.033.
      expectMonteCarloGradient(gLoc!, 1, 0.025, 'd/dloc');
      expectMonteCarloGradient(gScale!, 3.2, 0.05, 'd/dscale');
      tf.dispose([loc, scale, gLoc!, gScale!]);
    });
  });

  it('has the batch shape, support and flags of the family, and frees what it created', async () => {
    await expectNoLeaks(() => {
      const d = new Laplace([[0], [1]], [1, 2, 3]);
      expect(d.batchShape).toEqual([2, 3]);
      expect(d.eventShape).toEqual([]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('real');
      const lp = d.logProb(0);
      expect(lp.shape).toEqual([2, 3]);
      const x = d.sample([4], 1);
      expect(x.shape).toEqual([4, 2, 3]);
      tf.dispose([lp, x]);
      d.dispose();
    });
  });
});

describe('Laplace input checks', () => {
  it('rejects a non-positive scale or a non-finite loc given as numbers, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Laplace(0, 0)).toThrow(DomainError);
      expect(() => new Laplace(0, [1, -2])).toThrow(
        "Laplace: argument 'scale' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new Laplace(Number.NaN, 1)).toThrow("Laplace: argument 'loc' has NaN");
      expect(() => new Laplace(Infinity, 1)).toThrow("Laplace: argument 'loc' has Infinity");
    });
  });

  it('checks tensor parameters only when asked, and values against the support when validating', async () => {
    await expectNoLeaks(() => {
      const scale = tf.tensor([1, -1]);
      expect(() => new Laplace(0, scale).dispose()).not.toThrow();
      expect(() => new Laplace(0, scale, { validate: true })).toThrow(DomainError);
      scale.dispose();
      const d = new Laplace(0, 1);
      expect(() => d.logProb(Infinity)).toThrow(
        "Laplace.logProb: argument 'value' has entries outside the support (real)",
      );
      d.dispose();
    });
  });

  it('raises shape and argument errors', async () => {
    await expectNoLeaks(() => {
      expect(() => new Laplace([0, 1, 2], [1, 2])).toThrow(ShapeError);
      expect(() => new Laplace('a' as unknown as number, 1)).toThrow(ArgumentError);
      const d = new Laplace([0, 1], [1, 2]);
      expect(() => d.logProb([1, 2, 3])).toThrow(
        "Laplace.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.cdf([[1, 2, 3]])).toThrow(ShapeError);
      expect(() => d.sample(-1, 0)).toThrow("Laplace.sample: argument 'sampleShape' is -1");
      expect(() => d.sample(1, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
