import type * as tf from '@tensorflow/tfjs-core';
import type { Seed } from '@elbo/core';

/** A JSON value: what a model's config and a checkpoint's metadata are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a loss evaluation receives besides the batch. */
export interface LossOptions {
  /** The seed of this step's draws (the trainer passes `foldIn(runSeed, step)`). */
  readonly seed: Seed;
  /** The weight of the KL term (KL warm-up: from 0 to the model's β over the first steps); default 1. */
  readonly klWeight?: number;
  /** Whether this is a training step (batch norm uses batch statistics and updates its running ones). */
  readonly training?: boolean;
}

/** A loss and its named terms: every tensor a scalar the caller owns. */
export interface LossResult {
  /** The quantity minimised, e.g. −ELBO per image, averaged over the batch. */
  readonly loss: tf.Scalar;
  /** Named parts (`reconstruction`, `kl`, ...), each averaged over the batch, for progress and diagnosis. */
  readonly terms: Readonly<Record<string, tf.Scalar>>;
}

/**
 * What the trainer needs of a model: a JSON config it can be rebuilt from, its trainable variables by
 * stable names (`encoder/dense0/kernel`, ...), non-trainable state saved with it (batch-norm running
 * statistics), and a loss on a batch of images [B, H, W, C] (or [B, D]) in [0, 1].
 */
export interface TrainableModel {
  /** Everything needed to rebuild the model (with `createModel(config)`), JSON-serialisable. */
  readonly config: { readonly kind: string } & { readonly [key: string]: Json };
  /** The trainable variables by name, in a fixed order. */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** State that is saved and restored but not trained (running means, ...), by name; may be empty. */
  readonly state: Readonly<Record<string, tf.Variable>>;
  /** The loss on one batch. Called inside the trainer's gradient tape. */
  loss(batch: tf.Tensor, options: LossOptions): LossResult;
  /** Frees the variables and state. */
  dispose(): void;
}
