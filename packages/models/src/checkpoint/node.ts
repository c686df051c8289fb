/// <reference types="node" />
// The `@elbo/models/node` entry: everything of the checkpoint API, with directory paths as locations
// (the atomic file handler on node:fs). Browser builds never import this module.
import type { FitOptions, FitResult } from '../trainer/fit-options.js';
import { fitWith } from '../trainer/fit.js';
import type { Checkpoint } from './checkpoint-format.js';
import { loadCheckpointWith } from './load-checkpoint.js';
import type { CheckpointLocation } from './location.js';
import { resolveNodeLocation } from './node-location.js';
import {
  saveCheckpointWith,
  type SaveCheckpointOptions,
  type SaveCheckpointResult,
} from './save-checkpoint.js';

export { fileCheckpointHandler, type FileCheckpointHandler } from './file-handler.js';

/**
 * `fit` of `@elbo/models` where `checkpoint.dir` may also be a directory path (or `file://` URL): each
 * epoch's checkpoint is written to `<dir>.tmp`, then swapped in by renames, so a kill at any moment
 * leaves a loadable checkpoint.
 *
 * @example
 * import { fit } from '@elbo/models/node';
 * await fit({ model, data, epochs: 20, seed: 0, checkpoint: { dir: 'runs/vae' }, resume: true });
 */
export function fit(options: FitOptions): Promise<FitResult> {
  return fitWith(resolveNodeLocation, options);
}

/**
 * `loadCheckpoint` of `@elbo/models` that also reads a directory path.
 *
 * @example
 * import { loadCheckpoint } from '@elbo/models/node';
 * const ckpt = await loadCheckpoint('runs/vae'); // DataFormatError if missing or corrupt
 */
export function loadCheckpoint(location: CheckpointLocation): Promise<Checkpoint> {
  return loadCheckpointWith(resolveNodeLocation, location);
}

/**
 * `saveCheckpoint` of `@elbo/models` that also writes a directory path, atomically.
 *
 * @example
 * import { saveCheckpoint } from '@elbo/models/node';
 * await saveCheckpoint('runs/vae', { model, optimizer, step: 100, epoch: 1, seed: 0 });
 */
export function saveCheckpoint(
  location: CheckpointLocation,
  options: SaveCheckpointOptions,
): Promise<SaveCheckpointResult> {
  return saveCheckpointWith(resolveNodeLocation, location, options);
}
