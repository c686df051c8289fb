import * as tf from '@tensorflow/tfjs-core';
import { formatShape } from '../args/shapes.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { DomainError, ShapeError } from '../errors/errors.js';
import { streamWords, wordsToUnit53 } from './counter-layout.js';
import { checkShape, sizeOf } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';

/**
 * Draws category indices from unnormalised log-probabilities as an int32 tensor of shape
 * `[...sampleShape, ...batchShape]` that the caller owns, where `logits` has shape
 * `[...batchShape, K]`. Inverse CDF in float64: for each batch row, with m = max_k ℓ_k,
 *
 *   C_k = Σ_{i ≤ k} exp(ℓ_i − m),   x = min { k : C_k > u · C_{K−1} },
 *
 * where u = U53 ∈ [0, 1) takes 53 bits from two words of the seed's stream (sample e uses words 2e and
 * 2e + 1, e running row-major over the output). A logit of −∞ is a category of probability 0 and is
 * never drawn. Computed in JavaScript after one download of the logits, so bit-identical on every
 * backend; not differentiable.
 *
 * @param logits - shape `[...batchShape, K]`, K ≥ 1; finite values or −∞, not all −∞ in a row.
 * @param s - a Seed or a non-negative safe integer.
 * @param sampleShape - leading sample axes, `[]` by default.
 * @throws ShapeError for a scalar `logits`, K = 0 or a bad sample shape; ArgumentError for a bad seed or
 *   `logits`; DomainError for NaN or +∞ logits, or a row that is all −∞.
 * @example
 * const logits = tf.tensor1d([Math.log(0.2), Math.log(0.8)]);
 * categorical(logits, seed(0), [1000]); // int32 [1000], about 800 ones
 */
export function categorical(
  logits: TensorInput,
  s: Seed | number,
  sampleShape: readonly number[] = [],
): tf.Tensor {
  const fn = 'categorical';
  const sample = checkShape(sampleShape, fn, 'sampleShape');
  const key = toSeed(s, 'seed', fn).key;
  const { values, shape } = tf.tidy(() => {
    const t = toFloatTensor(logits, 'logits', fn);
    return { values: t.dataSync(), shape: t.shape };
  });
  const k = shape[shape.length - 1];
  if (k === undefined || k === 0) {
    throw new ShapeError(
      `${fn}: argument 'logits' has shape ${formatShape(shape)}, expected [...batchShape, K] with K ≥ 1 categories`,
    );
  }
  const batch = shape.slice(0, -1);
  const rows = sizeOf(batch);
  // The unnormalised CDF of every row, in float64.
  const cdf = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let i = 0; i < k; i++) {
      const l = values[r * k + i] as number;
      if (Number.isNaN(l) || l === Infinity) {
        throw new DomainError(
          `${fn}: argument 'logits' must be finite or −Infinity, got ${l} at flat index ${r * k + i}`,
        );
      }
      if (l > max) max = l;
    }
    if (max === -Infinity) {
      throw new DomainError(
        `${fn}: argument 'logits' has a row of only −Infinity (row ${r}), expected at least one category with probability > 0`,
      );
    }
    let total = 0;
    for (let i = 0; i < k; i++) {
      total += Math.exp((values[r * k + i] as number) - max);
      cdf[r * k + i] = total;
    }
  }
  const dims = [...sample, ...batch];
  const n = sizeOf(dims);
  const words = streamWords(key, 2 * n);
  const out = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const base = (e % rows) * k;
    const target =
      wordsToUnit53(words[2 * e] as number, words[2 * e + 1] as number) * (cdf[base + k - 1] as number);
    // Smallest index with C_i > target (binary search over the non-decreasing row).
    let lo = 0;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[base + mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    out[e] = lo;
  }
  return tf.tensor(out, dims, 'int32');
}
