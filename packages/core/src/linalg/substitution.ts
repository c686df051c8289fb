import * as tf from '@tensorflow/tfjs-core';

// Gradient-free kernels on stacks of matrices [B, n, n] built from tfjs-core ops. They run inside the
// forward and backward functions of `tf.customGrad`, where the engine records nothing on the tape, and
// the public functions in this directory supply the gradients.

/** Swaps the last two axes of a stack of matrices: Mᵀ for each M. */
export function transposeMatrices(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/**
 * Keeps the lower (`lower`) or upper triangle of each n×n matrix, diagonal included, and puts zeros
 * elsewhere. Uses `tf.where` with one broadcast n×n mask, not `tf.linalg.bandPart` (which unstacks the
 * batch into one op per matrix, and in tfjs-core 4.22 calls chained tensor methods that are absent unless
 * the chaining API is imported), and not a multiplication, which would turn ±∞ outside the band into NaN.
 */
export function keepTriangle(x: tf.Tensor3D, lower: boolean): tf.Tensor3D {
  const n = x.shape[2];
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) mask[i * n + j] = (lower ? j <= i : j >= i) ? 1 : 0;
  }
  return tf.where(tf.tensor2d(mask, [n, n], 'bool'), x, 0);
}

/**
 * Solves T X = B for X by substitution, for T [B, n, n] lower triangular (`lower`, forward substitution)
 * or upper triangular (back substitution), reading only that triangle of T, and B [B, n, k]:
 *
 *   x_i = (b_i − Σ_{j<i} t_ij x_j) / t_ii   (lower; j > i, from i = n−1 down, when upper).
 *
 * One row of X per step, each step a handful of ops vectorised over the batch and the k right-hand sides.
 */
export function substitute(t: tf.Tensor3D, b: tf.Tensor3D, lower: boolean): tf.Tensor3D {
  const [batch, n] = t.shape;
  const k = b.shape[2];
  // `solved` holds the rows of X found so far, in row order: rows [0, i) when lower, (i, n) when upper.
  let solved: tf.Tensor3D | null = null;
  for (let step = 0; step < n; step++) {
    const i = lower ? step : n - 1 - step;
    let r: tf.Tensor3D = tf.slice(b, [0, i, 0], [batch, 1, k]);
    if (solved !== null) {
      const coefficients: tf.Tensor3D = tf.slice(t, [0, i, lower ? 0 : i + 1], [batch, 1, step]);
      r = tf.sub(r, tf.matMul(coefficients, solved));
    }
    const x: tf.Tensor3D = tf.div(r, tf.slice(t, [0, i, i], [batch, 1, 1]));
    solved = solved === null ? x : lower ? tf.concat([solved, x], 1) : tf.concat([x, solved], 1);
  }
  return solved ?? tf.zeros([batch, n, k]);
}
