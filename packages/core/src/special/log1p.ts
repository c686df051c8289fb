import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { logWithZero } from './log-with-zero.js';
import { polynomial } from './polynomial.js';

/** Below this |x| the series is used; above it, 1 + x loses nothing that matters. */
const SERIES_MAX = 0.3;

// log(1 + x) = 2 atanh(s) = 2s(1 + s²/3 + s⁴/5 + … + s¹⁰/11), s = x/(2 + x), |s| ≤ 0.18: error < 1e-10.
const ATANH_SERIES = [1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11];

function log1pValue(x: tf.Tensor): tf.Tensor {
  const small = tf.lessEqual(tf.abs(x), SERIES_MAX);
  const xs = select(small, x, 0);
  const s = tf.div(xs, tf.add(xs, 2));
  const series = tf.mul(tf.mul(s, 2), polynomial(tf.square(s), ATANH_SERIES));
  return select(small, series, logWithZero(tf.add(x, 1)));
}

/** log1p on a float32 tensor, with 1/(1 + x) as its gradient. Internal. */
export const log1pOp = elementwiseWithGradient(log1pValue, (x) => tf.reciprocal(tf.add(x, 1)));

/**
 * log(1 + x), elementwise, accurate for tiny |x| on every backend.
 *
 * tfjs's own `tf.log1p` computes log(1 + x) literally on wasm and WebGL, which returns 0 for
 * |x| < 6e-8 and 19 % too much at x = 1e-7. Here |x| ≤ 0.3 goes through log(1 + x) = 2 atanh(x/(2 + x))
 * by its series and larger |x| through log(1 + x). Float32 relative error ≲ 2e-7 on cpu and wasm.
 * Edge values: −1 → −∞, below −1 → NaN, +∞ → +∞; NaN propagates. Gradient 1/(1 + x).
 *
 * @param x Any real tensor or array.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `log1p: argument 'x' is the string "a", …`.
 * @example log1p([1e-10, 1]) // [1e-10, 0.6931472]
 */
export function log1p(x: TensorInput): tf.Tensor {
  return tf.tidy(() => log1pOp(toFloatTensor(x, 'x', 'log1p')));
}
