import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { ArgumentError } from '../errors/errors.js';
import { lgammaOp } from './lgamma.js';
import { maskOf } from '../autodiff/mask-of.js';

/**
 * The multivariate log-gamma function of dimension p, elementwise:
 * log Γₚ(x) = p(p − 1)/4 · log π + Σⱼ₌₁ᵖ log Γ(x + (1 − j)/2), defined for x > (p − 1)/2, as
 * scipy.special.multigammaln(x, p) and torch.mvlgamma(x, p). It appears in the Wishart and
 * inverse-Wishart normalisers.
 *
 * Where x ≤ (p − 1)/2 the result is NaN (scipy and torch raise instead; a tensor op cannot look at its
 * values without reading them back). NaN propagates, +∞ gives +∞. Accuracy that of {@link lgamma}.
 * Gradient Σⱼ ψ(x + (1 − j)/2).
 *
 * @param x Any real tensor or array.
 * @param p The dimension, a positive integer.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric, or p is not a positive integer:
 *   `mvlgamma: argument 'p' is 2.5, expected a positive integer (the dimension)`.
 * @example mvlgamma([3], 2) // [1.5501950]  (log π / 2 + log Γ(3) + log Γ(2.5))
 */
export function mvlgamma(x: TensorInput, p: number): tf.Tensor {
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) {
    throw new ArgumentError(
      `mvlgamma: argument 'p' is ${typeof p === 'number' ? String(p) : typeof p}, expected a positive integer (the dimension)`,
    );
  }
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', 'mvlgamma');
    const offsets = tf.tensor1d(Array.from({ length: p }, (_, j) => -j / 2));
    const terms = lgammaOp(tf.add(tf.expandDims(xt, -1), offsets));
    const value = tf.add(tf.sum(terms, -1), (p * (p - 1) * Math.log(Math.PI)) / 4);
    return select(
      maskOf([xt], (t) => tf.lessEqual(t, (p - 1) / 2)),
      NaN,
      value,
    );
  });
}
