import type * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, toSeed, type Seed } from '@elbo/core';
import type { TrainableModel } from '../trainer/trainable.js';
import { checkpointToArtifacts, disposeCheckpoint, type EpochMetrics } from './checkpoint-format.js';
import { resolveUrlLocation, type CheckpointLocation, type LocationResolver } from './location.js';
import { captureOptimizer } from './optimizer-state.js';

/** What {@link saveCheckpoint} saves: a live model and optimizer, and where training stands. */
export interface SaveCheckpointOptions {
  /** The model: its config, variables and state are saved. */
  readonly model: TrainableModel;
  /** The optimizer whose class, hyper-parameters and state are saved; omitted: none is saved. */
  readonly optimizer?: tf.Optimizer;
  /** The number of training steps done (default 0). */
  readonly step?: number;
  /** The number of epochs completed (default 0). */
  readonly epoch?: number;
  /** The run's seed (default seed(0)). */
  readonly seed?: Seed | number;
  /** The metrics of the completed epochs (default none). */
  readonly metrics?: readonly EpochMetrics[];
}

/** What a save reports. */
export interface SaveCheckpointResult {
  /** What tf.io reported (bytes written, date). */
  readonly info: tf.io.ModelArtifactsInfo | undefined;
  /** Where it went, in words. */
  readonly source: string;
}

function count(x: unknown, arg: string, fn: string): number {
  if (x === undefined) return 0;
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return x;
  throw new ArgumentError(`${fn}: option '${arg}' is ${String(x)}, expected an integer ≥ 0`);
}

/** saveCheckpoint with a given location resolver (the Node entry's knows file paths). */
export async function saveCheckpointWith(
  resolve: LocationResolver,
  location: CheckpointLocation,
  options: SaveCheckpointOptions,
  fn = 'saveCheckpoint',
): Promise<SaveCheckpointResult> {
  const { handler, source } = resolve(location, 'save', 'location', fn);
  const { model } = options;
  if (model === null || typeof model !== 'object' || typeof model.variables !== 'object') {
    throw new ArgumentError(`${fn}: option 'model' is not a TrainableModel (config, variables, state, loss)`);
  }
  const optimizer =
    options.optimizer === undefined ? null : await captureOptimizer(options.optimizer, model.variables);
  const checkpoint = {
    config: model.config,
    variables: model.variables,
    state: model.state,
    optimizer,
    step: count(options.step, 'step', fn),
    epoch: count(options.epoch, 'epoch', fn),
    seed: toSeed(options.seed ?? 0, 'seed', fn),
    metrics: options.metrics ?? [],
  };
  try {
    const artifacts = await checkpointToArtifacts(checkpoint);
    const result = await (handler.save as NonNullable<tf.io.IOHandler['save']>)(artifacts);
    if (result.errors !== undefined && result.errors.length > 0) {
      throw new Error(`${fn}: saving to ${source} failed: ${result.errors.map(String).join('; ')}`);
    }
    return { info: result.modelArtifactsInfo, source };
  } finally {
    if (optimizer !== null) disposeCheckpoint({ ...checkpoint, variables: {}, state: {}, optimizer });
  }
}

/**
 * Saves a checkpoint of a model (and optionally its optimizer) as tfjs model artifacts: `model.json`
 * (format `elbo-checkpoint`; the config, step, epoch, seed, metrics and optimizer hyper-parameters under
 * `userDefinedMetadata.elbo`) and `weights.bin` (variables `variables/<name>`, state `state/<name>`,
 * optimizer state `optimizer/<slot>`). Reads the tensors; frees nothing.
 *
 * @param location - a tf.io IOHandler or a URL (`indexeddb://run1`); file paths: `@elbo/models/node`.
 * @throws ArgumentError for a bad location or option.
 * @example
 * await saveCheckpoint('indexeddb://run1', { model, optimizer, step: 600, epoch: 2, seed: 7 });
 */
export function saveCheckpoint(
  location: CheckpointLocation,
  options: SaveCheckpointOptions,
): Promise<SaveCheckpointResult> {
  return saveCheckpointWith(resolveUrlLocation, location, options);
}
