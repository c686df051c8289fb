import * as tf from '@tensorflow/tfjs-core';
import { formatShape } from '../args/shapes.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { DomainError } from '../errors/errors.js';
import { shapeSize, squareMatrixShape } from './matrix-shapes.js';
import { keepTriangle, substitute, transposeMatrices } from './substitution.js';

/**
 * The Cholesky–Crout algorithm, column by column, on a stack A [B, n, n], reading only A's lower
 * triangle:
 *
 *   v = A[j:, j] − L[j:, :j] L[j, :j]ᵀ,   L_jj = √v_0,   L[j+1:, j] = v[1:] / L_jj.
 *
 * Returns L and the pivots v_0 [B, n, 1] (the ratios of successive leading minors), which are all
 * positive exactly when A is positive definite. No gradient (runs inside `tf.customGrad`).
 */
function choleskyForward(a: tf.Tensor3D): { l: tf.Tensor3D; pivots: tf.Tensor3D } {
  const [batch, n] = a.shape;
  if (batch === 0 || n === 0) return { l: tf.zeros([batch, n, n]), pivots: tf.zeros([batch, n, 1]) };
  let l: tf.Tensor3D | null = null; // the columns of L found so far, [B, n, j]
  const pivots: tf.Tensor3D[] = [];
  for (let j = 0; j < n; j++) {
    let v: tf.Tensor3D = tf.slice(a, [0, j, j], [batch, n - j, 1]);
    if (l !== null) {
      const below: tf.Tensor3D = tf.slice(l, [0, j, 0], [batch, n - j, j]);
      const row: tf.Tensor3D = tf.slice(l, [0, j, 0], [batch, 1, j]);
      v = tf.sub(v, tf.matMul(below, row, false, true));
    }
    const pivot: tf.Tensor3D = tf.slice(v, [0, 0, 0], [batch, 1, 1]);
    pivots.push(pivot);
    const diagonal = tf.sqrt(pivot);
    const parts: tf.Tensor3D[] = [];
    if (j > 0) parts.push(tf.zeros([batch, j, 1]));
    parts.push(diagonal);
    if (j < n - 1) parts.push(tf.div(tf.slice(v, [0, 1, 0], [batch, n - j - 1, 1]), diagonal));
    const column = parts.length === 1 ? diagonal : tf.concat(parts, 1);
    l = l === null ? column : tf.concat([l, column], 2);
  }
  return {
    l: l ?? tf.zeros([batch, n, n]),
    pivots: pivots.length === 1 ? (pivots[0] as tf.Tensor3D) : tf.concat(pivots, 1),
  };
}

function describePivot(p: number): string {
  if (Number.isNaN(p)) return 'its pivot is NaN: the matrix holds NaN or ±Infinity, or overflows float32';
  if (!Number.isFinite(p)) return `its pivot is ${p}: the matrix holds ±Infinity, or overflows float32`;
  return `its pivot is ${Number(p.toPrecision(7))}, expected > 0`;
}

/**
 * Throws a {@link DomainError} naming the first matrix of the batch (row-major order) whose pivots are not
 * all positive and finite, and the order of the first leading minor that fails (LAPACK `potrf`'s `info`).
 * Reads the B·n pivots back from the backend: one synchronous download.
 */
function checkPivots(
  pivots: tf.Tensor3D,
  batchShape: readonly number[],
  n: number,
  fn: string,
  arg: string,
): void {
  const values = pivots.dataSync();
  for (let index = 0; index < values.length; index++) {
    const p = values[index] as number;
    if (p > 0 && p < Infinity) continue;
    const matrix = Math.floor(index / n);
    const order = (index % n) + 1;
    const position: number[] = [];
    for (let axis = batchShape.length - 1, rest = matrix; axis >= 0; axis--) {
      const size = batchShape[axis] as number;
      position.unshift(rest % size);
      rest = Math.floor(rest / size);
    }
    const which =
      batchShape.length === 0
        ? ''
        : ` (matrix ${formatShape(position)} of the batch ${formatShape(batchShape)})`;
    throw new DomainError(
      `${fn}: argument '${arg}'${which} is not positive definite: the leading minor of order ${order} fails, ` +
        `${describePivot(p)}. Expected a symmetric positive-definite matrix; if it is only positive ` +
        `semi-definite or lost definiteness to float32 rounding, add a small multiple of the identity (jitter)`,
    );
  }
}

/**
 * The Cholesky gradient (Murray 2016, arXiv:1602.07527; torch's `cholesky_backward`): for L = chol(A)
 * and upstream gradient L̄,
 *
 *   P = tril(Lᵀ L̄),   Φ = ½(P + Pᵀ − diag P),   Ā = L⁻ᵀ Φ L⁻¹,
 *
 * which is symmetric (the gradient w.r.t. a symmetric A; the upper triangle of L̄ does not matter).
 * Computed with two triangular solves and symmetrised against rounding.
 */
