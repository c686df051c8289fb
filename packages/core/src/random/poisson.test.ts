import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { DomainError, ShapeError } from '../errors/errors.js';
import { poisson } from './poisson.js';
import { seed } from './seed.js';

/** Sample mean and variance in float64. */
function meanAndVariance(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += ((values[i] as number) - mean) ** 2;
  return [mean, squares / (values.length - 1)];
}

describeEachBackend('poisson', () => {
  it('gives 0 for rate 0 and non-negative integers otherwise', async () => {
    await expectNoLeaks(() => {
      const x = poisson([1000, 4], [0, 0.01, 9.99, 10], seed(1));
      const values = x.dataSync();
      expect(x.shape).toEqual([1000, 4]);
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number;
        if (i % 4 === 0 && v !== 0) expect.fail(`rate 0 gave ${v}`);
        if (!(Number.isInteger(v) && v >= 0)) expect.fail(`element ${i} is ${v}`);
      }
      x.dispose();
    });
  });

  it('has mean and variance λ on both sides of the inversion/PTRS switch and far out (λ = 1e7)', async () => {
    await expectNoLeaks(() => {
      const n = 20_000;
      // Poisson(λ) has mean λ and variance λ (excess kurtosis 1/λ): bounds of 5 standard errors.
      for (const [i, rate] of [9.99, 10, 1e7].entries()) {
        const x = poisson([n], rate, seed(10 + i));
        const [mean, variance] = meanAndVariance(x.dataSync());
        x.dispose();
        expect(Math.abs(mean - rate), `λ = ${rate}: mean ${mean}`).toBeLessThanOrEqual(
          5 * Math.sqrt(rate / n),
        );
        expect(Math.abs(variance - rate), `λ = ${rate}: variance ${variance}`).toBeLessThanOrEqual(
          5 * rate * Math.sqrt((2 + 1 / rate) / n),
        );
      }
    });
  });

  it('broadcasts a rate tensor: each column follows its own rate', async () => {
    await expectNoLeaks(() => {
      const rates = tf.tensor2d([[0.5], [50]]);
      const x = poisson([3000, 2, 4], rates, seed(2));
      const means = tf.tidy(() => tf.mean(x, [0, 2]));
      const [m0, m1] = Array.from(means.dataSync());
      expect(Math.abs((m0 as number) - 0.5)).toBeLessThan(5 * Math.sqrt(0.5 / 12000));
      expect(Math.abs((m1 as number) - 50)).toBeLessThan(5 * Math.sqrt(50 / 12000));
      tf.dispose([rates, x, means]);
    });
  });

  it('rejects negative or non-finite rates and mismatched shapes', async () => {
    await expectNoLeaks(() => {
      expect(() => poisson([2], -1, 0)).toThrow(DomainError);
      expect(() => poisson([2], [1, NaN], 0)).toThrow(
        "poisson: argument 'rate' must be finite and ≥ 0, got NaN at flat index 1",
      );
      expect(() => poisson([2], Infinity, 0)).toThrow(DomainError);
      expect(() => poisson([2], [1, 2, 3], 0)).toThrow(
        "poisson: argument 'rate' has shape [3], which does not broadcast to 'shape' [2]",
      );
      expect(() => poisson([0.5], 1, 0)).toThrow(ShapeError);
    });
  });
});
