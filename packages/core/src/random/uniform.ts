import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError } from '../errors/errors.js';
import { streamWords, wordToUnit24 } from './counter-layout.js';
import { checkShape, sizeOf } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';

/**
 * Options of {@link uniform}: the bounds of the half-open interval [low, high).
 *
 * @example
 * const options: UniformOptions = { low: -1, high: 1 };
 * uniform([3], seed(0), options);
 */
export interface UniformOptions {
  /** Lower bound (included), a finite number; 0 by default. */
  readonly low?: number;
  /** Upper bound (excluded), a finite number above `low`; 1 by default. */
  readonly high?: number;
}

const KNOWN_OPTIONS = ['low', 'high'];

/** The largest float32 below the float32 `x`. */
function float32Below(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  if (x > 0) bits[0] = (bits[0] as number) - 1;
  else if (x < 0) bits[0] = (bits[0] as number) + 1;
  else return -(2 ** -149);
  return f[0] as number;
}

/**
 * Draws uniform variates on [low, high) as a float32 tensor of shape `shape`, which the caller owns.
 * Element t takes the top 24 bits of word t of the seed's stream (`random.uniformBits`),
 * u = ⌊w / 2^8⌋ · 2^-24 ∈ {0, 2^-24, …, 1 − 2^-24} (a float32 with a full 24-bit mantissa, never 1),
 * and returns low + (high − low)·u, computed in float64 and rounded to float32; a value that rounds up
 * to `high` is replaced by the largest float32 below it, so the interval stays half-open. The values are
 * computed in JavaScript and uploaded, hence bit-identical on every backend.
 *
 * For tensor-valued bounds use `low + (high − low) · uniform(shape, s)` in tf ops (that also carries
 * gradients to the bounds).
 *
 * @param shape - the output shape (non-negative integers).
 * @param s - a Seed or a non-negative safe integer.
 * @param options - `{ low = 0, high = 1 }`.
 * @throws ShapeError for a bad shape; ArgumentError for a bad seed or an unknown option; DomainError
 *   unless low < high are finite (and distinct in float32).
 * @example
 * const u = uniform([128, 784], seed(3));            // in [0, 1)
 * const v = uniform([2], seed(3), { low: -1, high: 1 });
 */
export function uniform(shape: readonly number[], s: Seed | number, options: UniformOptions = {}): tf.Tensor {
  const fn = 'uniform';
  const dims = checkShape(shape, fn, 'shape');
  const key = toSeed(s, 'seed', fn).key;
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(
      `${fn}: argument 'options' is ${options === null ? 'null' : typeof options}, expected an object { low, high }`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(name)) {
      throw new ArgumentError(`${fn}: unknown option '${name}' (known options: ${KNOWN_OPTIONS.join(', ')})`);
    }
  }
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  for (const [name, v] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (typeof v !== 'number') {
      throw new ArgumentError(`${fn}: option '${name}' is a ${typeof v}, expected a finite number`);
    }
    if (!Number.isFinite(v)) {
      throw new DomainError(`${fn}: option '${name}' is ${v}, expected a finite number`);
    }
  }
  const high32 = Math.fround(high);
  if (!(Math.fround(low) < high32)) {
    throw new DomainError(
      `${fn}: options low = ${low} and high = ${high} give an empty interval, expected low < high (in float32)`,
    );
  }
  const n = sizeOf(dims);
  const words = streamWords(key, n);
  const values = new Float32Array(n);
  const width = high - low;
  const top = float32Below(high32);
  for (let t = 0; t < n; t++) {
    const x = Math.fround(low + width * wordToUnit24(words[t] as number));
    values[t] = x < high32 ? x : top;
  }
  return tf.tensor(values, dims, 'float32');
}
