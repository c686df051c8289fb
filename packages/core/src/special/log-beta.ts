import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { broadcastShapes } from '../args/shapes.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { reduceToShape } from './custom-gradient.js';
import { lgammaOp } from './lgamma.js';
import { log1pOp } from './log1p.js';
import { HALF_LOG_TWO_PI, stirlingCorrection } from './stirling.js';

/** An argument counts as large from here on, and Stirling's remainder δ replaces log Γ for it. */
const LARGE = 8;

/**
 * log B(x, y) for x ≤ y. Three regimes, each evaluated on arguments made safe where it is not used:
 * - both ≥ 8: ½ log 2π − ½ log y + (x − ½) log(x/(x+y)) + y log1p(−x/(x+y)) + δ(x) + δ(y) − δ(x+y);
 * - 0 < x < 8 ≤ y: log Γ(x) + [log Γ(y) − log Γ(x+y)], the bracket as
 *   −(y − ½) log1p(x/y) − x log(x+y) + x + δ(y) − δ(x+y), which cancels nothing when y ≫ x;
 * - otherwise log Γ(x) + log Γ(y) − log Γ(x+y) directly (small arguments, or negative ones).
 */
function logBetaOrdered(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const bothLarge = tf.greaterEqual(x, LARGE);
  const oneLarge = tf.logicalAnd(
    tf.logicalAnd(tf.greater(x, 0), tf.less(x, LARGE)),
    tf.greaterEqual(y, LARGE),
  );
  const neither = tf.logicalNot(tf.logicalOr(bothLarge, oneLarge));

  const x1 = select(bothLarge, x, LARGE);
  const y1 = select(bothLarge, y, LARGE);
  const s1 = tf.add(x1, y1);
  const ratio1 = tf.div(x1, s1);
  const large = tf.add(
    tf.add(tf.sub(HALF_LOG_TWO_PI, tf.mul(tf.log(y1), 0.5)), tf.mul(tf.sub(x1, 0.5), tf.log(ratio1))),
    tf.add(
      tf.mul(y1, log1pOp(tf.neg(ratio1))),
      tf.sub(tf.add(stirlingCorrection(x1), stirlingCorrection(y1)), stirlingCorrection(s1)),
    ),
  );

  const x2 = select(oneLarge, x, 1);
  const y2 = select(oneLarge, y, LARGE);
  const s2 = tf.add(x2, y2);
  const mixed = tf.add(
    tf.sub(lgammaOp(x2), tf.mul(tf.sub(y2, 0.5), log1pOp(tf.div(x2, y2)))),
    tf.add(tf.sub(x2, tf.mul(x2, tf.log(s2))), tf.sub(stirlingCorrection(y2), stirlingCorrection(s2))),
  );

  const x3 = select(neither, x, 1);
  const y3 = select(neither, y, 1);
  const direct = tf.sub(tf.add(lgammaOp(x3), lgammaOp(y3)), lgammaOp(tf.add(x3, y3)));

  // x = 0 (the smaller argument): B = ∞, also for y = 0 where the direct sum would give ∞ − ∞.
  const value = select(tf.equal(x, 0), Infinity, select(bothLarge, large, select(oneLarge, mixed, direct)));
  // y = +∞: B = 0 (log −∞) for 0 < x < ∞, B = ∞ for x = 0, NaN for x = ∞, as scipy.special.betaln.
  const atInfinity = select(tf.equal(x, 0), Infinity, select(tf.equal(x, Infinity), NaN, -Infinity));
  return select(tf.equal(y, Infinity), atInfinity, value);
}

function logBetaValue(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const aFirst = tf.lessEqual(a, b);
  return logBetaOrdered(select(aFirst, a, b), select(aFirst, b, a));
}

// ψ(z) = log z − 1/(2z) − f(1/z²) with f(t) = Σₖ bₖtᵏ (the digamma asymptotic series; for z ≥ 8 the
// error is below 3e-12).
const DIGAMMA_TAIL = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132];

