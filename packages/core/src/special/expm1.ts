import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { polynomial } from './polynomial.js';

/** Below this |x| the Taylor series is used; above it, eˣ − 1 cancels by less than 2.5 ulp. */
const SERIES_MAX = 0.5;

// (eˣ − 1)/x = Σₖ xᵏ/(k + 1)!, k = 0..8: error below 6e-10 for |x| ≤ ½.
const EXPM1_SERIES = Array.from({ length: 9 }, (_, k) => {
  let factorial = 1;
  for (let j = 2; j <= k + 1; j++) factorial *= j;
  return 1 / factorial;
});

function expm1Value(x: tf.Tensor): tf.Tensor {
  const small = tf.lessEqual(tf.abs(x), SERIES_MAX);
  const xs = select(small, x, 0);
  return select(small, tf.mul(xs, polynomial(xs, EXPM1_SERIES)), tf.sub(tf.exp(x), 1));
}

/** expm1 on a float32 tensor, with eˣ as its gradient. Internal. */
export const expm1Op = elementwiseWithGradient(expm1Value, tf.exp);

/**
 * eˣ − 1, elementwise, accurate for tiny |x| on every backend.
 *
 * WebGL's `tf.expm1` computes exp(x) − 1 literally (0 for |x| < 6e-8). Here |x| ≤ ½ goes through the
 * Taylor series x(1 + x/2 + x²/6 + … + x⁸/9!) and larger |x| through eˣ − 1. Float32 relative error
 * ≲ 2e-7 on cpu and wasm. Edge values: +∞ → +∞, −∞ → −1; NaN propagates. Gradient eˣ.
 *
 * @param x Any real tensor or array.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `expm1: argument 'x' is the string "a", …`.
 * @example expm1([1e-10, 1]) // [1e-10, 1.7182817]
 */
export function expm1(x: TensorInput): tf.Tensor {
  return tf.tidy(() => expm1Op(toFloatTensor(x, 'x', 'expm1')));
}
