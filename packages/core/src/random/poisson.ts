import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { DOMAIN_ELEMENT, wordsToUnit53 } from './counter-layout.js';
import { philoxFill } from './philox.js';
import { broadcastValues, checkShape, checkValues } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';
import { logGamma64 } from './special64.js';

/** Rates below this are drawn by inversion, rates at or above by PTRS (numpy's threshold). */
export const POISSON_INVERSION_LIMIT = 10;

/** Inversion by sequential search: the smallest k with u < F(k), F the Poisson(λ) CDF. */
function poissonInversion(rate: number, u: number): number {
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  // p > 0 guards the far tail, where the float64 CDF stops growing before reaching u (u < 1 − 2^-53).
  while (u >= cdf && p > 0) {
    k++;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

/**
 * Draws Poisson(λ) variates, P(k) = λ^k e^{−λ} / k!, as a float32 tensor of shape `shape` that the caller
 * owns, with `rate` λ ≥ 0 broadcast to `shape`. Exact algorithms in float64:
 *
 * - λ < 10: inversion, the smallest k with u < Σ_{i ≤ k} λ^i e^{−λ} / i!, one 53-bit uniform u per
 *   element (block (i, 0, 1, 0), see `random.uniformBits`).
 * - λ ≥ 10: PTRS, the transformed rejection with squeeze of Hörmann (1993), "The transformed rejection
 *   method for generating Poisson random variables": with b = 0.931 + 2.53√λ, a = −0.059 + 0.02483 b,
 *   U = u − ½, V = v, us = ½ − |U|, k = ⌊(2a/us + b) U + λ + 0.43⌋, accept at once when us ≥ 0.07 and
 *   V ≤ 0.9277 − 3.6224/(b − 2), else reject k < 0 or (us < 0.013 and V > us), else accept when
 *   log V + log(1.1239 + 1.1328/(b − 3.4)) − log(a/us² + b) ≤ −λ + k log λ − log Γ(k + 1).
 *   Attempt j of element i reads block (i, j, 1, 0): u and v take 53 bits each.
 *
 * Counts above 2^24 are rounded to float32. Computed in JavaScript after one download of λ, so
 * bit-identical on every backend; not differentiable.
 *
 * @param shape - the output shape (non-negative integers).
 * @param rate - λ ≥ 0, finite, of a shape that broadcasts to `shape`.
 * @param s - a Seed or a non-negative safe integer.
 * @throws ShapeError for a bad shape or a rate that does not broadcast to it; ArgumentError for a bad
 *   seed or rate; DomainError for λ < 0, NaN or ∞.
 * @example
 * poisson([1000], 3.5, seed(0)); // counts with mean ≈ 3.5
 * poisson([2, 3], tf.tensor1d([0.5, 50, 500]), seed(1)); // one rate per column
 */
export function poisson(shape: readonly number[], rate: TensorInput, s: Seed | number): tf.Tensor {
  const fn = 'poisson';
  const dims = checkShape(shape, fn, 'shape');
  const [k0, k1] = toSeed(s, 'seed', fn).key;
  const { values, shape: rateShape } = tf.tidy(() => {
    const t = toFloatTensor(rate, 'rate', fn);
    return { values: t.dataSync(), shape: t.shape };
  });
  checkValues(values, (v) => v >= 0 && v < Infinity, fn, 'rate', 'finite and ≥ 0');
  const lambda = broadcastValues(values, rateShape, dims, fn, 'rate', 'shape');
  const n = lambda.length;
  const out = new Float32Array(n);
  const block = new Uint32Array(4);
  for (let i = 0; i < n; i++) {
    const lam = lambda[i] as number;
    if (lam === 0) continue;
    if (lam < POISSON_INVERSION_LIMIT) {
      philoxFill(block, k0, k1, i, 0, DOMAIN_ELEMENT, 0);
      out[i] = poissonInversion(lam, wordsToUnit53(block[0] as number, block[1] as number));
      continue;
    }
    const logLam = Math.log(lam);
    const b = 0.931 + 2.53 * Math.sqrt(lam);
    const a = -0.059 + 0.02483 * b;
    const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (let j = 0; ; j++) {
      philoxFill(block, k0, k1, i, j, DOMAIN_ELEMENT, 0);
      const u = wordsToUnit53(block[0] as number, block[1] as number) - 0.5;
      const v = wordsToUnit53(block[2] as number, block[3] as number);
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) {
        out[i] = k;
        break;
      }
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -lam + k * logLam - logGamma64(k + 1)) {
        out[i] = k;
        break;
      }
    }
  }
  return tf.tensor(out, dims, 'float32');
}
