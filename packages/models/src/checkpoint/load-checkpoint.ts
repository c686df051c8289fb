import type * as tf from '@tensorflow/tfjs-core';
import { DataFormatError, ElboError } from '@elbo/core';
import { artifactsToCheckpoint, type Checkpoint } from './checkpoint-format.js';
import { resolveUrlLocation, type CheckpointLocation, type LocationResolver } from './location.js';

/** loadCheckpoint with a given location resolver (the Node entry's knows file paths). */
export async function loadCheckpointWith(
  resolve: LocationResolver,
  location: CheckpointLocation,
  fn = 'loadCheckpoint',
): Promise<Checkpoint> {
  const { handler, source } = resolve(location, 'load', 'location', fn);
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await (handler.load as NonNullable<tf.io.IOHandler['load']>)();
  } catch (error) {
    if (error instanceof ElboError) throw error;
    throw new DataFormatError(
      `${fn}: no checkpoint could be read from ${source}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return artifactsToCheckpoint(artifacts, source);
}

/**
 * Loads and validates a checkpoint written by {@link saveCheckpoint} or `fit({ checkpoint })`. The
 * returned tensors are the caller's: free them with `disposeCheckpoint(checkpoint)`.
 *
 * @param location - a tf.io IOHandler, or a URL: `http://host/run1` (its `model.json` and `weights.bin`
 *   are fetched), `indexeddb://run1`; file paths: `loadCheckpoint` of `@elbo/models/node`.
 * @throws DataFormatError naming the source and what is wrong: a missing file, malformed JSON, a manifest
 *   whose sizes do not match `weights.bin`, a truncated `weights.bin`, an unknown dtype, bad metadata.
 * @example
 * const ckpt = await loadCheckpoint('http://127.0.0.1:8080/run1');
 * console.log(ckpt.epoch, ckpt.step, Object.keys(ckpt.variables));
 * disposeCheckpoint(ckpt);
 */
export function loadCheckpoint(location: CheckpointLocation): Promise<Checkpoint> {
  return loadCheckpointWith(resolveUrlLocation, location);
}
