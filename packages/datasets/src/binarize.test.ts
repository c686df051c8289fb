import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, foldIn, random, seed } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { binarize } from './binarize.js';
import type { ImageSet } from './image-set.js';

// Two 2 × 3 images holding every kind of pixel: 0, 255, the threshold's neighbours 127 and 128.
const set: ImageSet = {
  images: Uint8Array.from([0, 127, 128, 255, 64, 200, 255, 0, 10, 250, 128, 127]),
  labels: Uint8Array.from([1, 2]),
  count: 2,
  rows: 2,
  cols: 3,
};

describeEachBackend('binarize', () => {
  it("'none' and 'threshold' agree with tf ops on the same bytes", async () => {
    await expectNoLeaks(() => {
      const reference = tf.tidy(() => tf.div(tf.tensor(Array.from(set.images), [12], 'float32'), 255));
      const none = binarize(set);
      expect(Array.from(none)).toEqual(Array.from(Float32Array.from(set.images, (v) => v / 255)));
      const r = reference.dataSync();
      for (let i = 0; i < 12; i++)
        expect(Math.abs((none[i] as number) - (r[i] as number))).toBeLessThan(1e-6);
      for (const threshold of [0.5, 0.1, 0.99]) {
        const ref = tf.tidy(() => tf.cast(tf.greater(reference, threshold), 'float32'));
        expect(Array.from(binarize(set, { method: 'threshold', threshold }))).toEqual(
          Array.from(ref.dataSync()),
        );
        ref.dispose();
      }
      expect(Array.from(binarize(set, { method: 'threshold' }))).toEqual([
        0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0,
      ]);
      reference.dispose();
    });
  });

  it("'dynamic' draws image k of epoch e as core's random.bernoulli with foldIn(foldIn(seed, e), k)", async () => {
    await expectNoLeaks(() => {
      for (const epoch of [0, 1, 7]) {
        const x = binarize(set, { method: 'dynamic', seed: 11, epoch });
        for (let k = 0; k < 2; k++) {
          const p = tf.tensor(
            Array.from(set.images.subarray(6 * k, 6 * k + 6), (v) => v / 255),
            [6],
          );
          const b = random.bernoulli(p, foldIn(foldIn(seed(11), epoch), k));
          expect(Array.from(x.subarray(6 * k, 6 * k + 6))).toEqual(Array.from(b.dataSync()));
          tf.dispose([p, b]);
        }
        expect([x[0], x[3], x[7]]).toEqual([0, 1, 0]); // p = 0 never, p = 1 always
      }
    });
  });
});

describe('binarize (statistics and errors)', () => {
  it('dynamic draws are fresh per epoch and average to the intensity', () => {
    const epochs = 4000;
    const sums = new Float64Array(12);
    let changed = 0;
    let previous = binarize(set, { method: 'dynamic', seed: 3, epoch: 0 });
    for (let e = 0; e < epochs; e++) {
      const x = binarize(set, { method: 'dynamic', seed: 3, epoch: e });
      for (let i = 0; i < 12; i++) sums[i] = (sums[i] as number) + (x[i] as number);
      if (e > 0 && x.some((v, i) => v !== previous[i])) changed++;
      previous = x;
    }
    expect(changed).toBeGreaterThan(epochs * 0.9);
    for (let i = 0; i < 12; i++) {
      const p = (set.images[i] as number) / 255;
      // 5 standard errors of a mean of 4000 Bernoulli(p) draws (≤ 0.04).
      expect(Math.abs((sums[i] as number) / epochs - p)).toBeLessThanOrEqual(
        5 * Math.sqrt((p * (1 - p)) / epochs) + 1e-12,
      );
    }
  });

  it('reads raw bytes as 28 × 28 images and names bad input', () => {
    expect(binarize(new Uint8Array(784 * 2).fill(255), { method: 'threshold' }).every((v) => v === 1)).toBe(
      true,
    );
    expect(() => binarize(new Uint8Array(100))).toThrow(
      "binarize: argument 'images' has 100 bytes, expected whole 28 × 28 images",
    );
    expect(() => binarize(set, { method: 'otsu' } as never)).toThrow(
      "binarize: option 'options.method' is 'otsu'",
    );
    expect(() => binarize(set, { method: 'threshold', threshold: 2 })).toThrow(DomainError);
    expect(() => binarize(set, { method: 'dynamic' } as never)).toThrow("option 'options.seed' is missing");
    expect(() => binarize(set, { method: 'dynamic', seed: -1 })).toThrow(ArgumentError);
    expect(() => binarize(set, { method: 'dynamic', seed: 1, epoch: 1.5 })).toThrow("'options.epoch' is 1.5");
    expect(() => binarize(set, { method: 'none', threshold: 1 } as never)).toThrow(
      "unknown option 'options.threshold'",
    );
  });
});
