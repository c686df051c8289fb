import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, random, splitSeed, foldIn, toSeed, type Seed } from '@elbo/core';
import { checkBinarize, fillRows } from './binarize.js';
import type { ImageSet } from './image-set.js';

const TWO_NEG_53 = 2 ** -53;

/**
 * The indices 0, …, n − 1 in the random order of `seed`: a Fisher–Yates shuffle whose step t
 * (t = 0, …, n − 2, swapping position i = n − 1 − t with j ∈ [0, i]) takes j = ⌊u·(i + 1)⌋ from the
 * 53-bit uniform u of words 2t and 2t + 1 of the seed's stream (`random.uniformBits` of `@elbo/core`:
 * u = (⌊w₀/2⁵⌋·2²⁶ + ⌊w₁/2⁶⌋)·2⁻⁵³). Pure JavaScript: the same order on every backend.
 *
 * @param n - the number of indices, a non-negative integer below 2^32.
 * @param s - a Seed or a non-negative safe integer.
 * @throws ArgumentError for a bad `n` or seed.
 * @example
 * shuffledIndices(5, seed(0)) // a permutation of 0..4, always the same for seed(0)
 */
export function shuffledIndices(n: number, s: Seed | number): Uint32Array {
  const fn = 'shuffledIndices';
  if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 32) {
    throw new ArgumentError(`${fn}: argument 'n' is ${String(n)}, expected an integer in [0, 2^32)`);
  }
  const key = toSeed(s, 'seed', fn);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  const words = random.uniformBits([2 * (n - 1)], key);
  for (let t = 0; t < n - 1; t++) {
    const i = n - 1 - t;
    const u =
      (((words[2 * t] as number) >>> 5) * 67108864 + ((words[2 * t + 1] as number) >>> 6)) * TWO_NEG_53;
    const j = Math.min(i, Math.floor(u * (i + 1)));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}

/**
 * Options of {@link batches}.
 *
 * @example
 * const options: BatchOptions = { batchSize: 128, seed: seed(0), epoch: 3, binarize: { method: 'dynamic' } };
 */
export interface BatchOptions {
  /** Images per batch, a positive integer. */
  readonly batchSize: number;
  /** The seed of the shuffles and of dynamic binarisation. */
  readonly seed: Seed | number;
  /** The epoch (a non-negative integer, 0 by default): each epoch has its own order and draws. */
  readonly epoch?: number;
  /** Whether to shuffle (true by default); false keeps the set's order. */
  readonly shuffle?: boolean;
  /** Whether to drop the last batch when it has fewer than `batchSize` images (false by default). */
  readonly dropLast?: boolean;
  /** The pixel values: intensities (`'none'`, the default), a threshold, or dynamic draws. */
  readonly binarize?:
    | { readonly method: 'none' }
    | { readonly method: 'threshold'; readonly threshold?: number }
    | { readonly method: 'dynamic' };
  /** `'image'` for [B, rows, cols, 1] (the default), `'flat'` for [B, rows · cols]. */
  readonly layout?: 'image' | 'flat';
}

/**
 * One batch of {@link batches}: the images as a float32 tensor, **owned by the caller** (dispose it),
 * and their labels and indices in the set as plain arrays.
 *
 * @example
 * for (const { images, labels } of batches(data, { batchSize: 64, seed: 0 })) {
 *   // … use images and labels …
 *   images.dispose();
 * }
 */
export interface Batch {
  /** float32 [B, rows, cols, 1] (or [B, rows · cols] with `layout: 'flat'`), values in [0, 1]. */
  readonly images: tf.Tensor;
  /** The labels of the batch's images. */
  readonly labels: Uint8Array;
  /** The indices of the batch's images in the set. */
  readonly indices: Uint32Array;
}

const KNOWN_OPTIONS = ['batchSize', 'seed', 'epoch', 'shuffle', 'dropLast', 'binarize', 'layout'];

