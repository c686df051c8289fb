import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, DomainError, ShapeError } from '../errors/errors.js';
import { gamma } from './gamma.js';
import { gammaSampleGradient } from './gamma-gradient.js';
import { seed } from './seed.js';

describeEachBackend('gamma', () => {
  it('returns a float32 tensor of the requested shape, positive and finite', async () => {
    await expectNoLeaks(() => {
      const z = gamma([4, 5], 2.5, seed(1));
      expect(z.shape).toEqual([4, 5]);
      expect(z.dtype).toBe('float32');
      expect(Array.from(z.dataSync()).every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      z.dispose();
    });
  });

  it('depends only on the element index and its α: a broadcast concentration equals the written-out one', async () => {
    await expectNoLeaks(() => {
      const alphas = [0.3, 1, 7];
      const small = tf.tensor1d(alphas);
      const full = tf.tidy(() => tf.tile(tf.reshape(small, [1, 3]), [50, 1]));
      const a = gamma([50, 3], small, seed(2));
      const b = gamma([50, 3], full, seed(2));
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([small, full, a, b]);
    });
  });

  it('floors samples of tiny α at 2^-126 instead of returning 0 or subnormals', async () => {
    await expectNoLeaks(() => {
      const z = gamma([2000], 1e-3, seed(3));
      const values = Array.from(z.dataSync());
      expect(values.every((v) => v >= 2 ** -126 && Number.isFinite(v))).toBe(true);
      // P(z < 2^-126) = (2^-126)^α / Γ(1 + α) ≈ 0.92 for α = 1e-3: most samples sit on the floor.
      const floored = values.filter((v) => v === 2 ** -126).length / values.length;
      expect(floored).toBeGreaterThan(0.88);
      expect(floored).toBeLessThan(0.96);
      z.dispose();
    });
  });

  it('has per-element gradient dz/dα equal to the float64 implicit gradient at the sample', async () => {
    await expectNoLeaks(() => {
      const alphas = Array.from({ length: 60 }, (_, i) => [0.05, 0.7, 3, 40, 900][i % 5] as number);
      const alpha = tf.tensor1d(alphas);
      const f = (a: tf.Tensor) => gamma([alphas.length], a, seed(4));
      const value = f(alpha);
      const grad = tf.grad((a: tf.Tensor) => tf.sum(f(a)))(alpha);
      const z = value.dataSync();
      const expected = alphas.map((a, i) => gammaSampleGradient(a, z[i] as number));
      // The reference is evaluated at the float32 sample, the op at the float64 one: 1e-6 relative.
      expectClose(grad, expected, { atol: 1e-30, rtol: 1e-5 });
      tf.dispose([alpha, value, grad]);
    });
  });

  it('sums the gradient over broadcast axes, to the shape of the concentration', async () => {
    await expectNoLeaks(() => {
      const small = tf.tensor1d([0.5, 2, 10]);
      const full = tf.tidy(() => tf.tile(tf.reshape(small, [1, 3]), [200, 1]));
      const gSmall = tf.grad((a: tf.Tensor) => tf.sum(gamma([200, 3], a, seed(5))))(small);
      const gFull = tf.grad((a: tf.Tensor) => tf.sum(gamma([200, 3], a, seed(5))))(full);
      expect(gSmall.shape).toEqual([3]);
      const columnSums = tf.sum(gFull, 0);
      expectClose(gSmall, columnSums, { atol: 1e-5, rtol: 1e-4 });
      const scalar = tf.scalar(1.5);
      const gScalar = tf.grad((a: tf.Tensor) => tf.sum(gamma([4, 2], a, seed(6))))(scalar);
      expect(gScalar.shape).toEqual([]);
      tf.dispose([small, full, gSmall, gFull, columnSums, scalar, gScalar]);
    });
  });

  it('rejects bad concentrations, shapes and seeds, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => gamma([3], [1, 0, 2], 0)).toThrow(DomainError);
      expect(() => gamma([3], [1, 0, 2], 0)).toThrow(
        "gamma: argument 'concentration' must be finite and > 0, got 0 at flat index 1",
      );
      expect(() => gamma([2], NaN, 0)).toThrow(
        "gamma: argument 'concentration' must be finite and > 0, got NaN at flat index 0",
      );
      expect(() => gamma([2], Infinity, 0)).toThrow(DomainError);
      expect(() => gamma([2, 3], [1, 2, 3, 4], 0)).toThrow(ShapeError);
      expect(() => gamma([2, 3], [1, 2, 3, 4], 0)).toThrow(
        "gamma: argument 'concentration' has shape [4], which does not broadcast to 'shape' [2,3]",
      );
      expect(() => gamma([3], [[1, 2, 3]], 0)).toThrow(ShapeError);
      expect(() => gamma([3], 'a' as never, 0)).toThrow(ArgumentError);
      expect(() => gamma([-3], 1, 0)).toThrow(ShapeError);
      expect(() => gamma([3], 1, -5)).toThrow("gamma: argument 'seed' is -5");
    });
  });
});
