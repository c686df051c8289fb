import * as tf from '@tensorflow/tfjs-core';
import { streamWords, wordsToUnit53 } from './counter-layout.js';
import { checkShape, sizeOf } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';

const TWO_PI = 2 * Math.PI;

/**
 * Fills `out` with standard normal variates in float64 by the Box–Muller transform of the seed's plain
 * stream: block b = (w0, w1, w2, w3) gives u1 = 1 − U53(w0, w1) ∈ (0, 1], u2 = U53(w2, w3) ∈ [0, 1) and
 * the pair (elements 2b, 2b + 1)
 *
 *   z = √(−2 ln u1) · (cos 2πu2, sin 2πu2),
 *
 * where U53 takes 53 bits from two words, so |z| ≤ √(2·53 ln 2) ≈ 8.57. Internal to random/.
 */
export function fillStandardNormal(key: readonly [number, number], out: Float64Array | Float32Array): void {
  const n = out.length;
  const words = streamWords(key, 4 * Math.ceil(n / 2));
  for (let e = 0, w = 0; e < n; e += 2, w += 4) {
    const radius = Math.sqrt(-2 * Math.log(1 - wordsToUnit53(words[w] as number, words[w + 1] as number)));
    const theta = TWO_PI * wordsToUnit53(words[w + 2] as number, words[w + 3] as number);
    out[e] = radius * Math.cos(theta);
    if (e + 1 < n) out[e + 1] = radius * Math.sin(theta);
  }
}

/**
 * Draws standard normal variates N(0, 1) as a float32 tensor of shape `shape`, which the caller owns.
 * Box–Muller in float64 on 53-bit uniforms, then rounded to float32: block b of the seed's stream,
 * (w0, w1, w2, w3), gives elements 2b and 2b + 1,
 *
 *   z = √(−2 ln u1) · (cos 2πu2, sin 2πu2),  u1 = 1 − U53(w0, w1) ∈ (0, 1],  u2 = U53(w2, w3) ∈ [0, 1),
 *
 * exact to float32 rounding out to |z| ≈ 8.57. Computed in JavaScript and uploaded, so the values are
 * bit-identical on every backend. For N(μ, σ²) compute `μ + σ · normal(shape, s)` in tf ops (that is
 * the reparameterisation trick: gradients reach μ and σ).
 *
 * @param shape - the output shape (non-negative integers).
 * @param s - a Seed or a non-negative safe integer.
 * @throws ShapeError for a bad shape, ArgumentError for a bad seed.
 * @example
 * const eps = normal([128, 32], foldIn(seed(0), step));
 * const z = tf.add(mu, tf.mul(sigma, eps)); // a reparameterised N(mu, sigma²) draw
 */
export function normal(shape: readonly number[], s: Seed | number): tf.Tensor {
  const fn = 'normal';
  const dims = checkShape(shape, fn, 'shape');
  const key = toSeed(s, 'seed', fn).key;
  const values = new Float32Array(sizeOf(dims));
  fillStandardNormal(key, values);
  return tf.tensor(values, dims, 'float32');
}
