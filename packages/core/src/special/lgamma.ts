import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { digammaOp } from './digamma.js';
import { log1pOp } from './log1p.js';
import { logWithZero } from './log-with-zero.js';
import { polynomial } from './polynomial.js';
import { nearestIntegerOffset, sinPi } from './sin-pi.js';
import { HALF_LOG_TWO_PI, STIRLING_MIN, stirlingCorrection } from './stirling.js';

const LOG_PI = Math.log(Math.PI);

// log Γ(2 + p) = p · P(p) on −½ ≤ p ≤ ½; least-squares fit of the relative error,
// fixtures/fit_polynomials.py (3e-9 in float64). P(0) = 1 − γ.
const LGAMMA_NEAR_TWO = [
  0.4227843346157249, 0.32246701815633, -0.06735223237260413, 0.02058162186758613, -0.00738715436819725,
  0.00287889734415849, -0.0011795943029828749, 0.0005701855749587685, -0.0002663376210148428,
];

/** log Γ(z) for z ≥ 0 (and NaN, +∞). */
function lgammaPositive(z: tf.Tensor): tf.Tensor {
  // z ≥ 5: Stirling, (z − ½)(log z − 1) − ½ + ½ log 2π + δ(z); this grouping stays finite at z = ∞.
  const large = tf.greaterEqual(z, STIRLING_MIN);
  const zl = select(large, z, STIRLING_MIN);
  const stirling = tf.add(
    tf.mul(tf.sub(zl, 0.5), tf.sub(tf.log(zl), 1)),
    tf.add(stirlingCorrection(zl), HALF_LOG_TWO_PI - 0.5),
  );

  // z < 5: log Γ(z) = log Γ(2 + p) + log[Γ(z)/Γ(2 + p)], p = z − c exact with c = round(z) ∈ {0..5}.
  // The ratio is 1/(z(z + 1)) (c = 0), 1/z (c = 1), 1 (c = 2) or (z − 1)(z − 2)…(z − c + 2) (c ≥ 3), so
  // both zeros of log Γ, at 1 and 2, keep a small relative error.
  const zs = select(large, 2, z);
  const c = tf.floor(tf.add(zs, 0.5));
  const p = tf.sub(zs, c);
  const nearTwo = tf.mul(p, polynomial(p, LGAMMA_NEAR_TWO));
  // log z for c = 1 is log1p(p): next to z = 1 a backend's log may be accurate only in absolute terms.
  const logBelow = select(
    tf.lessEqual(c, 0),
    logWithZero(tf.mul(zs, tf.add(zs, 1))),
    select(tf.equal(c, 1), log1pOp(p), 0),
  );
  const above = tf.mul(
    tf.mul(select(tf.greaterEqual(c, 3), tf.sub(zs, 1), 1), select(tf.greaterEqual(c, 4), tf.sub(zs, 2), 1)),
    select(tf.greaterEqual(c, 5), tf.sub(zs, 3), 1),
  );
  const small = tf.add(nearTwo, tf.sub(tf.log(above), logBelow));
  return select(large, stirling, small);
}

function lgammaValue(x: tf.Tensor): tf.Tensor {
  const negative = tf.less(x, 0);
  const z = select(negative, tf.sub(1, x), x);
  const positive = lgammaPositive(z);
  // Reflection: log|Γ(x)| = log π − log|sin(πx)| − log Γ(1 − x), |sin(πx)| = sin(π|x − round(x)|).
  const r = tf.abs(nearestIntegerOffset(x));
  const reflected = tf.sub(tf.sub(LOG_PI, logWithZero(sinPi(r))), positive);
  return select(tf.equal(x, -Infinity), -Infinity, select(negative, reflected, positive));
}

/** lgamma on a float32 tensor, with digamma as its gradient. Internal (logBeta, mvlgamma). */
export const lgammaOp = elementwiseWithGradient(lgammaValue, digammaOp);

/**
 * The log-gamma function log|Γ(x)|, elementwise, for every real x.
 *
 * For x ≥ 5, Stirling's series log Γ(x) = (x − ½) log x − x + ½ log 2π + 1/(12x) − 1/(360x³) + …; below,
 * the recurrence Γ(x + 1) = xΓ(x) moves x into [1.5, 2.5), where a fitted polynomial
 * log Γ(2 + p) = p·P(p) keeps the relative error small next to the zeros at 1 and 2; for x < 0 the
 * reflection log|Γ(x)| = log π − log|sin πx| − log Γ(1 − x). Poles: +∞ at 0 and at the negative
 * integers; +∞ at +∞, and −∞ at −∞ as scipy.special.gammaln has it (C's lgamma gives +∞); NaN
 * propagates. Float32 relative error ≈ 1e-6 on cpu and wasm from 1e-30 to 1e36 (absolute ≈ 1e-6
 * next to the zeros on the negative axis). Its gradient is {@link digamma}.
 *
 * @param x Any real tensor or array.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `lgamma: argument 'x' is the string "a", …`.
 * @example lgamma([1, 0.5, 10, -0.5]) // [0, 0.5723649, 12.801827, 1.2655121]
 */
export function lgamma(x: TensorInput): tf.Tensor {
  return tf.tidy(() => lgammaOp(toFloatTensor(x, 'x', 'lgamma')));
}
