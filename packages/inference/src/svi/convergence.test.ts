import * as tf from '@tensorflow/tfjs-core';
import { DomainError } from '@elbo/core';
import { Normal } from '@elbo/distributions';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import type { Model } from '../elbo/model.js';
import { meanFieldGuide } from '../guides/mean-field-guide.js';
import { relativeChangeConvergence } from './convergence.js';
import { fit } from './fit.js';
import { svi } from './svi.js';

describe('relativeChangeConvergence', () => {
  it('passes after patience + 1 windows of a flat loss, not before', () => {
    const test = relativeChangeConvergence({ tolerance: 1e-3, window: 10, patience: 2 });
    const results = Array.from({ length: 30 }, () => test.update(5));
    expect(results.indexOf(true)).toBe(29);
    expect(test.converged).toBe(true);
    test.reset();
    expect(test.converged).toBe(false);
  });

  it('is not stopped by Monte Carlo noise around a falling loss, nor by one quiet window', () => {
    const test = relativeChangeConvergence({ tolerance: 1e-3, window: 5, patience: 3 });
    // A loss falling 1 % per window, with alternating noise of ±20 % within each window.
    let converged = false;
    for (let w = 0; w < 40 && !converged; w++) {
      for (let i = 0; i < 5; i++) converged = test.update(100 * 0.99 ** w * (1 + (i % 2 === 0 ? 0.2 : -0.2)));
    }
    expect(converged).toBe(false);
    expect(() => relativeChangeConvergence({ tolerance: 0 })).toThrow(DomainError);
    expect(() => relativeChangeConvergence({ window: 1.5 })).toThrow(/'options.window' is 1.5/);
  });
});

describeEachBackend('fit with a convergence test', () => {
  it('stops early once the ELBO has settled, and trace can stop it too', async () => {
    const x = tf.tensor1d([0.9, 1.4, 1.1]);
    const prior = new Normal(0, 3);
    const model: Model = {
      prior,
      logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1),
    };
    const guide = meanFieldGuide({ shape: [], loc: 0, scale: 1 });
    const optimizer = tf.train.adam(0.05);
    const engine = svi({ model, guide, optimizer, seed: 0 });
    engine.step(undefined);
    const result = await expectNoLeaks(() =>
      fit(engine, { steps: 3000, convergence: { tolerance: 0.03, window: 50, patience: 2 } }),
    );
    expect(result.stoppedBy).toBe('convergence');
    expect(result.converged).toBe(true);
    expect(result.steps).toBeLessThan(3000);
    expect(result.steps).toBeGreaterThanOrEqual(150);
    // Stopped near the posterior mean Σx/(n + 1/9), not on the way there.
    const p = guide.parameters();
    expect(Math.abs(p['loc']!.dataSync()[0]! - 3.4 / (3 + 1 / 9))).toBeLessThan(0.15);
    tf.dispose(Object.values(p));
    const stopped = fit(engine, { steps: 100, trace: ({ step }) => step < 7 });
    expect(stopped.steps).toBe(7);
    expect(stopped.stoppedBy).toBe('trace');
    guide.dispose();
    optimizer.dispose();
    prior.dispose();
    x.dispose();
  });
});
