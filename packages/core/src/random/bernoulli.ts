import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { streamWords } from './counter-layout.js';
import { checkShape, checkValues, sizeOf } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';

const TWO_32 = 4294967296;

/**
 * Draws Bernoulli variates, 1 with probability p and 0 otherwise, as a float32 tensor of shape
 * `[...sampleShape, ...probs.shape]` that the caller owns (dynamic binarisation of MNIST:
 * `bernoulli(pixels, s)`). Element t compares word t of the seed's stream (`random.uniformBits`) with p
 * in 32-bit fixed point,
 *
 *   x_t = 1  if  w_t < p · 2^32,  else 0,
 *
 * so P(x = 1) = ⌈p·2^32⌉ / 2^32, within 2^-32 of p; p = 0 never gives 1 and p = 1 always does. The
 * probabilities are read back (one download) and the draws made in JavaScript, so they are bit-identical
 * on every backend. Not differentiable (use a relaxation for gradients).
 *
 * @param probs - probabilities in [0, 1] (a number, nested array or tensor).
 * @param s - a Seed or a non-negative safe integer.
 * @param sampleShape - leading sample axes, `[]` by default.
 * @throws ShapeError for a bad sample shape; ArgumentError for a bad seed or `probs`; DomainError for a
 *   probability outside [0, 1] or NaN.
 * @example
 * const pixels = tf.tensor2d([[0, 0.3, 1]]);
 * bernoulli(pixels, seed(0)); // shape [1, 3]: [[0, 0 or 1, 1]]
 * bernoulli(0.5, seed(1), [10]); // ten fair coin flips
 */
export function bernoulli(
  probs: TensorInput,
  s: Seed | number,
  sampleShape: readonly number[] = [],
): tf.Tensor {
  const fn = 'bernoulli';
  const sample = checkShape(sampleShape, fn, 'sampleShape');
  const key = toSeed(s, 'seed', fn).key;
  const { values: p, shape: batch } = tf.tidy(() => {
    const t = toFloatTensor(probs, 'probs', fn);
    return { values: t.dataSync(), shape: t.shape };
  });
  checkValues(p, (v) => v >= 0 && v <= 1, fn, 'probs', 'a probability in [0, 1]');
  const dims = [...sample, ...batch];
  const n = sizeOf(dims);
  const m = p.length; // the batch repeats along the leading sample axes
  const words = streamWords(key, n);
  const out = new Float32Array(n);
  for (let t = 0, j = 0; t < n; t++, j = j + 1 === m ? 0 : j + 1) {
    out[t] = (words[t] as number) < (p[j] as number) * TWO_32 ? 1 : 0;
  }
  return tf.tensor(out, dims, 'float32');
}
