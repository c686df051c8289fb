import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { DomainError, ShapeError } from '../errors/errors.js';
import { dirichlet } from './dirichlet.js';
import { gamma } from './gamma.js';
import { seed } from './seed.js';

describeEachBackend('dirichlet', () => {
  it('is gamma(shape, α, s) normalised along the last axis', async () => {
    await expectNoLeaks(() => {
      const alpha = [0.7, 2, 5, 1.5];
      const x = dirichlet([300, 4], alpha, seed(1));
      const g = gamma([300, 4], alpha, seed(1));
      const expected = tf.tidy(() => tf.div(g, tf.sum(g, -1, true)));
      expectClose(x, expected, { atol: 1e-37, rtol: 5e-7 });
      tf.dispose([x, g, expected]);
    });
  });

  it('stays on the simplex for tiny concentrations, and is 1 for K = 1', async () => {
    await expectNoLeaks(() => {
      const x = dirichlet([2000, 3], [0.01, 0.01, 0.01], seed(2));
      const values = x.dataSync();
      for (let r = 0; r < 2000; r++) {
        const row = [values[3 * r], values[3 * r + 1], values[3 * r + 2]] as number[];
        if (
          !row.every((v) => v >= 2 ** -126 && v <= 1) ||
          Math.abs(row[0]! + row[1]! + row[2]! - 1) > 3 * 2 ** -24
        ) {
          expect.fail(`row ${r}: ${row.join(', ')}`);
        }
      }
      const one = dirichlet([5, 1], 3, seed(3));
      expect(Array.from(one.dataSync())).toEqual([1, 1, 1, 1, 1]);
      tf.dispose([x, one]);
    });
  });

  it('has a zero gradient for the sum of the components (which is always 1)', async () => {
    await expectNoLeaks(() => {
      const alpha = tf.tensor1d([0.5, 1, 3]);
      const g = tf.grad((a: tf.Tensor) => tf.sum(dirichlet([50, 3], a, seed(4))))(alpha);
      expect(g.shape).toEqual([3]);
      expectClose(g, [0, 0, 0], { atol: 1e-4, rtol: 0 });
      // …while a single component does move with α.
      const g0 = tf.grad((a: tf.Tensor) => tf.sum(tf.slice(dirichlet([50, 3], a, seed(4)), [0, 0], [50, 1])))(
        alpha,
      );
      const [d0, d1, d2] = Array.from(g0.dataSync());
      expect(d0).toBeGreaterThan(0);
      expect(d1).toBeLessThan(0);
      expect(d2).toBeLessThan(0);
      tf.dispose([alpha, g, g0]);
    });
  });

  it('rejects a scalar shape, K = 0 and bad concentrations', async () => {
    await expectNoLeaks(() => {
      expect(() => dirichlet([], 1, 0)).toThrow(ShapeError);
      expect(() => dirichlet([4, 0], 1, 0)).toThrow(
        "dirichlet: argument 'shape' is [4,0], expected [..., K] with K ≥ 1 categories on the last axis",
      );
      expect(() => dirichlet([4, 3], [1, 2], 0)).toThrow(ShapeError);
      expect(() => dirichlet([4, 3], [1, 0, 2], 0)).toThrow(DomainError);
    });
  });
});
