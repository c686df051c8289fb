import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import {
  batchBroadcast,
  rightHandSideShape,
  shapeSize,
  squareMatrixShape,
  toMatrixStack,
} from './matrix-shapes.js';
import { solveTriangularStack } from './triangular-solve.js';

/**
 * Solves A X = B given the Cholesky factor L of A = L Lᵀ, by two triangular solves:
 *
 *   L Y = B,   Lᵀ X = Y,   so X = L⁻ᵀ L⁻¹ B = A⁻¹ B,
 *
 * on batches: `l` [..., n, n] (only its lower triangle is read), `b` [..., n, k], the batch axes
 * broadcast as in NumPy. Differentiable w.r.t. both arguments (each solve carries the gradient of
 * {@link triangularSolve}; L̄ is lower triangular). The argument is the factor, not A: factor A once with
 * {@link cholesky} and reuse L for every solve and for {@link logDetFromCholesky}. Returns a new float32
 * tensor [...batch, n, k] that the caller owns.
 *
 * @param l Lower-triangular Cholesky factor(s) of A, [..., n, n].
 * @param b Right-hand sides, [..., n, k] (a vector must be reshaped to [n, 1]).
 * @throws {ShapeError} `l` is not [..., n, n], `b` is not [..., n, k], or the batch axes do not broadcast.
 * @example
 * // A = [[4, 2], [2, 5]] = L Lᵀ with L = [[2, 0], [1, 2]]; A X = [[6], [7]] gives X = [[1], [1]].
 * const x = choleskySolve([[2, 0], [1, 2]], [[6], [7]]);
 */
export function choleskySolve(l: TensorInput, b: TensorInput): tf.Tensor {
  const fn = 'choleskySolve';
  return tf.tidy(() => {
    const lt = toFloatTensor(l, 'l', fn);
    const bt = toFloatTensor(b, 'b', fn);
    const { batch: lBatch, n } = squareMatrixShape(lt, 'l', fn);
    const { batch: bBatch, k } = rightHandSideShape(bt, n, 'b', fn, 'l', lt.shape);
    const batch = batchBroadcast(lBatch, bBatch, fn, 'l', lt.shape, 'b', bt.shape);
    // An empty batch or system has an empty solution (tf.broadcastTo cannot broadcast to a zero axis).
    if (shapeSize(batch) === 0 || n === 0 || k === 0) return tf.zeros([...batch, n, k]);
    const l3 = toMatrixStack(lt, batch);
    const y = solveTriangularStack(l3, toMatrixStack(bt, batch), true, false);
    const x = solveTriangularStack(l3, y, true, true);
    return tf.reshape(x, [...batch, n, k]);
  });
}
