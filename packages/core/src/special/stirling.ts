import * as tf from '@tensorflow/tfjs-core';
import { polynomial } from './polynomial.js';

/** ½ log 2π. */
export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Where Stirling's series is used for log Γ: x ≥ 5, where four terms leave an error below 5e-10. */
export const STIRLING_MIN = 5;

// B₂ₖ / (2k(2k − 1)) for k = 1..4, as a polynomial in w² = 1/x².
const STIRLING_SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680];

/**
 * The remainder of Stirling's formula, δ(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π]
 * ≈ 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷); the truncation error is below 1/(1188x⁹), 5e-10
 * at x = 5. Meant for x ≥ {@link STIRLING_MIN}. Internal to the special functions.
 *
 * @example tf.tidy(() => stirlingCorrection(tf.tensor([10]))) // [0.00833056]
 */
export function stirlingCorrection(x: tf.Tensor): tf.Tensor {
  const w = tf.reciprocal(x);
  return tf.mul(w, polynomial(tf.square(w), STIRLING_SERIES));
}
