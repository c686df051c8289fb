import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { expm1Op } from './expm1.js';
import { log1pOp } from './log1p.js';
import { logWithZero } from './log-with-zero.js';

function log1mExpValue(x: tf.Tensor): tf.Tensor {
  // Mächler (2012): log(−expm1(x)) above −log 2, log1p(−eˣ) below; each is accurate on its side.
  const nearZero = tf.greater(x, -Math.LN2);
  return select(nearZero, logWithZero(tf.neg(expm1Op(x))), log1pOp(tf.neg(tf.exp(x))));
}

/** log1mExp on a float32 tensor, with −1/expm1(−x) as its gradient. Internal (softplusInverse). */
export const log1mExpOp = elementwiseWithGradient(log1mExpValue, (x) =>
  tf.neg(tf.reciprocal(expm1Op(tf.neg(x)))),
);

/**
 * log(1 − eˣ) for x < 0, elementwise, stable on both sides of −log 2 (Mächler, "Accurately computing
 * log(1 − exp(−|a|))", 2012): log(−expm1(x)) for −log 2 < x, log1p(−eˣ) for x ≤ −log 2. It turns a
 * log-probability into the log of its complement, log(1 − p) from log p. Edge values: 0 → −∞,
 * x > 0 → NaN, −∞ → 0; NaN propagates. Float32 relative error ≲ 3e-7 on cpu and wasm.
 * Gradient −eˣ/(1 − eˣ) = −1/expm1(−x).
 *
 * @param x A tensor or array of non-positive numbers.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `log1mExp: argument 'x' is the string "a", …`.
 * @example log1mExp([-1e-10, -Math.LN2, -50]) // [-23.02585, -0.6931472, -1.9287499e-22]
 */
export function log1mExp(x: TensorInput): tf.Tensor {
  return tf.tidy(() => log1mExpOp(toFloatTensor(x, 'x', 'log1mExp')));
}
