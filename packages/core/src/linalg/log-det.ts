import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { choleskyFactor } from './cholesky.js';
import { shapeSize, squareMatrixShape } from './matrix-shapes.js';
import { diagonalOfStack } from './matrix-diagonal.js';

/**
 * Σ_i log|d_i| over the last axis of d [B, n]: [B], with the gradient 1 / d_i. A zero gives −∞ on every
 * backend (WebGL's log(0) is about −88, the log of its smallest float, not −∞). A custom gradient,
 * because the `tf.equal` that finds the zeros has no gradient and would break the tape otherwise.
 */
function sumLogAbs(d: tf.Tensor2D): tf.Tensor1D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const magnitude = tf.abs(x);
    save([x]);
    return {
      value: tf.sum(tf.where(tf.equal(magnitude, 0), Number.NEGATIVE_INFINITY, tf.log(magnitude)), 1),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.div(tf.expandDims(dy, 1), saved[0] as tf.Tensor),
    };
  });
  return op(d) as tf.Tensor1D;
}

/** Σ_i log|T_ii| over the diagonals of a stack [B, n, n]: [B]. */
function sumLogAbsDiagonal(t: tf.Tensor3D): tf.Tensor1D {
  // log det of a 0×0 matrix is 0 (and WebGL cannot sum over an empty axis).
  if (t.shape[1] === 0) return tf.zeros([t.shape[0]]);
  return sumLogAbs(diagonalOfStack(t));
}

/**
 * The log-determinant of a symmetric positive-definite matrix, or of each in a batch, through its
 * Cholesky factor A = L Lᵀ:
 *
 *   log det A = 2 Σ_i log L_ii,
 *
 * for `a` [..., n, n], result [...batch] (a scalar for one matrix). Differentiable through
 * {@link cholesky}: ∂ log det A / ∂A = A⁻¹ (symmetric). Only the lower triangle of `a` is read. When the
 * factor is needed anyway, call {@link cholesky} once and {@link logDetFromCholesky} on it. Returns a new
 * float32 tensor that the caller owns.
 *
 * @param a Symmetric positive-definite matrix or batch of them, [..., n, n].
 * @throws {ShapeError} `a` is not [..., n, n].
 * @throws {DomainError} a matrix is not positive definite (see {@link cholesky}), naming `logDet`.
 * @example logDet([[4, 2], [2, 5]]); // log 16 ≈ 2.7726
 */
export function logDet(a: TensorInput): tf.Tensor {
  const fn = 'logDet';
  return tf.tidy(() => {
    const at = toFloatTensor(a, 'a', fn);
    const { batch, n } = squareMatrixShape(at, 'a', fn);
    const l = choleskyFactor(at, batch, n, fn, 'a');
    return tf.reshape(tf.mul(2, sumLogAbsDiagonal(tf.reshape(l, [shapeSize(batch), n, n]))), batch);
  });
}

/**
 * The log-determinant of A = L Lᵀ from its Cholesky factor L, or of each in a batch:
 *
 *   log det (L Lᵀ) = 2 log|det L| = 2 Σ_i log|L_ii|,
 *
 * for `l` [..., n, n] triangular, result [...batch]. Only the diagonal is read; a zero on it gives −∞.
 * Differentiable: ∂/∂L_ii = 2 / L_ii, zero off the diagonal. This is the normaliser of a multivariate
 * normal with covariance L Lᵀ (½ log det Σ = Σ log|L_ii|) and of a Wishart scale. Returns a new float32
 * tensor that the caller owns.
 *
 * @param l Cholesky factor(s) (any triangular matrix), [..., n, n].
 * @throws {ShapeError} `l` is not [..., n, n].
 * @example logDetFromCholesky([[2, 0], [1, 2]]); // 2 (log 2 + log 2) = log 16 ≈ 2.7726
 */
export function logDetFromCholesky(l: TensorInput): tf.Tensor {
  const fn = 'logDetFromCholesky';
  return tf.tidy(() => {
    const lt = toFloatTensor(l, 'l', fn);
    const { batch, n } = squareMatrixShape(lt, 'l', fn);
    return tf.reshape(tf.mul(2, sumLogAbsDiagonal(tf.reshape(lt, [shapeSize(batch), n, n]))), batch);
  });
}

/**
 * The log of the absolute determinant of a triangular matrix, or of each in a batch:
 *
 *   log|det T| = Σ_i log|T_ii|,
 *
 * for `t` [..., n, n] lower or upper triangular, result [...batch]. Only the diagonal is read; a zero
 * on it gives −∞. Differentiable: ∂/∂T_ii = 1 / T_ii. For a multivariate normal with scale_tril L this
 * is log|det L|, the log-Jacobian of x = μ + L z. Returns a new float32 tensor that the caller owns.
 *
 * @param t Triangular matrix or batch of them, [..., n, n].
 * @throws {ShapeError} `t` is not [..., n, n].
 * @example logAbsDetTriangular([[2, 0], [1, -3]]); // log 2 + log 3 = log 6 ≈ 1.7918
 */
export function logAbsDetTriangular(t: TensorInput): tf.Tensor {
  const fn = 'logAbsDetTriangular';
  return tf.tidy(() => {
    const tt = toFloatTensor(t, 't', fn);
    const { batch, n } = squareMatrixShape(tt, 't', fn);
    return tf.reshape(sumLogAbsDiagonal(tf.reshape(tt, [shapeSize(batch), n, n])), batch);
  });
}
