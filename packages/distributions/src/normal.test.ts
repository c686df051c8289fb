import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE } from './fixtures/cases.js';
import { Normal, normal } from './normal.js';

describeEachBackend('Normal', ({ backend }) => {
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Normal')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Normal(c.params['loc'] as number[], c.params['scale'] as number[]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  it('samples with the right moments, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const d = normal([1, -2], [0.5, 3]);
      const x = d.sample(20000, 7);
      expect(x.shape).toEqual([20000, 2]);
      const { mean, variance } = tf.moments(x, 0);
      // Standard errors: σ/√n (≤ 0.022) for the mean, σ²·√(2/n) (≤ 0.09) for the variance; 4 of them.
      expectClose(mean, [1, -2], { atol: 0.09, rtol: 0 });
      expectClose(variance, [0.25, 9], { atol: 0, rtol: 0.04 });
      const again = d.sample(20000, 7);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      tf.dispose([x, mean, variance, again]);
      d.dispose();
    });
  });

  it('reparameterised samples give the analytic gradients of E[x²] = μ² + σ²', () => {
    const loc = tf.scalar(0.7);
    const scale = tf.scalar(1.3);
    const [gLoc, gScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
      tf.mean(tf.square(new Normal(m, s).sample(40000, 3))),
    )([loc, scale]);
    // d/dμ = 2μ = 1.4, d/dσ = 2σ = 2.6; Monte Carlo error with 40 000 draws is below 0.03.
    expectClose(gLoc!, 1.4, { atol: 0.05, rtol: 0 });
    expectClose(gScale!, 2.6, { atol: 0.06, rtol: 0 });
    tf.dispose([loc, scale, gLoc!, gScale!]);
  });
});

describe('Normal input checks', () => {
  it('rejects a non-positive scale given as a number, naming the argument', () => {
    expect(() => new Normal(0, -1)).toThrow(DomainError);
    expect(() => new Normal(0, -1)).toThrow(
      "Normal: argument 'scale' has -1 at flat index 0, expected a finite number > 0",
    );
    expect(() => new Normal(Number.NaN, 1)).toThrow("Normal: argument 'loc' has NaN");
  });

  it('checks tensor parameters only when asked', () => {
    const scale = tf.tensor([1, -1]);
    expect(() => new Normal(0, scale).dispose()).not.toThrow();
    expect(() => new Normal(0, scale, { validate: true })).toThrow(DomainError);
    scale.dispose();
  });

  it('raises shape errors always', () => {
    expect(() => new Normal([0, 1, 2], [1, 2])).toThrow(ShapeError);
    const d = new Normal([0, 1], [1, 2]);
    expect(() => d.logProb([1, 2, 3])).toThrow(
      "Normal.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
    );
    expect(() => d.sample(-1, 0)).toThrow("Normal.sample: argument 'sampleShape' is -1");
    d.dispose();
  });
});
