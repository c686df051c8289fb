import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, foldIn, random, seed, splitSeed } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { batches, shuffledIndices } from './batches.js';
import { binarize } from './binarize.js';
import type { ImageSet } from './image-set.js';

// 23 images of 28 × 28 whose pixels name their image: pixel p of image k is (7k + p) mod 256.
const count = 23;
const data: ImageSet = {
  images: Uint8Array.from({ length: count * 784 }, (_, i) => (7 * Math.floor(i / 784) + (i % 784)) % 256),
  labels: Uint8Array.from({ length: count }, (_, k) => k % 10),
  count,
  rows: 28,
  cols: 28,
};

/** An independent Fisher–Yates from core's words, written from the TSDoc of shuffledIndices. */
function referenceShuffle(n: number, s: ReturnType<typeof seed>): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  const w = random.uniformBits([2 * (n - 1)], s);
  for (let i = n - 1, t = 0; i > 0; i--, t++) {
    const u = (Math.floor(w[2 * t]! / 32) * 2 ** 26 + Math.floor(w[2 * t + 1]! / 64)) / 2 ** 53;
    const j = Math.floor(u * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describeEachBackend('batches', () => {
  it('yields float32 [B, 28, 28, 1] in [0, 1] in the seeded order, keeping the last partial batch', async () => {
    await expectNoLeaks(() => {
      const order = referenceShuffle(count, foldIn(splitSeed(seed(5), 2)[0]!, 0));
      const seen: number[] = [];
      const sizes: number[] = [];
      for (const { images, labels, indices } of batches(data, { batchSize: 8, seed: 5 })) {
        expect(images.dtype).toBe('float32');
        expect(images.shape.slice(1)).toEqual([28, 28, 1]);
        sizes.push(images.shape[0]!);
        const values = images.dataSync();
        indices.forEach((k, r) => {
          for (const p of [0, 1, 400, 783])
            expect(values[r * 784 + p]).toBeCloseTo(((7 * k + p) % 256) / 255, 6);
          expect(labels[r]).toBe(k % 10);
        });
        seen.push(...indices);
        images.dispose();
      }
      expect(sizes).toEqual([8, 8, 7]);
      expect(seen).toEqual(order);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    });
  });

  it('drops the last batch when asked, flattens, keeps the order without shuffle', async () => {
    await expectNoLeaks(() => {
      const shapes: number[][] = [];
      const seen: number[] = [];
      for (const b of batches(data, {
        batchSize: 8,
        seed: 1,
        dropLast: true,
        shuffle: false,
        layout: 'flat',
      })) {
        shapes.push(b.images.shape);
        seen.push(...b.indices);
        b.images.dispose();
      }
      expect(shapes).toEqual([
        [8, 784],
        [8, 784],
      ]);
      expect(seen).toEqual(Array.from({ length: 16 }, (_, i) => i));
    });
  });

  it('dynamic binarisation gives each image the draws of binarize(data, dynamic, sBinarize, epoch)', async () => {
    await expectNoLeaks(() => {
      const epoch = 2;
      const reference = binarize(data, { method: 'dynamic', seed: splitSeed(seed(9), 2)[1]!, epoch });
      for (const { images, indices } of batches(data, {
        batchSize: 10,
        seed: 9,
        epoch,
        binarize: { method: 'dynamic' },
      })) {
        const values = images.dataSync();
        indices.forEach((k, r) => {
          expect(Array.from(values.subarray(r * 784, (r + 1) * 784))).toEqual(
            Array.from(reference.subarray(k * 784, (k + 1) * 784)),
          );
        });
        images.dispose();
      }
    });
  });

  it('stopping early leaves no tensor behind', async () => {
    await expectNoLeaks(() => {
      for (const { images } of batches(data, { batchSize: 4, seed: 0, binarize: { method: 'threshold' } })) {
        expect(tf.tidy(() => tf.max(images).dataSync()[0])).toBe(1);
        images.dispose();
        break;
      }
    });
  });
});

describe('batches (orders and errors)', () => {
  it('the same seed and epoch give the same order; other epochs and seeds another', () => {
    const first = (s: number, epoch: number) =>
      Array.from(batches(data, { batchSize: 23, seed: s, epoch }), (b) => {
        b.images.dispose();
        return Array.from(b.indices);
      })[0];
    expect(first(4, 0)).toEqual(first(4, 0));
    expect(first(4, 1)).not.toEqual(first(4, 0));
    expect(first(5, 0)).not.toEqual(first(4, 0));
  });

  it('shuffledIndices is a permutation, equal to the reference Fisher–Yates, roughly uniform', () => {
    expect(Array.from(shuffledIndices(1000, seed(2)))).toEqual(referenceShuffle(1000, seed(2)));
    expect(Array.from(shuffledIndices(1, 0))).toEqual([0]);
    expect(Array.from(shuffledIndices(0, 0))).toEqual([]);
    // Where element 0 lands, over 3000 seeds of a 3-permutation: each place ≈ 1000 (± 5 s.d. ≈ 130).
    const places = [0, 0, 0];
    for (let s = 0; s < 3000; s++) places[shuffledIndices(3, s).indexOf(0)]!++;
    for (const c of places) expect(Math.abs(c - 1000)).toBeLessThan(130);
  });

  it('checks its options before the first batch', () => {
    expect(() => batches(data, { batchSize: 0, seed: 0 })).toThrow(
      "batches: option 'batchSize' is 0, expected a positive integer",
    );
    expect(() => batches(data, { batchSize: 2, seed: -3 })).toThrow(ArgumentError);
    expect(() => batches(data, { batchSize: 2, seed: 0, epoch: -1 })).toThrow("option 'epoch' is -1");
    expect(() => batches(data, { batchSize: 2, seed: 0, layout: 'nchw' } as never)).toThrow(
      "option 'layout' is nchw",
    );
    expect(() => batches(data, { batchSize: 2, seed: 0, size: 3 } as never)).toThrow(
      "batches: unknown option 'size'",
    );
    expect(() =>
      batches(data, { batchSize: 2, seed: 0, binarize: { method: 'dynamic', seed: 1 } } as never),
    ).toThrow("unknown option 'binarize.seed'");
    expect(() => batches({ ...data, count: 24 }, { batchSize: 2, seed: 0 })).toThrow(
      "batches: argument 'data' has",
    );
  });
});
