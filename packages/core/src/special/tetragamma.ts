import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { maskOf } from '../autodiff/mask-of.js';
import { polynomial } from './polynomial.js';
import { nearestIntegerOffset, sinPi } from './sin-pi.js';

/** The argument is shifted up by this many steps of the recurrence before the asymptotic series. */
const SHIFT = 6;

// ψ″(x) ~ −1/x² − 1/x³ − Σₖ B₂ₖ (2k + 1)/x^(2k+2): the bracket of −w²(1 + w + w² · P(w²)).
const TETRAGAMMA_SERIES = [1 / 2, -1 / 6, 1 / 6, -3 / 10, 5 / 6];

/** ψ″(z) for z ≥ 0: ψ″(z) = −2 Σₖ₌₀⁵ 1/(z + k)³ + ψ″(z + 6), the last by its asymptotic series. */
function tetragammaPositive(z: tf.Tensor): tf.Tensor {
  let sum = tf.zerosLike(z);
  for (let k = 0; k < SHIFT; k++) {
    const w = tf.reciprocal(tf.add(z, k));
    sum = tf.add(sum, tf.mul(tf.square(w), w));
  }
  const w = tf.reciprocal(tf.add(z, SHIFT));
  const w2 = tf.square(w);
  const asymptotic = tf.neg(tf.mul(w2, tf.add(tf.add(1, w), tf.mul(w2, polynomial(w2, TETRAGAMMA_SERIES)))));
  return tf.add(tf.mul(sum, -2), asymptotic);
}

/**
 * The tetragamma function ψ″(x) = d³/dx³ log Γ(x), trigamma's derivative: the recurrence
 * ψ″(x) = ψ″(x + 1) − 2/x³ up to x + 6, the asymptotic series there, and for x < 0 the reflection
 * ψ″(x) = ψ″(1 − x) − 2π³ cot(πx)/sin²(πx). Float32 relative error about 1e-6 away from its negative
 * roots. Its own gradient is autodiff through this composition (the reflection branch is fed a safe
 * argument where unused, so no NaN leaks into the gradient). Internal: trigamma's gradient.
 *
 * @example tf.tidy(() => tetragamma(tf.tensor([1]))) // [-2.4041138] (−2ζ(3))
 */
export function tetragamma(x: tf.Tensor): tf.Tensor {
  const negative = maskOf([x], (t) => tf.less(t, 0));
  const z = select(negative, tf.sub(1, x), x);
  const positive = tetragammaPositive(z);
  const r = select(negative, nearestIntegerOffset(x), 0.25);
  const s = sinPi(r);
  const reflection = tf.div(tf.mul(sinPi(tf.sub(0.5, tf.abs(r))), 2 * Math.PI ** 3), tf.mul(tf.square(s), s));
  return select(negative, tf.sub(positive, reflection), positive);
}
