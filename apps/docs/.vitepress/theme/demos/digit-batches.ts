// The training data of the digit demos (auto-encoder, VAE): endless seeded minibatches of thresholded
// digits, one shuffle per epoch, and the held-out digits as one batch.
import type { Batch, ImageSet } from '@elbo/datasets';

type Datasets = Pick<typeof import('@elbo/datasets'), 'batches'>;

/** Minibatches without end: `next()` moves to the next epoch (a new shuffle) when one is spent. */
export interface BatchStream {
  /** The next batch; the caller owns its tensors. */
  next(): Batch;
  /** The epochs started so far, from 0. */
  readonly epoch: number;
  /** Stops the current epoch's generator (nothing stays allocated). */
  dispose(): void;
}

/** Batches of `batchSize` digits of `set`, shuffled by `seed` and the epoch, full batches only. */
export function batchStream(datasets: Datasets, set: ImageSet, batchSize: number, seed: number): BatchStream {
  const epochBatches = (epoch: number) =>
    datasets.batches(set, { batchSize, seed, epoch, dropLast: true, binarize: { method: 'threshold' } });
  let epoch = 0;
  let current = epochBatches(0);
  return {
    next() {
      let next = current.next();
      if (next.done === true) {
        epoch += 1;
        current = epochBatches(epoch);
        next = current.next();
      }
      if (next.done === true) throw new Error('the training set has no full batch');
      return next.value;
    },
    get epoch() {
      return epoch;
    },
    dispose() {
      current.return?.();
    },
  };
}

/** All the digits of `set` as one thresholded batch, in order; the caller owns its tensors. */
export function wholeBatch(datasets: Datasets, set: ImageSet): Batch {
  return datasets
    .batches(set, { batchSize: set.count, seed: 0, shuffle: false, binarize: { method: 'threshold' } })
    .next().value as Batch;
}
