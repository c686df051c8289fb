import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { DomainError, ShapeError } from '../errors/errors.js';
import { beta } from './beta.js';
import { gamma } from './gamma.js';
import { seed, splitSeed } from './seed.js';

describeEachBackend('beta', () => {
  it('is G_α / (G_α + G_β) with the gammas drawn from splitSeed(s, 2)', async () => {
    await expectNoLeaks(() => {
      const s = seed(1);
      const [s1, s0] = splitSeed(s, 2);
      const x = beta([500], 2, 3.5, s);
      const g1 = gamma([500], 2, s1!);
      const g0 = gamma([500], 3.5, s0!);
      const a = g1.dataSync();
      const b = g0.dataSync();
      const expected = Array.from(a, (v, i) => v / (v + (b[i] as number)));
      expectClose(x, expected, { atol: 0, rtol: 3e-7 });
      tf.dispose([x, g1, g0]);
    });
  });

  it('stays inside (0, 1) and symmetric for tiny concentrations, where G_α and G_β underflow float32', async () => {
    await expectNoLeaks(() => {
      const n = 20_000;
      const x = beta([n], 0.01, 0.01, seed(2));
      const values = x.dataSync();
      expect(Array.from(values).every((v) => v >= 2 ** -126 && v <= 1 - 2 ** -24)).toBe(true);
      // Beta(a, a) is symmetric: P(X < ½) = ½.
      const below = Array.from(values).filter((v) => v < 0.5).length / n;
      expect(Math.abs(below - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
      x.dispose();
      // Beta(a, 1) has CDF x^a: P(X < ½) = 2^-a.
      const y = beta([n], 0.05, 1, seed(3));
      const p = 2 ** -0.05;
      const belowY = Array.from(y.dataSync()).filter((v) => v < 0.5).length / n;
      expect(Math.abs(belowY - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
      y.dispose();
    });
  });

  it('broadcasts both concentrations and returns gradients of their shapes', async () => {
    await expectNoLeaks(() => {
      const a = tf.tensor1d([0.5, 2, 8]);
      const b = tf.scalar(3);
      const x = beta([10, 3], a, b, seed(4));
      expect(x.shape).toEqual([10, 3]);
      const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(beta([10, 3], p, q, seed(4))))([a, b]);
      expect(ga?.shape).toEqual([3]);
      expect(gb?.shape).toEqual([]);
      // x grows with α and shrinks with β.
      expect(Array.from(ga!.dataSync()).every((v) => v > 0)).toBe(true);
      expect(gb!.dataSync()[0]).toBeLessThan(0);
      tf.dispose([a, b, x, ga!, gb!]);
    });
  });

  it('rejects bad concentrations naming which one', async () => {
    await expectNoLeaks(() => {
      expect(() => beta([2], 1, -1, 0)).toThrow(DomainError);
      expect(() => beta([2], 1, -1, 0)).toThrow(
        "beta: argument 'concentration0' must be finite and > 0, got -1 at flat index 0",
      );
      expect(() => beta([2], [1, 2, 3], 1, 0)).toThrow(ShapeError);
      expect(() => beta([2], [1, 2, 3], 1, 0)).toThrow("beta: argument 'concentration1' has shape [3]");
    });
  });
});
