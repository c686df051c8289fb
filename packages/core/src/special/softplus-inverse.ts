import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { expm1Op } from './expm1.js';
import { log1mExpOp } from './log1m-exp.js';
import { log1pOp } from './log1p.js';
import { logWithZero } from './log-with-zero.js';

// log 2 as a float32 head and its remainder, so that y − log 2 is exact to float32 rounding next to it.
const LN2_HEAD = Math.fround(Math.LN2);
const LN2_TAIL = Math.LN2 - LN2_HEAD;

function softplusInverseValue(y: tf.Tensor): tf.Tensor {
  // Three forms of log(e^y − 1), each exact where it is used:
  // y ≤ ¼: log(expm1(y)), tiny y keep their relative accuracy;
  // ¼ < y ≤ 2: log1p(2 expm1(y − log 2)), as e^y − 1 = 1 + 2(e^(y − log 2) − 1): no log of a number next
  //   to 1 at the root y = log 2;
  // y > 2: y + log(1 − e^−y), no overflow of expm1 beyond y ≈ 88.
  const small = tf.lessEqual(y, 0.25);
  const large = tf.greater(y, 2);
  const ys = select(small, y, 0.25);
  const ym = select(tf.logicalOr(small, large), 1, y);
  const yl = select(large, y, 4);
  const nearRoot = log1pOp(tf.mul(expm1Op(tf.sub(tf.sub(ym, LN2_HEAD), LN2_TAIL)), 2));
  return select(small, logWithZero(expm1Op(ys)), select(large, tf.add(yl, log1mExpOp(tf.neg(yl))), nearRoot));
}

/** softplusInverse on a float32 tensor, with 1/(1 − e^−y) as its gradient. Internal. */
const softplusInverseOp = elementwiseWithGradient(softplusInverseValue, (y) =>
  tf.reciprocal(tf.neg(expm1Op(tf.neg(y)))),
);

/**
 * The inverse of the softplus, log(e^y − 1) = log(expm1(y)), elementwise, for y > 0: the unconstrained
 * value whose softplus is y (to initialise a positive parameter stored through a softplus).
 * Stable for tiny y (log(expm1(1e-30)) = −69.08), next to the root y = log 2 (as log1p(2 expm1(y − log 2)))
 * and for large y (y + log1p(−e^−y), no overflow). Edge values: 0 → −∞, y < 0 → NaN, +∞ → +∞; NaN
 * propagates. Float32 relative error ≲ 3e-7 on cpu and wasm. Gradient 1/(1 − e^−y).
 *
 * @param y A tensor or array of positive numbers.
 * @returns A new float32 tensor of y's shape, owned by the caller.
 * @throws {ArgumentError} When y is not numeric: `softplusInverse: argument 'y' is the string "a", …`.
 * @example softplusInverse([Math.LN2, 1e-6, 100]) // [0, -13.815511, 100]
 */
export function softplusInverse(y: TensorInput): tf.Tensor {
  return tf.tidy(() => softplusInverseOp(toFloatTensor(y, 'y', 'softplusInverse')));
}
