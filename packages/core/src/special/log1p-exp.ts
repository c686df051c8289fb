import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { SOFTPLUS_KERNEL } from '../kernels/index.js';
import { elementwiseWithGradient } from './custom-gradient.js';

/**
 * log1p(e) for e = e^−|x| in [0, 1], with u = 1 + e: log(u) − ((u − 1) − e)/u. u − 1 is exact and so is
 * (u − 1) − e, the rounding error of u, which the second term takes back to first order (what is left is
 * below 2⁻⁴⁹, under 3e-8 of the result). Tiny e keeps its relative accuracy (u = 1 gives exactly e), and
 * the general log1p's series and branch selections are not needed: 11 elementwise kernels instead of 30.
 */
function log1pOfUnit(e: tf.Tensor): tf.Tensor {
  const u = tf.add(e, 1);
  return tf.sub(tf.log(u), tf.div(tf.sub(tf.sub(u, 1), e), u));
}

function log1pExpValue(x: tf.Tensor): tf.Tensor {
  // One kernel where the backend has elbo's (wasm: SIMD, the same formula with its own exp and log1p).
  if (tf.getKernel(SOFTPLUS_KERNEL, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(SOFTPLUS_KERNEL, { x }) as tf.Tensor;
  }
  // relu where it is exact: wasm's Maximum with a scalar broadcasts at ~4 ns an element, its Relu is a
  // SIMD clamp; but WebGL's relu(−∞) is NaN, so max(x, 0) there.
  const positive = tf.getBackend() === 'webgl' ? tf.maximum(x, 0) : tf.relu(x);
  return tf.add(positive, log1pOfUnit(tf.exp(tf.neg(tf.abs(x)))));
}

/** log1pExp on a float32 tensor, with the sigmoid as its gradient. Internal (logSigmoid). */
export const log1pExpOp = elementwiseWithGradient(log1pExpValue, tf.sigmoid);

/**
 * log(1 + eˣ), the softplus, elementwise and stable for every x:
 * log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), so eˣ never overflows and the small tail keeps its
 * relative accuracy (log1p(e⁻⁸⁰) = 1.8e-35, not 0). Edge values: −∞ → 0, +∞ → +∞; NaN propagates.
 * Float32 relative error ≲ 3e-7 on cpu and wasm. Gradient σ(x) = 1/(1 + e⁻ˣ), also at x = 0.
 *
 * @param x Any real tensor or array.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `log1pExp: argument 'x' is the string "a", …`.
 * @example log1pExp([0, -80, 100]) // [0.6931472, 1.8048514e-35, 100]
 */
export function log1pExp(x: TensorInput): tf.Tensor {
  return tf.tidy(() => log1pExpOp(toFloatTensor(x, 'x', 'log1pExp')));
}

/**
 * The softplus log(1 + eˣ): the same function as {@link log1pExp}, under the name neural-network code
 * uses (errors name `log1pExp`). Its inverse is {@link softplusInverse}.
 *
 * @example softplus([0]) // [0.6931472]
 */
export const softplus: (x: TensorInput) => tf.Tensor = log1pExp;
