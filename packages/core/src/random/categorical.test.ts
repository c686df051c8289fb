import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { DomainError, ShapeError } from '../errors/errors.js';
import { categorical } from './categorical.js';
import { seed } from './seed.js';
import { uniformBits } from './uniform-bits.js';

describeEachBackend('categorical', () => {
  it('inverts the softmax CDF with the 53-bit uniform of words 2e and 2e + 1', async () => {
    await expectNoLeaks(() => {
      const logits = [
        [0.3, -1, 2, 0],
        [5, 5, -Infinity, 4],
      ];
      const x = categorical(logits, seed(9), [50]);
      expect(x.shape).toEqual([50, 2]);
      expect(x.dtype).toBe('int32');
      const words = uniformBits([200], seed(9));
      const expected = Array.from({ length: 100 }, (_, e) => {
        const row = logits[e % 2] as number[];
        const probs = row.map((l) => Math.exp(l));
        const total = probs.reduce((a, b) => a + b, 0);
        const u =
          (Math.floor((words[2 * e] as number) / 32) * 2 ** 26 +
            Math.floor((words[2 * e + 1] as number) / 64)) /
          2 ** 53;
        let cumulative = 0;
        return probs.findIndex((p) => (cumulative += p / total) > u);
      });
      expect(Array.from(x.dataSync())).toEqual(expected);
      x.dispose();
    });
  });

  it('never draws a −∞ category; K = 1 always gives 0', async () => {
    await expectNoLeaks(() => {
      const x = categorical([-Infinity, 0, -Infinity, 0], seed(1), [4000]);
      expect(Array.from(x.dataSync()).every((v) => v === 1 || v === 3)).toBe(true);
      const y = categorical([[7], [-3]], seed(2), [10]);
      expect(y.shape).toEqual([10, 2]);
      expect(Array.from(y.dataSync()).every((v) => v === 0)).toBe(true);
      tf.dispose([x, y]);
    });
  });

  it('rejects NaN, +∞, all −∞ rows, scalar logits and K = 0', async () => {
    await expectNoLeaks(() => {
      expect(() => categorical([0, NaN], 0)).toThrow(DomainError);
      expect(() => categorical([0, Infinity], 0)).toThrow(
        "categorical: argument 'logits' must be finite or −Infinity, got Infinity at flat index 1",
      );
      expect(() =>
        categorical(
          [
            [0, 1],
            [-Infinity, -Infinity],
          ],
          0,
        ),
      ).toThrow("categorical: argument 'logits' has a row of only −Infinity (row 1)");
      expect(() => categorical(3, 0)).toThrow(ShapeError);
      const empty = tf.zeros([2, 0]);
      expect(() => categorical(empty, 0)).toThrow(
        "categorical: argument 'logits' has shape [2,0], expected [...batchShape, K] with K ≥ 1 categories",
      );
      empty.dispose();
    });
  });
});
