import * as tf from '@tensorflow/tfjs-core';
import { formatShape } from '../args/shapes.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { ShapeError } from '../errors/errors.js';

/**
 * The diagonals of a stack of matrices [B, rows, cols] as [B, k], k = min(rows, cols). Entry (i, i) of a
 * row-major matrix sits at offset i·(cols + 1), so the first k·(cols + 1) entries of the flattened matrix
 * (zero-padded when short), seen as [k, cols + 1], hold the diagonal in column 0. Exact, built of
 * reshape/slice/pad (whose gradients run on every backend, unlike `tf.gather`'s, which needs
 * UnsortedSegmentSum, missing on wasm), and unlike a product with the identity it does not turn an
 * off-diagonal ±∞ into NaN. Internal.
 */
export function diagonalOfStack(x: tf.Tensor3D): tf.Tensor2D {
  const [batch, rows, cols] = x.shape;
  const size = Math.min(rows, cols);
  if (batch === 0 || size === 0) return tf.zeros([batch, size]);
  const length = rows * cols;
  const needed = size * (cols + 1);
  const flat: tf.Tensor2D = tf.reshape(x, [batch, length]);
  const fitted =
    needed > length
      ? tf.pad(flat, [
          [0, 0],
          [0, needed - length],
        ])
      : tf.slice(flat, [0, 0], [batch, needed]);
  return tf.reshape(tf.slice(tf.reshape(fitted, [batch, size, cols + 1]), [0, 0, 0], [batch, size, 1]), [
    batch,
    size,
  ]);
}

/**
 * The main diagonal of a matrix, or of each in a batch: for `a` [..., m, n], d_i = a_ii, i < min(m, n),
 * shape [..., min(m, n)] (numpy's `diagonal(axis1=-2, axis2=-1)`, TensorFlow's `matrix_diag_part`, which
 * tfjs-core lacks). Differentiable: the gradient puts d̄ back on the diagonal, zeros elsewhere. Returns a
 * new float32 tensor that the caller owns.
 *
 * @param a Matrix or batch of matrices, [..., m, n].
 * @throws {ShapeError} `a` has rank below 2.
 * @example matrixDiagonal([[1, 2], [3, 4]]); // [1, 4]
 */
export function matrixDiagonal(a: TensorInput): tf.Tensor {
  const fn = 'matrixDiagonal';
  return tf.tidy(() => {
    const at = toFloatTensor(a, 'a', fn);
    if (at.rank < 2) {
      throw new ShapeError(
        `${fn}: argument 'a' has shape ${formatShape(at.shape)}, expected [..., m, n] (a matrix or a batch of them)`,
      );
    }
    const batch = at.shape.slice(0, -2);
    const [rows, cols] = at.shape.slice(-2) as [number, number];
    const stack: tf.Tensor3D = tf.reshape(at, [batch.reduce((p, d) => p * d, 1), rows, cols]);
    return tf.reshape(diagonalOfStack(stack), [...batch, Math.min(rows, cols)]);
  });
}
