import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { ArgumentError } from '../errors/errors.js';
import {
  batchBroadcast,
  rightHandSideShape,
  shapeSize,
  squareMatrixShape,
  toMatrixStack,
} from './matrix-shapes.js';
import { keepTriangle, substitute, transposeMatrices } from './substitution.js';

/** Options of {@link triangularSolve}. */
export interface TriangularSolveOptions {
  /** `l` is lower triangular (true, the default) or upper triangular (false). Only that triangle is read. */
  readonly lower?: boolean;
  /** Solve with the transpose, Lᵀ X = B, instead of L X = B (default false). */
  readonly adjoint?: boolean;
}

const OPTION_NAMES: readonly string[] = ['lower', 'adjoint'];

function readOptions(options: unknown, fn: string): { lower: boolean; adjoint: boolean } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(
      `${fn}: argument 'options' is ${options === null ? 'null' : Array.isArray(options) ? 'an array' : `a ${typeof options}`}, expected an object { lower?: boolean, adjoint?: boolean }`,
    );
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new ArgumentError(
        `${fn}: unknown option '${key}', expected one of ${OPTION_NAMES.map((k) => `'${k}'`).join(', ')}`,
      );
    }
  }
  const read = (key: string, fallback: boolean): boolean => {
    const value = record[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      throw new ArgumentError(
        `${fn}: option '${key}' is ${JSON.stringify(value) ?? typeof value}, expected true or false`,
      );
    }
    return value;
  };
  return { lower: read('lower', true), adjoint: read('adjoint', false) };
}

/** X = T⁻¹B (or T⁻ᵀB with `adjoint`) for a stack of triangular T, no gradient. */
function solveNoGrad(t: tf.Tensor3D, b: tf.Tensor3D, lower: boolean, adjoint: boolean): tf.Tensor3D {
  // Tᵀ of a lower-triangular T is upper triangular, and the other way round.
  return adjoint ? substitute(transposeMatrices(t), b, !lower) : substitute(t, b, lower);
}

/**
 * Solves T X = B (or Tᵀ X = B) for stacks T [B, n, n], B [B, n, k] with equal batch size, with the
 * gradients of torch's `linalg_solve_triangular` backward: for M = T (or Tᵀ),
 *
 *   B̄ = M⁻ᵀ X̄,   M̄ = −B̄ Xᵀ,   so T̄ = tril(−B̄ Xᵀ) (or tril(−X B̄ᵀ) with `adjoint`; triu when upper),
 *
 * confined to T's triangle since only that triangle is read. Internal: callers validate and broadcast.
 */
export function solveTriangularStack(
  t: tf.Tensor3D,
  b: tf.Tensor3D,
  lower: boolean,
  adjoint: boolean,
): tf.Tensor3D {
  const solve = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [tIn, bIn, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    const x = solveNoGrad(tIn, bIn, lower, adjoint);
    save([tIn, x]);
    return {
      value: x,
      gradFunc: (dx: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [tSaved, xSaved] = saved as [tf.Tensor3D, tf.Tensor3D];
        const gradB = solveNoGrad(tSaved, dx, lower, !adjoint);
        const outer: tf.Tensor3D = adjoint
          ? tf.matMul(xSaved, gradB, false, true)
          : tf.matMul(gradB, xSaved, false, true);
        return [keepTriangle(tf.neg(outer), lower), gradB];
      },
    };
  });
  return solve(t, b) as tf.Tensor3D;
}

/**
 * Solves a triangular system by substitution: L X = B, or Lᵀ X = B with `adjoint`, for L lower
 * triangular (or U X = B, Uᵀ X = B with `lower: false`), on batches: `l` [..., n, n], `b` [..., n, k],
 * the batch axes broadcast as in NumPy. Forward substitution solves L X = B row by row,
 *
 *   x_i = (b_i − Σ_{j<i} L_ij x_j) / L_ii,
 *
 * back substitution the upper-triangular systems. Only the triangle named by `lower` is read: the other
 * one may hold anything (a full matrix's lower triangle is used, as in LAPACK `trtrs` and torch).
 *
 * Differentiable w.r.t. both arguments, with the gradients of torch's `solve_triangular`: for the
 * system matrix M (L or Lᵀ) and upstream gradient X̄, B̄ = M⁻ᵀ X̄ and M̄ = −B̄ Xᵀ, confined to the triangle
 * read. A zero on the diagonal (a singular L) gives ±Infinity or NaN, not an error: check the factor
 * first where that can happen. Returns a new float32 tensor [...batch, n, k] that the caller owns.
 *
 * Composed of tfjs-core ops (n steps of a few ops each, vectorised over the batch and the k columns),
 * so it runs on every backend and never reads data back.
 *
 * @param l Triangular matrix or batch of them, [..., n, n].
 * @param b Right-hand sides, [..., n, k] (a vector must be reshaped to [n, 1]).
 * @param options `lower` (default true): which triangle of `l` holds the matrix; `adjoint` (default
 *   false): solve with its transpose.
 * @throws {ShapeError} `l` is not [..., n, n], `b` is not [..., n, k], or the batch axes do not broadcast.
 * @throws {ArgumentError} an argument is not numeric, or an option is unknown or not a boolean.
 * @example
 * const x = triangularSolve([[2, 0], [1, 1]], [[2], [3]]); // L X = B: [[1], [2]]
 * const y = triangularSolve([[2, 0], [1, 1]], [[2], [3]], { adjoint: true }); // Lᵀ Y = B: [[-0.5], [3]]
 */
export function triangularSolve(
  l: TensorInput,
  b: TensorInput,
  options: TriangularSolveOptions = {},
): tf.Tensor {
  const fn = 'triangularSolve';
  const { lower, adjoint } = readOptions(options, fn);
  return tf.tidy(() => {
    const lt = toFloatTensor(l, 'l', fn);
    const bt = toFloatTensor(b, 'b', fn);
    const { batch: lBatch, n } = squareMatrixShape(lt, 'l', fn);
    const { batch: bBatch, k } = rightHandSideShape(bt, n, 'b', fn, 'l', lt.shape);
    const batch = batchBroadcast(lBatch, bBatch, fn, 'l', lt.shape, 'b', bt.shape);
    // An empty batch or system has an empty solution (tf.broadcastTo cannot broadcast to a zero axis).
    if (shapeSize(batch) === 0 || n === 0 || k === 0) return tf.zeros([...batch, n, k]);
    const x = solveTriangularStack(toMatrixStack(lt, batch), toMatrixStack(bt, batch), lower, adjoint);
    return tf.reshape(x, [...batch, n, k]);
  });
}
