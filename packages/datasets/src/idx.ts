import { ArgumentError, DataFormatError } from '@elbo/core';
import type { ImageSet } from './image-set.js';
import { parseRange, type IndexRange } from './range.js';
import { gunzip, isGzip, readBytes, sourceName, type ByteSource } from './read-bytes.js';

/** The element types of the IDX format, by the name of their dtype byte. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * The content of an IDX file: its element type, its dimensions and its values in row-major order (the
 * big-endian values of the file converted to this machine's typed array).
 *
 * @example
 * const { dtype, shape, data } = await loadIdx('t10k-labels-idx1-ubyte.gz'); // 'uint8', [10000], Uint8Array
 */
export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** dtype byte → name and size in bytes (the IDX specification, yann.lecun.com/exdb/mnist). */
const DTYPES: ReadonlyMap<number, { name: IdxDtype; size: number }> = new Map([
  [0x08, { name: 'uint8', size: 1 }],
  [0x09, { name: 'int8', size: 1 }],
  [0x0b, { name: 'int16', size: 2 }],
  [0x0c, { name: 'int32', size: 4 }],
  [0x0d, { name: 'float32', size: 4 }],
  [0x0e, { name: 'float64', size: 8 }],
]);

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * Parses the bytes of an (uncompressed) IDX file: a magic number `00 00 <dtype> <ndim>`, `ndim`
 * big-endian uint32 dimensions, then exactly the product of the dimensions values of `dtype`, big-endian.
 *
 * @param bytes - the file's bytes.
 * @param name - the file's name, for messages.
 * @param fn - the calling function, for messages.
 * @throws DataFormatError naming the file and what was wrong: a bad magic number, an unknown dtype byte,
 *   a header shorter than its dimensions, a payload of the wrong length (truncated or with trailing bytes).
 * @example
 * parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])) // { dtype: 'uint8', shape: [2], data: [7, 9] }
 */
export function parseIdx(bytes: Uint8Array, name = sourceName(bytes), fn = 'parseIdx'): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(`${fn}: argument 'bytes' is a ${typeof bytes}, expected a Uint8Array`);
  }
  const where = `${fn}: '${name}' is not a valid IDX file`;
  if (bytes.length < 4) {
    throw new DataFormatError(
      `${where}: it has ${bytes.length} bytes, expected at least a 4-byte magic number`,
    );
  }
  const [z0, z1, code, ndim] = bytes as unknown as [number, number, number, number];
  if (z0 !== 0 || z1 !== 0) {
    throw new DataFormatError(
      `${where}: the magic number starts ${hex(z0)} ${hex(z1)}, expected 0x00 0x00 (a compressed file other than gzip, or not IDX at all?)`,
    );
  }
  const dtype = DTYPES.get(code);
  if (dtype === undefined) {
    throw new DataFormatError(
      `${where}: the dtype byte is ${hex(code)}, expected one of ${[...DTYPES.keys()].map(hex).join(', ')}`,
    );
  }
  if (ndim === 0) {
    throw new DataFormatError(`${where}: the magic number says 0 dimensions, expected at least 1`);
  }
  const headerLength = 4 + 4 * ndim;
  if (bytes.length < headerLength) {
    throw new DataFormatError(
      `${where}: it has ${bytes.length} bytes, expected a header of ${headerLength} bytes (${ndim} dimensions); the file is truncated`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const n = view.getUint32(4 + 4 * d, false);
    shape.push(n);
    count *= n;
  }
  const expected = headerLength + count * dtype.size;
  if (bytes.length !== expected) {
    const problem = bytes.length < expected ? 'the file is truncated' : 'trailing bytes after the data';
    throw new DataFormatError(
      `${where}: dimensions [${shape.join(', ')}] of ${dtype.name} need ${expected} bytes, the file has ${bytes.length}: ${problem}`,
    );
  }
  return { dtype: dtype.name, shape, data: decode(view, headerLength, count, dtype.name) };
}

function decode(view: DataView, offset: number, n: number, dtype: IdxDtype): IdxArray['data'] {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + n));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + n));
    case 'int16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Reads an IDX file (the format of MNIST, Fashion-MNIST, KMNIST, EMNIST), gzipped or not (detected from
 * the gzip magic number; decompressed with the standard `DecompressionStream('gzip')`), from a path
 * (Node), a URL (`file:` in Node, `http(s):` wherever `fetch` runs) or its bytes. In a browser a string
 * is fetched as a URL relative to the page.
 *
 * @param source - a path, a URL or the file's bytes.
 * @param options - `{ name }`: the file's name in messages (the path or URL by default; for bytes,
 *   `<N bytes>`).
 * @returns the dtype, the shape and the values (a fresh typed array the caller owns).
 * @throws DataFormatError naming the file and what was wrong (unreadable, corrupt gzip, bad magic
 *   number, unknown dtype, truncated header or payload, trailing bytes); ArgumentError for a source of
 *   the wrong type.
 * @example
 * const labels = await loadIdx('data/t10k-labels-idx1-ubyte.gz');
 * labels.shape // [10000]
 */
