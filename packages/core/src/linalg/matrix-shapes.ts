import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, formatShape } from '../args/shapes.js';
import { ShapeError } from '../errors/errors.js';

/** The batch axes and order of a (batch of) square matrices [..., n, n]. */
export interface SquareMatrixShape {
  /** The leading batch axes. */
  readonly batch: number[];
  /** The order n of each matrix. */
  readonly n: number;
}

/**
 * Checks that `x` is a square matrix or a batch of them, [..., n, n], and returns its batch axes and n.
 *
 * @throws {ShapeError} `cholesky: argument 'a' has shape [2,3], expected [..., n, n] (a square matrix or a batch of them)`.
 * @example squareMatrixShape(tf.zeros([4, 3, 3]), 'a', 'cholesky') // { batch: [4], n: 3 }
 */
export function squareMatrixShape(x: tf.Tensor, arg: string, fn: string): SquareMatrixShape {
  const shape = x.shape;
  const n = shape[shape.length - 1];
  const m = shape[shape.length - 2];
  if (n === undefined || m === undefined || m !== n) {
    throw new ShapeError(
      `${fn}: argument '${arg}' has shape ${formatShape(shape)}, expected [..., n, n] (a square matrix or a batch of them)`,
    );
  }
  return { batch: shape.slice(0, -2), n };
}

/**
 * Checks that `b` is a right-hand side [..., n, k] for the n×n matrix argument `matrixArg` and returns its
 * batch axes and k.
 *
 * @throws {ShapeError} `triangularSolve: argument 'b' has shape [4,2], expected [..., 3, k] to match 'l' [3,3]`.
 * @example rightHandSideShape(tf.zeros([3, 2]), 3, 'b', 'triangularSolve', 'l', [3, 3]) // { batch: [], k: 2 }
 */
export function rightHandSideShape(
  b: tf.Tensor,
  n: number,
  arg: string,
  fn: string,
  matrixArg: string,
  matrixShape: readonly number[],
): { batch: number[]; k: number } {
  const shape = b.shape;
  const k = shape[shape.length - 1];
  const rows = shape[shape.length - 2];
  if (k === undefined || rows === undefined || rows !== n) {
    const hint = shape.length === 1 && shape[0] === n ? ` (a vector: reshape it to [${n}, 1])` : '';
    throw new ShapeError(
      `${fn}: argument '${arg}' has shape ${formatShape(shape)}, expected [..., ${n}, k] to match '${matrixArg}' ${formatShape(matrixShape)}${hint}`,
    );
  }
  return { batch: shape.slice(0, -2), k };
}

/**
 * The broadcast of two arguments' batch axes, or a {@link ShapeError} naming the function, both arguments
 * and their full shapes.
 *
 * @example batchBroadcast([2, 1], [3], 'triangularSolve', 'l', [2, 1, 3, 3], 'b', [3, 3, 2]) // [2, 3]
 */
export function batchBroadcast(
  batchA: readonly number[],
  batchB: readonly number[],
  fn: string,
  argA: string,
  shapeA: readonly number[],
  argB: string,
  shapeB: readonly number[],
): number[] {
  try {
    return broadcastShapes(batchA, batchB, fn, argA, argB);
  } catch (cause) {
    throw new ShapeError(
      `${fn}: the batch axes of '${argA}' ${formatShape(batchA)} (shape ${formatShape(shapeA)}) and '${argB}' ` +
        `${formatShape(batchB)} (shape ${formatShape(shapeB)}) do not broadcast; expected equal batch axes or axes of size 1`,
      { cause },
    );
  }
}

/** The number of elements of a shape (1 for []). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * Broadcasts `x` [...own batch, rows, cols] to [...batch, rows, cols] (a no-op when the batch axes are
 * already equal) and flattens the batch axes: [size(batch), rows, cols]. Both steps have gradients
 * (`tf.broadcastTo` sums over the axes it expanded), so it may sit on a differentiated path.
 */
export function toMatrixStack(x: tf.Tensor, batch: readonly number[]): tf.Tensor3D {
  const rows = x.shape[x.rank - 2] ?? 0;
  const cols = x.shape[x.rank - 1] ?? 0;
  const full = [...batch, rows, cols];
  const broadcast =
    x.shape.length === full.length && x.shape.every((d, i) => d === full[i]) ? x : tf.broadcastTo(x, full);
  return tf.reshape(broadcast, [shapeSize(batch), rows, cols]);
}
