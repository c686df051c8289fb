import * as tf from '@tensorflow/tfjs-core';

/**
 * The set a distribution puts its mass on, as in torch.distributions.constraints. `contains(value)`
 * returns a boolean tensor over the value's batch (event axes reduced), used by `validate: true` and by
 * `logProb`, which is −∞ outside the support.
 */
export interface Support {
  /** A readable name: `real`, `positive`, `interval(0, 1)`, `simplex`, ... */
  readonly name: string;
  /** Whether the support is discrete (counts, categories, booleans). */
  readonly discrete: boolean;
  /** How many trailing axes form one event (0 for scalars, 1 for vectors, 2 for matrices). */
  readonly eventRank: number;
  /** Elementwise (event-reduced) membership test; the caller owns the result. */
  contains(value: tf.Tensor): tf.Tensor;
}

function all(x: tf.Tensor, eventRank: number): tf.Tensor {
  if (eventRank === 0) return x;
  const axes = Array.from({ length: eventRank }, (_, i) => x.rank - 1 - i);
  return tf.all(x, axes);
}

function make(
  name: string,
  discrete: boolean,
  eventRank: number,
  test: (v: tf.Tensor) => tf.Tensor,
): Support {
  return {
    name,
    discrete,
    eventRank,
    contains: (value) => tf.tidy(() => all(test(value), eventRank)),
  };
}

/** The real line ℝ (finite values). */
export const real: Support = make('real', false, 0, (v) => tf.isFinite(v));
/** Real vectors ℝⁿ. */
export const realVector: Support = make('real_vector', false, 1, (v) => tf.isFinite(v));
/** (0, ∞). */
export const positive: Support = make('positive', false, 0, (v) =>
  tf.logicalAnd(tf.greater(v, 0), tf.isFinite(v)),
);
/** [0, ∞). */
export const nonNegative: Support = make('nonnegative', false, 0, (v) =>
  tf.logicalAnd(tf.greaterEqual(v, 0), tf.isFinite(v)),
);
/** [0, 1]. */
export const unitInterval: Support = make('unit_interval', false, 0, (v) =>
  tf.logicalAnd(tf.greaterEqual(v, 0), tf.lessEqual(v, 1)),
);
/** {0, 1}. */
export const booleanSupport: Support = make('boolean', true, 0, (v) =>
  tf.logicalOr(tf.equal(v, 0), tf.equal(v, 1)),
);
/** {0, 1, 2, ...}. */
export const nonNegativeInteger: Support = make('nonnegative_integer', true, 0, (v) =>
  tf.logicalAnd(tf.greaterEqual(v, 0), tf.equal(v, tf.floor(v))),
);
/** The probability simplex: non-negative vectors summing to 1 (to float32 precision). */
export const simplex: Support = make('simplex', false, 1, (v) =>
  tf.logicalAnd(
    tf.greaterEqual(v, 0),
    tf.less(tf.abs(tf.sub(tf.sum(v, -1, true), 1)), 1e-5 * v.shape[v.rank - 1]!),
  ),
);
/** One-hot vectors. */
export const oneHot: Support = make('one_hot', true, 1, (v) =>
  tf.logicalAnd(tf.logicalOr(tf.equal(v, 0), tf.equal(v, 1)), tf.equal(tf.sum(v, -1, true), 1)),
);

/** The interval [low, high] for tensors `low`, `high` broadcast against the value. */
export function interval(low: tf.Tensor, high: tf.Tensor): Support {
  return make('interval', false, 0, (v) => tf.logicalAnd(tf.greaterEqual(v, low), tf.lessEqual(v, high)));
}

/** {0, 1, ..., n − 1}: category indices. */
export function integerInterval(n: number): Support {
  return make(`integer_interval(0, ${n - 1})`, true, 0, (v) =>
    tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(v, 0), tf.less(v, n)), tf.equal(v, tf.floor(v))),
  );
}

/** Swaps the last two axes of a tensor of rank ≥ 2. */
function transposeLast(v: tf.Tensor): tf.Tensor {
  const perm = v.shape.map((_, i) => i);
  perm[v.rank - 1] = v.rank - 2;
  perm[v.rank - 2] = v.rank - 1;
  return tf.transpose(v, perm);
}

/**
 * Symmetric positive-definite matrices. Checked through symmetry and a positive diagonal, which every
 * SPD matrix has; a full check needs a Cholesky factorisation (`@elbo/core`'s `cholesky` reports it).
 */
export const positiveDefinite: Support = make('positive_definite', false, 2, (v) => {
  const n = v.shape[v.rank - 1] ?? 0;
  const diagonal = tf.mul(v, tf.eye(n));
  const symmetric = tf.lessEqual(tf.abs(tf.sub(v, transposeLast(v))), tf.add(1e-5, tf.mul(1e-5, tf.abs(v))));
  const positiveDiagonal = tf.greater(tf.add(diagonal, tf.sub(1, tf.eye(n))), 0);
  return tf.logicalAnd(symmetric, positiveDiagonal);
});