export async function loadIdx(
  source: ByteSource,
  options: { readonly name?: string } = {},
): Promise<IdxArray> {
  const fn = 'loadIdx';
  const raw = await readBytes(source, fn, 'source');
  const name = options.name ?? sourceName(source);
  const bytes = isGzip(raw) ? await gunzip(raw, name, fn) : raw;
  return parseIdx(bytes, name, fn);
}

/**
 * The files of {@link loadMnistIdx}: an images file (uint8, [N, rows, cols]) and a labels file
 * (uint8, [N]), and an optional range of the images to keep.
 *
 * @example
 * const files: MnistIdxFiles = {
 *   images: 'data/t10k-images-idx3-ubyte.gz',
 *   labels: 'data/t10k-labels-idx1-ubyte.gz',
 * };
 */
export interface MnistIdxFiles {
  /** The images file (`*-images-idx3-ubyte[.gz]`): a path, a URL or bytes. */
  readonly images: ByteSource;
  /** The labels file (`*-labels-idx1-ubyte[.gz]`): a path, a URL or bytes. */
  readonly labels: ByteSource;
  /** The images to keep, `[start, end)` or `'start:end'`, in the files' order; all by default. */
  readonly range?: IndexRange;
}

/**
 * Loads an images file and a labels file of the MNIST family (MNIST, Fashion-MNIST, KMNIST: the same
 * format) into an {@link ImageSet}, in the files' order, checking that the images are uint8 with three
 * dimensions, the labels uint8 with one, and that their counts agree.
 *
 * @param files - `{ images, labels, range? }`.
 * @throws DataFormatError for a malformed file (see {@link loadIdx}), a wrong dtype or rank, or counts
 *   that disagree; ArgumentError for a bad range or an unknown key.
 * @example
 * const test = await loadMnistIdx({
 *   images: 'data/t10k-images-idx3-ubyte.gz',
 *   labels: 'data/t10k-labels-idx1-ubyte.gz',
 * });
 * test.count // 10000
 */
export async function loadMnistIdx(files: MnistIdxFiles): Promise<ImageSet> {
  const fn = 'loadMnistIdx';
  if (typeof files !== 'object' || files === null) {
    throw new ArgumentError(
      `${fn}: argument 'files' is ${files === null ? 'null' : typeof files}, expected { images, labels }`,
    );
  }
  for (const key of Object.keys(files)) {
    if (!['images', 'labels', 'range'].includes(key)) {
      throw new ArgumentError(`${fn}: unknown key '${key}' in 'files' (known keys: images, labels, range)`);
    }
  }
  for (const key of ['images', 'labels'] as const) {
    if (files[key] === undefined) {
      throw new ArgumentError(
        `${fn}: argument 'files' has no '${key}', expected a path, a URL or a Uint8Array`,
      );
    }
  }
  const load = async (source: ByteSource, arg: string) => {
    const raw = await readBytes(source, fn, `files.${arg}`);
    const name = sourceName(source);
    return { name, idx: parseIdx(isGzip(raw) ? await gunzip(raw, name, fn) : raw, name, fn) };
  };
  const [images, labels] = await Promise.all([load(files.images, 'images'), load(files.labels, 'labels')]);
  if (images.idx.dtype !== 'uint8' || images.idx.shape.length !== 3) {
    throw new DataFormatError(
      `${fn}: the images file '${images.name}' holds ${images.idx.dtype} of shape [${images.idx.shape.join(', ')}], expected uint8 of shape [N, rows, cols] (an idx3-ubyte file)`,
    );
  }
  if (labels.idx.dtype !== 'uint8' || labels.idx.shape.length !== 1) {
    throw new DataFormatError(
      `${fn}: the labels file '${labels.name}' holds ${labels.idx.dtype} of shape [${labels.idx.shape.join(', ')}], expected uint8 of shape [N] (an idx1-ubyte file)`,
    );
  }
  const [count, rows, cols] = images.idx.shape as [number, number, number];
  if (labels.idx.shape[0] !== count) {
    throw new DataFormatError(
      `${fn}: the images file '${images.name}' has ${count} images but the labels file '${labels.name}' has ${String(labels.idx.shape[0])} labels, expected the same count (a mismatched pair of files?)`,
    );
  }
  const [start, end] = files.range === undefined ? [0, count] : parseRange(files.range, count, fn);
  const pixels = rows * cols;
  const all = { images: images.idx.data as Uint8Array, labels: labels.idx.data as Uint8Array };
  const whole = start === 0 && end === count;
  return {
    images: whole ? all.images : all.images.slice(start * pixels, end * pixels),
    labels: whole ? all.labels : all.labels.slice(start, end),
    count: end - start,
    rows,
    cols,
  };
}