/**
 * The batches of one epoch of `data`, in a shuffled order from a seed. With `[sOrder, sBinarize] =
 * splitSeed(seed, 2)`, epoch e visits the images in the order `shuffledIndices(count, foldIn(sOrder, e))`
 * (or 0, 1, … with `shuffle: false`), `batchSize` at a time, the last batch smaller unless `dropLast`.
 * Dynamic binarisation gives image k the draws of `binarize(data, { method: 'dynamic', seed: sBinarize,
 * epoch: e })`. Orders and draws are computed in JavaScript, so every backend sees the same batches.
 *
 * Each batch's tensor is created when the generator reaches it and belongs to the caller, who disposes
 * it; stopping early (`break`) leaves nothing allocated. The caller owns the loop over epochs.
 *
 * @param data - the images (from {@link loadMnist} or {@link loadMnistIdx}).
 * @param options - `{ batchSize, seed, epoch = 0, shuffle = true, dropLast = false, binarize, layout }`.
 * @throws ArgumentError for unknown options or bad values (checked at the call, before the first batch).
 * @example
 * const data = await loadMnist();
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const { images } of batches(data, { batchSize: 128, seed: 0, epoch, binarize: { method: 'dynamic' } })) {
 *     // images: float32 [128, 28, 28, 1] (the last one [16, 28, 28, 1])
 *     images.dispose();
 *   }
 * }
 */
export function batches(data: ImageSet, options: BatchOptions): Generator<Batch, void, undefined> {
  const fn = 'batches';
  if (typeof data !== 'object' || data === null || !(data.images instanceof Uint8Array)) {
    throw new ArgumentError(
      `${fn}: argument 'data' is not an ImageSet, expected { images, labels, count, rows, cols }`,
    );
  }
  const pixels = data.rows * data.cols;
  if (data.images.length !== data.count * pixels || data.labels.length !== data.count) {
    throw new ArgumentError(
      `${fn}: argument 'data' has ${data.images.length} pixel bytes and ${data.labels.length} labels, expected ${data.count * pixels} and ${data.count} for ${data.count} images of ${data.rows} × ${data.cols}`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(
      `${fn}: argument 'options' is ${options === null ? 'null' : typeof options}, expected { batchSize, seed, ... }`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(name)) {
      throw new ArgumentError(`${fn}: unknown option '${name}' (known options: ${KNOWN_OPTIONS.join(', ')})`);
    }
  }
  const { batchSize, epoch = 0, shuffle = true, dropLast = false, layout = 'image' } = options;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ArgumentError(`${fn}: option 'batchSize' is ${String(batchSize)}, expected a positive integer`);
  }
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new ArgumentError(`${fn}: option 'epoch' is ${String(epoch)}, expected a non-negative integer`);
  }
  if (typeof shuffle !== 'boolean' || typeof dropLast !== 'boolean') {
    throw new ArgumentError(
      `${fn}: options 'shuffle' and 'dropLast' must be booleans, got ${typeof shuffle} and ${typeof dropLast}`,
    );
  }
  if (layout !== 'image' && layout !== 'flat') {
    throw new ArgumentError(`${fn}: option 'layout' is ${String(layout)}, expected 'image' or 'flat'`);
  }
  const [sOrder, sBinarize] = splitSeed(toSeed(options.seed, 'seed', fn), 2) as [Seed, Seed];
  const method = options.binarize ?? { method: 'none' };
  if (typeof method === 'object' && method !== null && method.method === 'dynamic') {
    const extra = Object.keys(method).find((key) => key !== 'method');
    if (extra !== undefined) {
      throw new ArgumentError(
        `${fn}: unknown option 'binarize.${extra}' for method 'dynamic' (batches draws from its own 'seed' and 'epoch')`,
      );
    }
  }
  const binarizer = checkBinarize(
    method.method === 'dynamic' ? { ...method, seed: sBinarize, epoch } : method,
    fn,
    'binarize',
  );
  const order = shuffle
    ? shuffledIndices(data.count, foldIn(sOrder, epoch))
    : Uint32Array.from({ length: data.count }, (_, i) => i);
  const shapeOf = (b: number) => (layout === 'image' ? [b, data.rows, data.cols, 1] : [b, pixels]);
  return (function* () {
    for (let start = 0; start < data.count; start += batchSize) {
      const end = Math.min(start + batchSize, data.count);
      if (end - start < batchSize && dropLast) return;
      const indices = order.slice(start, end);
      const values = new Float32Array(indices.length * pixels);
      fillRows(values, data.images, indices, pixels, binarizer);
      const labels = Uint8Array.from(indices, (k) => data.labels[k] as number);
      yield { images: tf.tensor(values, shapeOf(indices.length), 'float32'), labels, indices };
    }
  })();
}
