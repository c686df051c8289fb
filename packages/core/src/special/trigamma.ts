import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { polynomial } from './polynomial.js';
import { nearestIntegerOffset, sinPi } from './sin-pi.js';
import { tetragamma } from './tetragamma.js';

/** The argument is shifted up by this many steps of the recurrence before the asymptotic series. */
const SHIFT = 6;

// ψ′(x) ~ 1/x + 1/(2x²) + Σₖ B₂ₖ/x^(2k+1): 1/6, −1/30, 1/42, −1/30 as a polynomial in w² = 1/x².
const TRIGAMMA_SERIES = [1 / 6, -1 / 30, 1 / 42, -1 / 30];

/** ψ′(z) for z ≥ 0: Σₖ₌₀⁵ 1/(z + k)² + ψ′(z + 6), the last by its asymptotic series (error < 3e-10). */
function trigammaPositive(z: tf.Tensor): tf.Tensor {
  let sum = tf.zerosLike(z);
  for (let k = 0; k < SHIFT; k++) sum = tf.add(sum, tf.square(tf.reciprocal(tf.add(z, k))));
  const w = tf.reciprocal(tf.add(z, SHIFT));
  const asymptotic = tf.mul(
    w,
    tf.add(1, tf.mul(w, tf.add(0.5, tf.mul(w, polynomial(tf.square(w), TRIGAMMA_SERIES))))),
  );
  return tf.add(sum, asymptotic);
}

function trigammaValue(x: tf.Tensor): tf.Tensor {
  const negative = tf.less(x, 0);
  const z = select(negative, tf.sub(1, x), x);
  const positive = trigammaPositive(z);
  // Reflection: ψ′(x) + ψ′(1 − x) = π²/sin²(πx), with sin(πx) = ±sin(π(x − round(x))) computed exactly.
  const s = sinPi(nearestIntegerOffset(x));
  const reflected = tf.sub(tf.mul(tf.square(tf.reciprocal(s)), Math.PI ** 2), positive);
  return select(tf.equal(x, -Infinity), Infinity, select(negative, reflected, positive));
}

/** trigamma on a float32 tensor, with tetragamma as its gradient. Internal (digamma's gradient). */
export const trigammaOp = elementwiseWithGradient(trigammaValue, tetragamma);

/**
 * The trigamma function ψ′(x) = d²/dx² log Γ(x) = Σₖ₌₀^∞ 1/(x + k)², elementwise.
 *
 * For x ≥ 0 the recurrence ψ′(x) = ψ′(x + 1) + 1/x² carries x up by six, where the asymptotic series
 * ψ′(x) ~ 1/x + 1/(2x²) + 1/(6x³) − 1/(30x⁵) + 1/(42x⁷) − 1/(30x⁹) takes over; for x < 0 the reflection
 * ψ′(x) = π²/sin²(πx) − ψ′(1 − x). Edge values follow scipy.special.polygamma(1, x): +∞ at 0, at the
 * negative integers and at −∞; 0 at +∞; NaN propagates. Float32 relative error ≈ 1e-6 on cpu and wasm.
 * Its gradient is the tetragamma function ψ″(x) (by the same recurrence and series).
 *
 * @param x Any real tensor or array.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `trigamma: argument 'x' is the string "a", …`.
 * @example trigamma([1, 0.5]) // [1.6449341, 4.934802] (π²/6, π²/2)
 */
export function trigamma(x: TensorInput): tf.Tensor {
  return tf.tidy(() => trigammaOp(toFloatTensor(x, 'x', 'trigamma')));
}
