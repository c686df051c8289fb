import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes } from '@elbo/core';

/** What {@link klSupportMismatch} reads of a distribution: its batch shape. */
export interface BatchShaped {
  readonly batchShape: readonly number[];
}

/**
 * +∞ everywhere (shape: the broadcast batch shape), the KL(p‖q) of a pair in which p gives positive
 * probability to a set where q's density is 0 whatever the parameters: p on ℝ (Normal, Laplace) and q
 * on (0, ∞) or a bounded interval, or p on (0, ∞) and q on a bounded interval. (Where it depends on the
 * parameters, as for two uniforms, the pair's own formula returns +∞ entry by entry.) The caller owns
 * the result.
 *
 * @example klSupportMismatch(new Normal(0, 1), new Exponential(1)).print(); // Infinity
 */
export function klSupportMismatch(p: BatchShaped, q: BatchShaped): tf.Tensor {
  return tf.fill(broadcastShapes(p.batchShape, q.batchShape, 'klDivergence', 'p', 'q'), Infinity);
}
