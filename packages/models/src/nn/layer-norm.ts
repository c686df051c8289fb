import * as tf from '@tensorflow/tfjs-core';
import { formatShape, ShapeError, toFloatTensor, type TensorInput } from '@elbo/core';
import { checkSize } from './dense.js';

/** The parameters of layer normalisation: scale γ and shift β over the last axis. */
export interface LayerNormParams {
  readonly gamma: tf.Tensor;
  readonly beta: tf.Tensor;
}

/**
 * Fresh layer-norm parameters γ = 1, β = 0 of length `features`.
 *
 * @returns new tensors owned by the caller.
 * @example const p = initLayerNorm(256);
 */
export function initLayerNorm(features: number): { gamma: tf.Tensor; beta: tf.Tensor } {
  checkSize(features, 'features', 'initLayerNorm');
  return { gamma: tf.ones([features]), beta: tf.zeros([features]) };
}

/**
 * Layer normalisation (Ba et al. 2016) over the last axis, per example:
 * y = γ·(x − mean(x))/√(var(x) + ε) + β, with the biased variance (torch's `LayerNorm`).
 *
 * @returns a new tensor shaped like x, owned by the caller.
 * @throws ShapeError when the last axis differs from γ's length.
 * @example layerNorm(initLayerNorm(3), [[1, 2, 3]]) // ≈ [[-1.2247, 0, 1.2247]]
 */
export function layerNorm(
  params: LayerNormParams,
  x: TensorInput,
  options: { epsilon?: number } = {},
): tf.Tensor {
  const fn = 'layerNorm';
  const epsilon = options.epsilon ?? 1e-5;
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', fn);
    const c = params.gamma.shape[0];
    if (xt.rank < 1 || xt.shape[xt.rank - 1] !== c) {
      throw new ShapeError(`${fn}: argument 'x' has shape ${formatShape(xt.shape)}, expected [..., ${c}]`);
    }
    const { mean, variance } = tf.moments(xt, -1, true);
    return tf.add(
      tf.mul(tf.div(tf.sub(xt, mean), tf.sqrt(tf.add(variance, epsilon))), params.gamma),
      params.beta,
    );
  });
}
