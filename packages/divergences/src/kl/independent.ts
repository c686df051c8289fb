import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import type { KlContext } from '../kl-table.js';

/** What the Independent KL reads: the base distribution and how many of its batch axes are event axes. */
export interface ReinterpretedParams {
  readonly base: Distribution;
  readonly reinterpretedBatchNdims: number;
}

/**
 * KL(Independent(p₀, r) ‖ Independent(q₀, r)) = the sum over the r reinterpreted (rightmost batch) axes of
 * KL(p₀‖q₀), the base pair looked up in the same table (`context.kl`), since the log-density of an
 * Independent is the sum of its base's over those axes. The caller owns the result.
 *
 * @throws {ArgumentError} When p and q reinterpret different numbers of axes (their event shapes
 *   then split differently between base batch and base event), or the base pair has no closed form.
 * @example klIndependentIndependent(new Independent(new Normal([0, 0], [1, 1]), 1), new Independent(new Normal([1, 0], [2, 1]), 1), ctx).print(); // 0.4431
 */
export function klIndependentIndependent(
  p: ReinterpretedParams,
  q: ReinterpretedParams,
  context: KlContext,
): tf.Tensor {
  const r = p.reinterpretedBatchNdims;
  if (q.reinterpretedBatchNdims !== r) {
    throw new ArgumentError(
      `klDivergence: p is Independent(${p.base.name}, ${r}) and q is Independent(${q.base.name}, ${q.reinterpretedBatchNdims}), expected the same number of reinterpreted batch axes`,
    );
  }
  return tf.tidy(() => {
    const base = context.kl(p.base, q.base);
    if (r === 0) return base;
    const axes = Array.from({ length: r }, (_, i) => base.rank - 1 - i);
    return tf.sum(base, axes);
  });
}