function choleskyBackward(l: tf.Tensor3D, dl: tf.Tensor3D): tf.Tensor3D {
  const [batch, n] = l.shape;
  if (batch === 0 || n === 0) return tf.zerosLike(l);
  const diagonalMask = tf.tensor2d(eyeMask(n), [n, n], 'bool');
  const p = keepTriangle(tf.matMul(l, dl, true, false), true);
  // Off the diagonal P + Pᵀ holds P_ij on both sides (one of the two is 0); on it, keep P_ii once.
  const phi: tf.Tensor3D = tf.mul(0.5, tf.where(diagonalMask, p, tf.add(p, transposeMatrices(p))));
  const lt = transposeMatrices(l);
  const y = substitute(lt, phi, false); // L⁻ᵀ Φ
  const z = substitute(lt, transposeMatrices(y), false); // L⁻ᵀ (L⁻ᵀ Φ)ᵀ = L⁻ᵀ Φ L⁻¹
  return tf.mul<tf.Tensor3D>(0.5, tf.add(z, transposeMatrices(z)));
}

function eyeMask(n: number): Uint8Array {
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) mask[i * n + i] = 1;
  return mask;
}

/**
 * The Cholesky factor of `a` [...batch, n, n] with its gradient, throwing a {@link DomainError} (from
 * `fn`, argument `arg`) when a matrix is not positive definite. The batch axes are flattened inside the
 * custom-gradient op, so that no op before it is recorded on a gradient tape: when the check throws
 * inside `tf.grad`, nothing kept for a backward pass is left behind. Internal: callers validate the shape.
 */
export function choleskyFactor(
  a: tf.Tensor,
  batchShape: readonly number[],
  n: number,
  fn: string,
  arg: string,
): tf.Tensor {
  const shape = [...batchShape, n, n];
  const stack = [shapeSize(batchShape), n, n] as [number, number, number];
  const factor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [aIn, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const { l, pivots } = choleskyForward(tf.reshape(aIn, stack));
    // Checked before `save`, so a failure inside tf.grad leaves nothing kept on the tape.
    checkPivots(pivots, batchShape, n, fn, arg);
    save([l]);
    return {
      value: tf.reshape(l, shape),
      gradFunc: (dl: tf.Tensor, saved: tf.Tensor[]) =>
        tf.reshape(choleskyBackward(saved[0] as tf.Tensor3D, tf.reshape(dl, stack)), shape),
    };
  });
  return factor(a);
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix, or of each in a batch: the lower-triangular
 * L with positive diagonal such that L Lᵀ = A, for `a` [..., n, n] (leading batch axes as in
 * torch.linalg). Column by column (Cholesky–Crout),
 *
 *   L_jj = √(A_jj − Σ_{k<j} L_jk²),   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj   (i > j).
 *
 * Only the lower triangle of `a` is read, as in LAPACK `potrf` and torch: symmetry is assumed, not checked.
 *
 * Differentiable, with the standard symmetric gradient (Murray 2016; Seeger et al. 2017; torch's
 * `cholesky_backward`): Ā = L⁻ᵀ Φ L⁻¹ with Φ = ½(P + Pᵀ − diag P), P = tril(Lᵀ L̄).
 *
 * Composed of tfjs-core ops (n steps of a dozen ops, vectorised over the batch), so it runs on every
 * backend. To detect a matrix that is not positive definite it reads the n pivots of each matrix back
 * (one synchronous download of batch·n numbers per call, also on WebGL). Returns a new float32 tensor,
 * upper triangle zero, that the caller owns.
 *
 * @param a Symmetric positive-definite matrix or batch of them, [..., n, n].
 * @throws {ShapeError} `a` is not [..., n, n].
 * @throws {DomainError} a matrix is not positive definite (a leading minor's pivot is ≤ 0, or NaN/±∞ from
 *   non-finite entries); the message names the matrix of the batch and the order of the minor.
 * @example
 * cholesky([[4, 2], [2, 5]]); // [[2, 0], [1, 2]]
 * cholesky(tf.stack([tf.eye(3), tf.mul(4, tf.eye(3))])); // [2, 3, 3]: I and 2·I
 */
export function cholesky(a: TensorInput): tf.Tensor {
  const fn = 'cholesky';
  return tf.tidy(() => {
    const at = toFloatTensor(a, 'a', fn);
    const { batch, n } = squareMatrixShape(at, 'a', fn);
    return choleskyFactor(at, batch, n, fn, 'a');
  });
}
