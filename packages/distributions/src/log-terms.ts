import * as tf from '@tensorflow/tfjs-core';
import { log1p, maskOf } from '@elbo/core';

/**
 * c·log(y) at y = `boundary`, where log(·) there is −∞: 0 for c = 0 (a density term that is absent),
 * −∞ for c > 0 and +∞ for c < 0. Written out because WebGL's log(0) is a large finite number
 * (about −88 on SwiftShader), not −∞.
 */
function weightedLog(
  c: tf.Tensor,
  y: tf.Tensor,
  logOf: (y: tf.Tensor) => tf.Tensor,
  boundary: number,
  safe: number,
) {
  const cZero = maskOf([c], (t) => tf.equal(t, 0));
  const atBoundary = maskOf([y], (t) => tf.equal(t, boundary));
  const limit = tf.where(
    maskOf([c], (t) => tf.greater(t, 0)),
    -Infinity,
    Infinity,
  );
  const replaced = maskOf([c], (t) => tf.logicalOr(tf.equal(t, 0), tf.equal(y, boundary)));
  const inside = tf.mul(c, logOf(tf.where(replaced, safe, y)));
  return tf.where(cZero, 0, tf.where(atBoundary, limit, inside));
}

/**
 * c·log(x) for x ≥ 0, with the limits at x = 0 (0 for c = 0, −∞ for c > 0, +∞ for c < 0) on every
 * backend; gradients flow to c and x. Internal to the families of this package; call inside `tf.tidy`.
 */
export function xlogy(c: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return weightedLog(c, x, tf.log, 0, 1);
}

/**
 * c·log(1 − x) for x ≤ 1, by log1p(−x) (exact for small x), with the limits at x = 1 as {@link xlogy}.
 * Internal to the families of this package; call inside `tf.tidy`.
 */
export function xlog1my(c: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return weightedLog(c, x, (y) => log1p(tf.neg(y)), 1, 0);
}
