import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { polynomial } from './polynomial.js';
import { nearestIntegerOffset, sinPi } from './sin-pi.js';
import { trigammaOp } from './trigamma.js';

/** From here up the asymptotic series is used (six terms, error < 2e-10). */
const ASYMPTOTIC_MIN = 6;

// ψ(x) ~ log x − 1/(2x) − Σₖ B₂ₖ/(2k x^(2k)): 1/12, −1/120, 1/252, −1/240, 1/132 in powers of w² = 1/x².
const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132];

// The positive root x₀ = 1.46163214496836… of ψ, split into a float32 head and its remainder so that
// x − x₀ is exact to float32 rounding next to the root.
const ROOT_HEAD = 1.4616321325302124;
const ROOT_TAIL = 1.2438149938918909e-8;

// ψ(1.5 + t) = (1.5 + t − x₀) · Q(t) on −½ ≤ t ≤ ½; least-squares fit of the relative error,
// fixtures/fit_polynomials.py (4e-9 in float64).
const DIGAMMA_NEAR_ROOT = [
  0.951055876228395, -0.423627496377536, 0.2405424946894121, -0.14839892088570744, 0.09498599787572529,
  -0.06205511425671621, 0.040835140441814285, -0.025791539245377162, 0.0171836769041973, -0.01636529474664333,
  0.010791888064577232,
];

/** ψ(z) for z ≥ 0 (and NaN, +∞). */
function digammaPositive(z: tf.Tensor): tf.Tensor {
  const large = tf.greaterEqual(z, ASYMPTOTIC_MIN);
  const zl = select(large, z, ASYMPTOTIC_MIN);
  const w = tf.reciprocal(zl);
  const w2 = tf.square(w);
  const asymptotic = tf.sub(tf.sub(tf.log(zl), tf.mul(w, 0.5)), tf.mul(w2, polynomial(w2, DIGAMMA_SERIES)));

  // Below 6: bring z into [1, 2) by ψ(z) = ψ(z + 1) − 1/z (z < 1) or ψ(z) = ψ(z − 1) + 1/(z − 1)
  // (up to four times), every step exact in float32, then the fit around the root.
  const zs = select(large, 1.5, z);
  const up = tf.less(zs, 1);
  let y = select(up, tf.add(zs, 1), zs);
  let shift = select(up, tf.neg(tf.reciprocal(zs)), 0);
  for (let step = 0; step < 4; step++) {
    const down = tf.greaterEqual(y, 2);
    y = select(down, tf.sub(y, 1), y);
    shift = tf.add(shift, select(down, tf.reciprocal(y), 0));
  }
  const nearRoot = tf.mul(
    tf.sub(tf.sub(y, ROOT_HEAD), ROOT_TAIL),
    polynomial(tf.sub(y, 1.5), DIGAMMA_NEAR_ROOT),
  );
  return select(large, asymptotic, tf.add(nearRoot, shift));
}

function digammaValue(x: tf.Tensor): tf.Tensor {
  const negative = tf.less(x, 0);
  const z = select(negative, tf.sub(1, x), x);
  const positive = digammaPositive(z);
  // Reflection: ψ(x) = ψ(1 − x) − π cot(πx), with cot(πx) = cot(π(x − round(x))) computed exactly.
  const r = nearestIntegerOffset(x);
  const piCot = tf.div(tf.mul(sinPi(tf.sub(0.5, tf.abs(r))), Math.PI), sinPi(r));
  const reflected = tf.sub(positive, piCot);
  const pole = tf.logicalAnd(negative, tf.equal(r, 0));
  return select(pole, NaN, select(negative, reflected, positive));
}

/** digamma on a float32 tensor, with trigamma as its gradient. Internal (lgamma's gradient). */
export const digammaOp = elementwiseWithGradient(digammaValue, trigammaOp);

/**
 * The digamma function ψ(x) = d/dx log Γ(x) = Γ′(x)/Γ(x), elementwise.
 *
 * For 0 ≤ x < 6 the recurrence ψ(x + 1) = ψ(x) + 1/x brings x into [1, 2), where a fitted polynomial
 * with the positive root x₀ ≈ 1.4616 factored out keeps the relative error small even next to x₀;
 * for x ≥ 6 the asymptotic series ψ(x) ~ log x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + …;
 * for x < 0 the reflection ψ(x) = ψ(1 − x) − π cot(πx). Edge values follow scipy.special.psi: −∞ at
 * +0 (+∞ at −0), NaN at the negative integers and at −∞, +∞ at +∞; NaN propagates. Float32 relative
 * error ≈ 1e-6 on cpu and wasm (absolute near the negative roots). Its gradient is {@link trigamma}.
 *
 * @param x Any real tensor or array.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `digamma: argument 'x' is the string "a", …`.
 * @example digamma([1, 0.5]) // [-0.5772157, -1.9635100] (−γ, −γ − 2 log 2)
 */
export function digamma(x: TensorInput): tf.Tensor {
  return tf.tidy(() => digammaOp(toFloatTensor(x, 'x', 'digamma')));
}
