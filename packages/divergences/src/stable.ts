// Internal numerics shared by the closed-form KL pairs and the Csiszár functions: quantities that cancel
// catastrophically in float32 when written naively near a point (usually 0), evaluated there by a power
// series instead. Not exported from the package.
import * as tf from '@tensorflow/tfjs-core';
import { expm1, maskOf } from '@elbo/core';

/** Coefficients c₀, c₁, …, cₙ of c₀ + c₁t + … + cₙtⁿ, evaluated by Horner's rule. */
function horner(t: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let acc: tf.Tensor = tf.fill(t.shape, coefficients[coefficients.length - 1] ?? 0);
  for (let k = coefficients.length - 2; k >= 0; k--) acc = tf.add(tf.mul(acc, t), coefficients[k] ?? 0);
  return acc;
}

/**
 * Evaluates `series` (power-series coefficients in t) where |t| < radius and `direct(t)` elsewhere. Each
 * branch sees only inputs from its own region (the other entries are replaced by a safe point), so
 * neither the value nor the gradient of the unused branch can leak a NaN or an infinity through `where`.
 */
export function seriesNearZero(
  t: tf.Tensor,
  radius: number,
  series: readonly number[],
  direct: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const small = maskOf([t], (x) => tf.less(tf.abs(x), radius));
    const tSmall = tf.where(small, t, tf.zerosLike(t));
    const tLarge = tf.where(small, tf.fill(t.shape, 2 * radius), t);
    return tf.where(small, horner(tSmall, series), direct(tLarge));
  });
}

function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/** Taylor coefficients of eˣ − 1 − x: 0, 0, 1/2!, 1/3!, …, 1/13!. */
const EXPM1_MINUS_X = Array.from({ length: 14 }, (_, n) => (n < 2 ? 0 : 1 / factorial(n)));

/**
 * eˣ − 1 − x ≥ 0 elementwise, to float32 relative precision for every x (a Taylor series for |x| < ½,
 * `expm1(x) − x` elsewhere). It is the shape of most closed-form KL divergences near p = q
 * (KL(N(0,σ₁)‖N(0,σ₂)) = ½(e^{2(log σ₁ − log σ₂)} − 1 − 2(log σ₁ − log σ₂)), …).
 */
export function expm1MinusX(x: tf.Tensor): tf.Tensor {
  return seriesNearZero(x, 0.5, EXPM1_MINUS_X, (t) => tf.sub(expm1(t), t));
}

/** The factorial-scaled coefficients [0, 0, a₂/2!, a₃/3!, …] of Σₙ aₙ tⁿ/n! for n up to `terms`. */
export function exponentialSeries(terms: number, a: (n: number) => number): number[] {
  return Array.from({ length: terms + 1 }, (_, n) => (n < 2 ? 0 : a(n) / factorial(n)));
}
