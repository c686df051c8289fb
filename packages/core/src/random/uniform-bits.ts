import { streamWords } from './counter-layout.js';
import { checkShape, sizeOf } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';

/**
 * The raw random words of a seed: word t of `uniformBits(shape, s)` is word (t mod 4) of the
 * Philox-4x32-10 block with counter (⌊t/4⌋, 0, 0, 0) under s's key, in row-major order of `shape`.
 * `uniform`, `normal`, `bernoulli` and `categorical` read this same stream, so use each seed for one draw
 * and derive more with `splitSeed` or `foldIn`.
 *
 * The full counter layout, (c0, c1, domain, 0) under the seed's key:
 *
 * | domain | counter | use |
 * | --- | --- | --- |
 * | 0 | (b, 0, 0, 0) | block b of a plain stream (this function, uniform, normal, bernoulli, categorical) |
 * | 1 | (i, j, 1, 0) | attempt j of element i of a rejection sampler (gamma, poisson) |
 * | 2 | (i, 0, 2, 0) | the boost uniform of element i of gamma with α < 1 |
 * | 3 | (j, 0, 3, 0) | child j of {@link splitSeed} (its first two words) |
 * | 4 | (d mod 2^32, ⌊d/2^32⌋, 4, 0) | {@link foldIn} of data d (its first two words) |
 *
 * Returned as a `Uint32Array`, not a tensor: int32 tensors are stored as float32 on WebGL, which keeps
 * only 24 bits of an integer.
 *
 * @param shape - the shape whose element count is the number of words.
 * @param s - a Seed or a non-negative safe integer.
 * @throws ShapeError for a bad shape, ArgumentError for a bad seed.
 * @example
 * uniformBits([2], seed(0)) // Uint32Array [0x6627e8d5, 0xe169c58d]
 */
export function uniformBits(shape: readonly number[], s: Seed | number): Uint32Array {
  const fn = 'uniformBits';
  const dims = checkShape(shape, fn, 'shape');
  const key = toSeed(s, 'seed', fn).key;
  return streamWords(key, sizeOf(dims));
}
