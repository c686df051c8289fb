import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';

/**
 * log x with log 0 = −∞ on every backend. GLSL leaves log(0) undefined and WebGL on SwiftShader returns
 * −88.03 for it in tfjs's packed shaders, which would turn the poles of lgamma, log1p(−1),
 * log1mExp(0) and softplusInverse(0) into finite numbers. Internal to the special functions.
 *
 * @example tf.tidy(() => logWithZero(tf.tensor([0, 1]))) // [-Infinity, 0]
 */
export function logWithZero(x: tf.Tensor): tf.Tensor {
  return select(tf.equal(x, 0), -Infinity, tf.log(x));
}
