import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { log1pExpOp } from './log1p-exp.js';

/**
 * The log of the logistic sigmoid, log σ(x) = −log(1 + e⁻ˣ) = −softplus(−x), elementwise and stable for
 * every x (log σ(−100) = −100, log σ(80) = −1.8e-35), as scipy.special.log_expit. The Bernoulli
 * log-likelihood of logits is log σ(x) for a one and log σ(−x) for a zero. Edge values: −∞ → −∞,
 * +∞ → 0; NaN propagates. Float32 relative error ≲ 3e-7 on cpu and wasm. Gradient σ(−x) = 1 − σ(x).
 *
 * @param x Any real tensor or array.
 * @returns A new float32 tensor of x's shape, owned by the caller.
 * @throws {ArgumentError} When x is not numeric: `logSigmoid: argument 'x' is the string "a", …`.
 * @example logSigmoid([0, -100]) // [-0.6931472, -100]
 */
export function logSigmoid(x: TensorInput): tf.Tensor {
  return tf.tidy(() => tf.neg(log1pExpOp(tf.neg(toFloatTensor(x, 'x', 'logSigmoid')))));
}
