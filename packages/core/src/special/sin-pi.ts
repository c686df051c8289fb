import * as tf from '@tensorflow/tfjs-core';
import { polynomial } from './polynomial.js';

// sin(πr)/r = Σₖ (−1)ᵏ π^(2k+1) r^(2k) / (2k + 1)!, k = 0..7: truncation error below 1e-11 for |r| ≤ ½.
const SIN_PI_SERIES = Array.from({ length: 8 }, (_, k) => {
  let term = Math.PI;
  for (let j = 1; j <= 2 * k; j++) term *= Math.PI / (j + 1);
  return (k % 2 === 0 ? 1 : -1) * term;
});

/**
 * sin(πr) for |r| ≤ ½ by its Taylor series, with a relative error of a few float32 ulps down to the
 * tiniest r. Backends' own sin is not enough here: wasm's returns sin(−5.6e-16) = 1.7e-7 and
 * 7e-3 relative error at −3e-6. Callers reduce x to r = x − round(x), which is exact in float32, and
 * use sin(πx) = ±sin(πr), cos(πx) = ±sin(π(½ − |r|)). Internal to the special functions.
 *
 * @example tf.tidy(() => sinPi(tf.tensor([0.5, 1e-20]))) // [1, 3.1415927e-20]
 */
export function sinPi(r: tf.Tensor): tf.Tensor {
  return tf.mul(r, polynomial(tf.square(r), SIN_PI_SERIES));
}

/**
 * r = x − round(x) ∈ [−½, ½], exact in float32 (x and round(x) are close), so that sin(πx) = ±sin(πr)
 * and cot(πx) = cot(πr) lose nothing to a large x. NaN and ±∞ give NaN. Internal.
 *
 * @example tf.tidy(() => nearestIntegerOffset(tf.tensor([-2.25, 7.5]))) // [-0.25, -0.5]
 */
export function nearestIntegerOffset(x: tf.Tensor): tf.Tensor {
  return tf.sub(x, tf.round(x));
}
