import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { elementwiseWithGradient } from './custom-gradient.js';
import { log1pOp } from './log1p.js';

function log1pExpValue(x: tf.Tensor): tf.Tensor {
  // max(x, 0) rather than relu: WebGL's relu(−∞) is NaN.
  return tf.add(tf.maximum(x, 0), log1pOp(tf.exp(tf.neg(tf.abs(x)))));
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
