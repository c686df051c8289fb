import { ArgumentError, DomainError, foldIn, random, toSeed, type Seed } from '@elbo/core';
import type { ImageSet } from './image-set.js';
import { MNIST_SIDE } from './mnist.js';

/**
 * How {@link binarize} (and {@link batches}) turn pixel bytes into floats:
 *
 * - `{ method: 'none' }`: the intensity v / 255 ∈ [0, 1];
 * - `{ method: 'threshold', threshold = 0.5 }`: 1 where v / 255 > threshold, else 0 (static binarisation);
 * - `{ method: 'dynamic', seed, epoch = 0 }`: each pixel ~ Bernoulli(v / 255), drawn afresh per epoch
 *   (dynamic binarisation, as in Salakhutdinov & Murray 2008 and the IWAE paper).
 *
 * @example
 * const options: BinarizeOptions = { method: 'dynamic', seed: seed(0), epoch: 3 };
 */
export type BinarizeOptions =
  | { readonly method: 'none' }
  | { readonly method: 'threshold'; readonly threshold?: number }
  | { readonly method: 'dynamic'; readonly seed: Seed | number; readonly epoch?: number };

const TWO_32 = 4294967296;
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  none: ['method'],
  threshold: ['method', 'threshold'],
  dynamic: ['method', 'seed', 'epoch'],
};

/** The intensity of each byte value as a float32: fround(v / 255). */
const INTENSITY = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** A checked {@link BinarizeOptions}: what {@link fillRows} needs. */
export type Binarizer =
  | { readonly method: 'none' }
  | { readonly method: 'threshold'; readonly threshold: number }
  | { readonly method: 'dynamic'; readonly epochSeed: Seed };

/** Checks binarisation options once, naming the calling function and the option. */
export function checkBinarize(options: unknown, fn: string, arg: string): Binarizer {
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${options === null ? 'null' : typeof options}, expected { method: 'none' | 'threshold' | 'dynamic', ... }`,
    );
  }
  const o = options as Record<string, unknown>;
  const method = o['method'];
  const known = typeof method === 'string' ? KNOWN[method] : undefined;
  if (known === undefined) {
    throw new ArgumentError(
      `${fn}: option '${arg}.method' is ${typeof method === 'string' ? `'${method}'` : String(method)}, expected 'none', 'threshold' or 'dynamic'`,
    );
  }
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      throw new ArgumentError(
        `${fn}: unknown option '${arg}.${key}' for method '${String(method)}' (known: ${known.join(', ')})`,
      );
    }
  }
  if (method === 'none') return { method: 'none' };
  if (method === 'threshold') {
    const t = o['threshold'] ?? 0.5;
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) {
      throw new DomainError(`${fn}: option '${arg}.threshold' is ${String(t)}, expected a number in [0, 1]`);
    }
    return { method: 'threshold', threshold: t };
  }
  const epoch = o['epoch'] ?? 0;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) {
    throw new ArgumentError(
      `${fn}: option '${arg}.epoch' is ${String(epoch)}, expected a non-negative integer`,
    );
  }
  if (o['seed'] === undefined) {
    throw new ArgumentError(
      `${fn}: option '${arg}.seed' is missing, expected a Seed or a non-negative integer for 'dynamic'`,
    );
  }
  const s = toSeed(o['seed'] as Seed | number, `${arg}.seed`, fn);
  return { method: 'dynamic', epochSeed: foldIn(s, epoch) };
}

/**
 * Writes the float values of images `rows` of `images` (each `pixels` bytes) into `out`, one after the
 * other. For dynamic binarisation image k's draws use the seed foldIn(epochSeed, k), k being its index in
 * the full set, so an image gets the same draws whichever batch it lands in.
 */
export function fillRows(
  out: Float32Array,
  images: Uint8Array,
  rows: ArrayLike<number>,
  pixels: number,
  b: Binarizer,
): void {
  for (let r = 0; r < rows.length; r++) {
    const k = rows[r] as number;
    const src = k * pixels;
    const dst = r * pixels;
    if (b.method === 'none') {
      for (let p = 0; p < pixels; p++) out[dst + p] = INTENSITY[images[src + p] as number] as number;
    } else if (b.method === 'threshold') {
      for (let p = 0; p < pixels; p++) {
        out[dst + p] = (INTENSITY[images[src + p] as number] as number) > b.threshold ? 1 : 0;
      }
    } else {
      // Word p of the stream of foldIn(epochSeed, k) against p·2^32, as core's `random.bernoulli`.
      const words = random.uniformBits([pixels], foldIn(b.epochSeed, k));
      for (let p = 0; p < pixels; p++) {
        const prob = INTENSITY[images[src + p] as number] as number;
        out[dst + p] = (words[p] as number) < prob * TWO_32 ? 1 : 0;
      }
    }
  }
}

/**
 * Turns pixel bytes into floats in [0, 1] (see {@link BinarizeOptions}): intensities v / 255 (`'none'`),
 * a fixed threshold (`'threshold'`), or Bernoulli(v / 255) draws (`'dynamic'`). Dynamic binarisation of
 * image k (its index in `images`) in epoch e reads the words of the seed foldIn(foldIn(seed, e), k) and
 * sets pixel p to 1 when word p < (v/255)·2^32: exactly `random.bernoulli(row / 255, thatSeed)` of
 * `@elbo/core`, the same on every backend (pure JavaScript, no tensor), fresh for every epoch.
 *
 * @param images - an {@link ImageSet}, or bytes of images of 28 × 28 pixels.
 * @param options - the method and its parameters; `{ method: 'none' }` by default.
 * @returns a new Float32Array, the same length as the pixels.
 * @throws ArgumentError for unknown options, a bad seed or epoch, or bytes that are not whole images;
 *   DomainError for a threshold outside [0, 1].
 * @example
 * const { images } = await loadMnist({ range: [0, 64] });
 * const fixed = binarize(images, { method: 'threshold' });                  // 0/1, threshold 0.5
 * const fresh = binarize(images, { method: 'dynamic', seed: 1, epoch: 0 }); // new draws per epoch
 */
export function binarize(
  images: ImageSet | Uint8Array,
  options: BinarizeOptions = { method: 'none' },
): Float32Array {
  const fn = 'binarize';
  const b = checkBinarize(options, fn, 'options');
  let bytes: Uint8Array;
  let pixels: number;
  if (images instanceof Uint8Array) {
    bytes = images;
    pixels = MNIST_SIDE * MNIST_SIDE;
    if (bytes.length % pixels !== 0) {
      throw new ArgumentError(
        `${fn}: argument 'images' has ${bytes.length} bytes, expected whole 28 × 28 images (a multiple of 784); pass an ImageSet for other sizes`,
      );
    }
  } else if (typeof images === 'object' && images !== null && images.images instanceof Uint8Array) {
    bytes = images.images;
    pixels = images.rows * images.cols;
    if (bytes.length !== images.count * pixels) {
      throw new ArgumentError(
        `${fn}: argument 'images' has ${bytes.length} bytes for ${images.count} images of ${images.rows} × ${images.cols}, expected ${images.count * pixels}`,
      );
    }
  } else {
    throw new ArgumentError(
      `${fn}: argument 'images' is a ${typeof images}, expected an ImageSet or a Uint8Array`,
    );
  }
  const count = pixels === 0 ? 0 : bytes.length / pixels;
  const out = new Float32Array(bytes.length);
  fillRows(
    out,
    bytes,
    Uint32Array.from({ length: count }, (_, k) => k),
    pixels,
    b,
  );
  return out;
}
