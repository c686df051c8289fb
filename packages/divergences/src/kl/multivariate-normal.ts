import * as tf from '@tensorflow/tfjs-core';
import { formatShape, matrixDiagonal, ShapeError, triangularSolve } from '@elbo/core';
import { expm1MinusX } from '../stable.js';
import { klNormalNormal } from './location-scale.js';

/** What the diagonal multivariate normal KL reads: the mean μ [..., k] and the standard deviations [..., k]. */
export interface DiagonalNormalParams {
  readonly loc: tf.Tensor;
  readonly scaleDiag: tf.Tensor;
}

/** What the full multivariate normal KL reads: the mean μ [..., k] and the Cholesky factor L [..., k, k] of Σ = LLᵀ. */
export interface TriangularNormalParams {
  readonly loc: tf.Tensor;
  readonly scaleTril: tf.Tensor;
}

/**
 * Σᵢ of (e^{2dᵢ} − 1 − 2dᵢ) + Σ_{i>j} Mᵢⱼ² for M = L₂⁻¹L₁ (lower triangular, Mᵢᵢ = e^{dᵢ},
 * dᵢ = log|L₁ᵢᵢ| − log|L₂ᵢᵢ|): ‖M‖²_F − k − 2 log|det M| without cancellation near M = I. Also returns
 * Σᵢdᵢ = log|det L₁| − log|det L₂|.
 */
export function traceTerms(l1: tf.Tensor, l2: tf.Tensor): { excess: tf.Tensor; logDetRatio: tf.Tensor } {
  const k = l1.shape[l1.rank - 1]!;
  const m = triangularSolve(l2, l1);
  const strictlyLower = tf.tensor2d(
    Array.from({ length: k * k }, (_, index) => (index % k < Math.floor(index / k) ? 1 : 0)),
    [k, k],
  );
  const offDiagonal = tf.sum(tf.square(tf.mul(m, strictlyLower)), [-2, -1]);
  const d = tf.sub(tf.log(tf.abs(matrixDiagonal(l1))), tf.log(tf.abs(matrixDiagonal(l2))));
  return {
    excess: tf.add(tf.sum(expm1MinusX(tf.mul(d, 2)), -1), offDiagonal),
    logDetRatio: tf.sum(d, -1),
  };
}

function checkSameDimension(k1: number | undefined, k2: number | undefined, what: string): void {
  if (k1 !== k2) {
    throw new ShapeError(
      `klDivergence: p has dimension ${String(k1)} and q ${String(k2)} (${what}), expected the same dimension`,
    );
  }
}

/**
 * KL(N(μ₁, diag σ₁²) ‖ N(μ₂, diag σ₂²)) = Σᵢ KL(N(μ₁ᵢ, σ₁ᵢ²) ‖ N(μ₂ᵢ, σ₂ᵢ²)), the last axis reduced
 * (each term as in {@link klNormalNormal}). The caller owns the result.
 *
 * @example klMultivariateNormalDiag(new MultivariateNormalDiag([0, 0], [1, 1]), new MultivariateNormalDiag([1, 0], [2, 1])).print(); // 0.4431
 */
export function klMultivariateNormalDiag(p: DiagonalNormalParams, q: DiagonalNormalParams): tf.Tensor {
  return tf.tidy(() =>
    tf.sum(klNormalNormal({ loc: p.loc, scale: p.scaleDiag }, { loc: q.loc, scale: q.scaleDiag }), -1),
  );
}

/** diag(σ) as a lower-triangular matrix [..., k, k]. */
function diagonalMatrix(scaleDiag: tf.Tensor): tf.Tensor {
  const k = scaleDiag.shape[scaleDiag.rank - 1]!;
  return tf.mul(tf.expandDims(scaleDiag, -1), tf.eye(k));
}

/**
 * KL(N(μ₁, Σ₁) ‖ N(μ₂, Σ₂)) = ½[tr(Σ₂⁻¹Σ₁) + (μ₂ − μ₁)ᵀΣ₂⁻¹(μ₂ − μ₁) − k + log|Σ₂| − log|Σ₁|] for
 * Σ = LLᵀ, computed with M = L₂⁻¹L₁ and y = L₂⁻¹(μ₂ − μ₁) (two triangular solves, no inverse):
 * ½[‖M‖²_F − k − 2 log|det M| + ‖y‖²], the first three terms summed as Σᵢ(e^{2dᵢ} − 1 − 2dᵢ) + Σ_{i>j}Mᵢⱼ²
 * (dᵢ = log(L₁ᵢᵢ/L₂ᵢᵢ)) so that nothing cancels when p ≈ q. Batch axes broadcast. The caller owns the
 * result.
 *
 * @throws {ShapeError} When p and q have different dimensions.
 * @example klMultivariateNormalTriL(new MultivariateNormalTriL([0, 0], [[1, 0], [0, 1]]), new MultivariateNormalTriL([1, 0], [[2, 0], [0, 1]])).print(); // 0.4431
 */
export function klMultivariateNormalTriL(p: TriangularNormalParams, q: TriangularNormalParams): tf.Tensor {
  return tf.tidy(() => {
    checkSameDimension(
      p.loc.shape[p.loc.rank - 1],
      q.loc.shape[q.loc.rank - 1],
      `loc ${formatShape(p.loc.shape)} and ${formatShape(q.loc.shape)}`,
    );
    const { excess } = traceTerms(p.scaleTril, q.scaleTril);
    const y = triangularSolve(q.scaleTril, tf.expandDims(tf.sub(q.loc, p.loc), -1));
    return tf.mul(tf.add(excess, tf.sum(tf.square(y), [-2, -1])), 0.5);
  });
}

/**
 * KL(N(μ₁, diag σ₁²) ‖ N(μ₂, L₂L₂ᵀ)): {@link klMultivariateNormalTriL} with L₁ = diag σ₁. The caller owns
 * the result.
 *
 * @example klMultivariateNormalDiagTriL(new MultivariateNormalDiag([0, 0], [1, 1]), new MultivariateNormalTriL([1, 0], [[2, 0], [0, 1]])).print(); // 0.4431
 */
export function klMultivariateNormalDiagTriL(p: DiagonalNormalParams, q: TriangularNormalParams): tf.Tensor {
  return tf.tidy(() => klMultivariateNormalTriL({ loc: p.loc, scaleTril: diagonalMatrix(p.scaleDiag) }, q));
}

/**
 * KL(N(μ₁, L₁L₁ᵀ) ‖ N(μ₂, diag σ₂²)): {@link klMultivariateNormalTriL} with L₂ = diag σ₂. The caller owns
 * the result.
 *
 * @example klMultivariateNormalTriLDiag(new MultivariateNormalTriL([0, 0], [[1, 0], [0, 1]]), new MultivariateNormalDiag([1, 0], [2, 1])).print(); // 0.4431
 */
export function klMultivariateNormalTriLDiag(p: TriangularNormalParams, q: DiagonalNormalParams): tf.Tensor {
  return tf.tidy(() => klMultivariateNormalTriL(p, { loc: q.loc, scaleTril: diagonalMatrix(q.scaleDiag) }));
}
