import * as tf from '@tensorflow/tfjs-core';
import { digamma, formatShape, mvlgamma, ShapeError } from '@elbo/core';
import { traceTerms } from './multivariate-normal.js';

/** What the Wishart KL reads: the degrees of freedom ν [...] and the Cholesky factor L [..., k, k] of the scale Σ = LLᵀ. */
export interface WishartParams {
  readonly df: tf.Tensor;
  readonly scaleTril: tf.Tensor;
}

/** ψ_k(a) = Σ_{i<k} ψ(a − i/2), the derivative of log Γ_k. */
function multivariateDigamma(a: tf.Tensor, k: number): tf.Tensor {
  const offsets = tf.tensor1d(Array.from({ length: k }, (_, i) => -i / 2));
  return tf.sum(digamma(tf.add(tf.expandDims(a, -1), offsets)), -1);
}

/**
 * KL(W_k(ν₁, Σ₁) ‖ W_k(ν₂, Σ₂)) = ((ν₁ − ν₂)/2) ψ_k(ν₁/2) + (ν₁/2)(tr(Σ₂⁻¹Σ₁) − k)
 * + (ν₂/2)(log|Σ₂| − log|Σ₁|) + log Γ_k(ν₂/2) − log Γ_k(ν₁/2), from E₁[X] = ν₁Σ₁ and
 * E₁[log|X|] = ψ_k(ν₁/2) + k log 2 + log|Σ₁|. With M = L₂⁻¹L₁ the middle terms are
 * (ν₁/2)[‖M‖²_F − k − 2 log|det M|] + (ν₁ − ν₂) log|det M|, the bracket summed without cancellation as
 * in {@link klMultivariateNormalTriL}. The caller owns the result.
 *
 * @throws {ShapeError} When p and q have different dimensions.
 * @example klWishartWishart(new Wishart(4, [[1, 0], [0, 1]]), new Wishart(5, [[2, 0], [0, 1]])).print(); // 2.1416
 */
export function klWishartWishart(p: WishartParams, q: WishartParams): tf.Tensor {
  const k = p.scaleTril.shape[p.scaleTril.rank - 1]!;
  const kq = q.scaleTril.shape[q.scaleTril.rank - 1];
  if (kq !== k) {
    throw new ShapeError(
      `klDivergence: p is a Wishart of order ${k} (scaleTril ${formatShape(p.scaleTril.shape)}) and q of order ${String(kq)} (${formatShape(q.scaleTril.shape)}), expected the same order`,
    );
  }
  return tf.tidy(() => {
    const half1 = tf.mul(p.df, 0.5);
    const half2 = tf.mul(q.df, 0.5);
    const { excess, logDetRatio } = traceTerms(p.scaleTril, q.scaleTril);
    return tf.add(
      tf.add(
        tf.mul(tf.sub(half1, half2), multivariateDigamma(half1, k)),
        tf.sub(mvlgamma(half2, k), mvlgamma(half1, k)),
      ),
      tf.add(tf.mul(half1, excess), tf.mul(tf.sub(p.df, q.df), logDetRatio)),
    );
  });
}
