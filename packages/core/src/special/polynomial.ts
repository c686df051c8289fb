import * as tf from '@tensorflow/tfjs-core';

/**
 * Evaluates c₀ + c₁t + … + cₙtⁿ elementwise by Horner's rule (n ≥ 1). Internal to the special functions.
 *
 * @example tf.tidy(() => polynomial(tf.tensor([2]), [1, 0, 3])) // [13]
 */
export function polynomial(t: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  const n = coefficients.length - 1;
  let acc = tf.add(tf.mul(t, coefficients[n] ?? 0), coefficients[n - 1] ?? 0);
  for (let k = n - 2; k >= 0; k--) acc = tf.add(tf.mul(acc, t), coefficients[k] ?? 0);
  return acc;
}
