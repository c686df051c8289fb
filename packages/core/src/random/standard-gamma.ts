// The float64 Gamma(α, 1) kernel shared by gamma(), beta() and dirichlet() (internal to random/).
import type * as tf from '@tensorflow/tfjs-core';
import { DOMAIN_BOOST, DOMAIN_ELEMENT, wordToOpenUnit32, wordsToUnit53 } from './counter-layout.js';
import { philoxFill } from './philox.js';
import { broadcastValues, checkValues } from './sample-shape.js';

const TWO_PI = 2 * Math.PI;
const TWO_NEG_32 = 2 ** -32;

/**
 * log z for z_i ~ Gamma(α_i, 1), i = 0..n−1, in float64, by Marsaglia & Tsang (2000), "A simple method
 * for generating gamma variables", with their boost for α < 1:
 *
 * - α ≥ 1: d = α − ⅓, c = 1/√(9d); repeat { x ~ N(0, 1), v = (1 + c x)³, u ~ U(0, 1) } until v > 0 and
 *   (u < 1 − 0.0331 x⁴ or log u < x²/2 + d (1 − v + log v)); then z = d v.
 * - α < 1: z = z' · u^{1/α} with z' ~ Gamma(α + 1, 1), kept as log z = log z' + (log u)/α so that
 *   samples far below the float64 range (α ≪ 1) stay usable, e.g. for Beta and Dirichlet.
 *
 * Attempt j of element i reads the Philox block (i, j, 1, 0) under `key`: x = √(−2 ln(1 − U53(w0, w1)))
 * · cos(2π (w2 + ½) 2^-32) and u = (w3 + ½) 2^-32; the boost uniform of element i is 1 − U53 of the first
 * two words of block (i, 0, 2, 0). Each element depends only on its index and α_i, so a broadcast
 * concentration gives the same sample as the same value written out.
 */
export function sampleLogGamma(alpha: Float64Array, key: readonly [number, number]): Float64Array {
  const n = alpha.length;
  const out = new Float64Array(n);
  const block = new Uint32Array(4);
  const [k0, k1] = key;
  for (let i = 0; i < n; i++) {
    const a = alpha[i] as number;
    const boosted = a < 1;
    const d = (boosted ? a + 1 : a) - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    let logz = NaN;
    for (let j = 0; ; j++) {
      philoxFill(block, k0, k1, i, j, DOMAIN_ELEMENT, 0);
      const radius = Math.sqrt(-2 * Math.log(1 - wordsToUnit53(block[0] as number, block[1] as number)));
      const x = radius * Math.cos(TWO_PI * ((block[2] as number) + 0.5) * TWO_NEG_32);
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = wordToOpenUnit32(block[3] as number);
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        logz = Math.log(d) + Math.log(v);
        break;
      }
    }
    if (boosted) {
      philoxFill(block, k0, k1, i, 0, DOMAIN_BOOST, 0);
      logz += Math.log(1 - wordsToUnit53(block[0] as number, block[1] as number)) / a;
    }
    out[i] = logz;
  }
  return out;
}

/** The smallest positive normal float32, 2^-126: the floor of gamma samples (no zeros, no subnormals). */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/** The float32 value of a positive float64 sample given by its log, floored at 2^-126. */
export function float32FromLog(logz: number): number {
  const z = Math.fround(Math.exp(logz));
  return z < FLOAT32_MIN_NORMAL ? FLOAT32_MIN_NORMAL : z;
}

/** The float64 concentration of every output element, checked (finite, > 0) and broadcast to `dims`. */
export function concentrationValues(
  concentration: tf.Tensor,
  dims: readonly number[],
  fn: string,
  arg: string,
): Float64Array {
  const values = concentration.dataSync();
  checkValues(values, (v) => v > 0 && v < Infinity, fn, arg, 'finite and > 0');
  return broadcastValues(values, concentration.shape, dims, fn, arg, 'shape');
}
