import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma } from '@elbo/core';

/**
 * ln Γ and ψ of a few scalars, computed with `@elbo/core`'s float32 ops on the active backend and read
 * back in one download. Internal: the small bookkeeping of the CAVI bounds.
 */
export function lgammaAndDigamma(args: readonly number[]): { lgamma: number[]; digamma: number[] } {
  if (args.length === 0) return { lgamma: [], digamma: [] };
  const values = tf.tidy(() => {
    const x = tf.tensor1d(args as number[], 'float32');
    return tf.concat([lgamma(x), digamma(x)]).dataSync();
  });
  const n = args.length;
  return { lgamma: Array.from(values.subarray(0, n)), digamma: Array.from(values.subarray(n)) };
}