/**
 * ∂ log B(u, v)/∂u = ψ(u) − ψ(u + v), computed without cancelling however the two compare (for u, v > 0):
 * eight steps of ψ(z) = ψ(z + 1) − 1/z give ψ(u) − ψ(u + v) = D(u + 8, v) − Σₖ₌₀⁷ v/((u + k)(u + k + v)),
 * and for z = u + 8 ≥ 8 the asymptotic series gives
 * D(z, v) = −log1p(v/z) − v/(2z(z + v)) − [f(1/z²) − f(1/(z + v)²)], the bracket as
 * (1/z² − 1/(z+v)²) · Σₖ bₖ hₖ₋₁ with hⱼ the complete homogeneous sums of the two arguments.
 * So ψ(5) − ψ(5 + 1e-6) = −2.2e-7 and ψ(1e20) − ψ(1e20 + 8) = −8e-20 both come out to float32
 * accuracy, where subtracting two digammas would keep nothing. Differentiable (second derivatives).
 */
function digammaDifference(u: tf.Tensor, v: tf.Tensor): tf.Tensor {
  let sum = tf.zerosLike(u);
  for (let k = 0; k < 8; k++) {
    const uk = tf.add(u, k);
    sum = tf.add(sum, tf.div(tf.div(v, tf.add(uk, v)), uk));
  }
  const z = tf.add(u, 8);
  const s = tf.add(z, v);
  const wz = tf.reciprocal(z);
  const ws = tf.reciprocal(s);
  const t1 = tf.square(wz);
  const t2 = tf.square(ws);
  const gap = tf.mul(tf.mul(tf.mul(v, wz), ws), tf.add(wz, ws));
  let power: tf.Tensor = tf.onesLike(t1);
  let homogeneous: tf.Tensor = tf.onesLike(t1);
  let divided = tf.mul(homogeneous, DIGAMMA_TAIL[0] ?? 0);
  for (let j = 1; j < DIGAMMA_TAIL.length; j++) {
    power = tf.mul(power, t1);
    homogeneous = tf.add(power, tf.mul(t2, homogeneous));
    divided = tf.add(divided, tf.mul(homogeneous, DIGAMMA_TAIL[j] ?? 0));
  }
  const tail = tf.add(
    tf.add(log1pOp(tf.div(v, z)), tf.mul(tf.div(v, s), tf.mul(wz, 0.5))),
    tf.mul(gap, divided),
  );
  return tf.neg(tf.add(tail, sum));
}

const logBetaOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const a = args[0] as tf.Tensor;
  const b = args[1] as tf.Tensor;
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.tidy(() => logBetaValue(a, b)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [
        reduceToShape(tf.mul(dy, digammaDifference(sa, sb)), sa.shape),
        reduceToShape(tf.mul(dy, digammaDifference(sb, sa)), sb.shape),
      ];
    },
  };
});

/**
 * The log of the beta function, log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), elementwise with
 * broadcasting.
 *
 * The direct sum cancels catastrophically in float32 once an argument is large (log Γ(10⁶) ≈ 1.3e7
 * while log B(10⁶, 1) = −13.8), so large arguments go through Stirling's series with its remainder
 * δ(x) = log Γ(x) − (x − ½) log x + x − ½ log 2π, and the ratios x/(x + y) through log1p. Meant for
 * a, b > 0 (negative non-integers give log|B| by the direct sum). Edge values as scipy.special.betaln:
 * +∞ when an argument is 0, −∞ when one is +∞ (the other finite and positive), NaN for (∞, ∞); NaN
 * propagates. Float32 relative error ≈ 1e-6 on cpu and wasm from 1e-6 to 1e20 (absolute ≈ 1e-6 where
 * log B crosses 0 between small arguments). Gradient (ψ(a) − ψ(a+b), ψ(b) − ψ(a+b)), from the
 * asymptotic series when the differentiated argument is ≥ 8 (no cancellation however large the other).
 *
 * @param a First argument, any real tensor or array.
 * @param b Second argument, broadcast against a.
 * @returns A new float32 tensor of the broadcast shape, owned by the caller.
 * @throws {ArgumentError} When a or b is not numeric. {@link ShapeError} when they do not broadcast.
 * @example logBeta([1, 2, 1e6], [1, 3, 1]) // [0, -2.4849067, -13.815511] (log 1, log 1/12, −log 10⁶)
 */
export function logBeta(a: TensorInput, b: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const at = toFloatTensor(a, 'a', 'logBeta');
    const bt = toFloatTensor(b, 'b', 'logBeta');
    broadcastShapes(at.shape, bt.shape, 'logBeta', 'a', 'b');
    return logBetaOp(at, bt);
  });
}
