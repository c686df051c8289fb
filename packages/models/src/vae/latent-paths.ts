import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';

/**
 * The codes z_t = (1 − t)·za + t·zb, t = 0, 1/(steps − 1), …, 1, of two codes [1, L]: [steps, L].
 * Internal to the models' `interpolate`; call inside `tf.tidy`.
 */
export function interpolateCodes(za: tf.Tensor2D, zb: tf.Tensor2D, steps: number): tf.Tensor2D {
  const t = steps === 1 ? tf.zeros([1, 1]) : tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
  return tf.add(tf.mul(tf.sub(1, t), za), tf.mul(t, zb)) as tf.Tensor2D;
}

/** Throws the `traverse` errors of `fn` unless `dim` is a latent axis and `values` finite numbers. */
export function checkTraversal(dim: number, values: readonly number[], latent: number, fn: string): void {
  if (!Number.isInteger(dim) || dim < 0 || dim >= latent) {
    throw new ArgumentError(`${fn}: argument 'dim' is ${dim}, expected an integer in [0, ${latent - 1}]`);
  }
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => Number.isFinite(v))) {
    throw new ArgumentError(`${fn}: argument 'values' is not a non-empty array of finite numbers`);
  }
}

/**
 * The code z0 [1, L] with coordinate `dim` set to each of `values`: [values.length, L]. Internal to the
 * models' `traverse` (after {@link checkTraversal}); call inside `tf.tidy`.
 */
export function traverseCode(z0: tf.Tensor2D, dim: number, values: readonly number[]): tf.Tensor2D {
  const mask = tf.oneHot([dim], z0.shape[1]);
  const v = tf.reshape(tf.tensor1d([...values]), [-1, 1]);
  return tf.add(tf.mul(z0, tf.sub(1, mask)), tf.mul(v, mask)) as tf.Tensor2D;
}
