import type { Seed } from '@elbo/core';

/** One share of a step's batch, as a {@link GradientPool} receives it. */
export interface GradientShare {
  /** The images, row-major, `shape[0]` of them. */
  readonly images: Float32Array;
  readonly shape: readonly number[];
  /** The seed of this share's draws. */
  readonly seed: Seed;
}

/** What a {@link GradientPool} returns for one share: its loss, terms and gradients (as numbers). */
export interface ShareGradients {
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
  /** The gradient of the share's loss for each variable, in the model's variable order. */
  readonly grads: readonly Float32Array[];
}

/**
 * Computes shares of a training step's gradient elsewhere (other threads or processes), for
 * data-parallel training with `fit({ pool })`. Each step the trainer splits the batch into `shares`
 * near-equal parts along its first axis, computes the first itself and hands the others, with the
 * model's current weights, to `compute`; it then averages the shares' losses, terms and gradients,
 * weighted by their sizes, and applies one optimizer update. Every share computes the same loss on a
 * copy of the model built from `model.config`. The model's state (batch-norm running statistics) is
 * updated by the trainer's own share only.
 *
 * `@elbo/cli` has one on Node's worker_threads (`elbo train --workers N`).
 */
export interface GradientPool {
  /** The number of shares, the trainer's own included (≥ 2). */
  readonly shares: number;
  /**
   * The gradients of the loss of each share (shares 1 … shares−1 of the step), with the model's
   * variables set to `weights` (in the model's variable order) and the KL weight `klWeight`.
   */
  compute(
    weights: readonly Float32Array[],
    shares: readonly GradientShare[],
    klWeight: number,
  ): Promise<ShareGradients[]>;
}
