import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, toSeed, type Seed } from '@elbo/core';
import type { EpochMetrics } from '../checkpoint/checkpoint-format.js';
import { describeValue } from './describe-value.js';
import type { GradientPool } from './gradient-pool.js';
import type { TrainableModel } from './trainable.js';

/** A data source: a function of the epoch (from 1) giving its batches, or a fixed array of batches. */
export type FitData =
  ((epoch: number) => Iterable<tf.Tensor> | AsyncIterable<tf.Tensor>) | readonly tf.Tensor[];

/** What `onStep` receives after each successful step. */
export interface StepEvent {
  /** The step, counted from 1 over the whole run (a resumed run continues the count). */
  readonly step: number;
  /** The epoch, counted from 1. */
  readonly epoch: number;
  /** The step's loss. */
  readonly loss: number;
  /** The step's terms. */
  readonly terms: Readonly<Record<string, number>>;
  /** The KL weight the step used (KL warm-up). */
  readonly klWeight: number;
  /** The global gradient norm before clipping. */
  readonly gradientNorm: number;
  /** Images (batch rows) per second so far in this epoch. */
  readonly imagesPerSecond: number;
}

/** What `onEpochEnd` receives after each completed epoch (and its checkpoint). */
export interface EpochEndEvent {
  /** The epoch, counted from 1. */
  readonly epoch: number;
  /** The step count at its end. */
  readonly step: number;
  /** Its metrics (means over its steps). */
  readonly metrics: EpochMetrics;
  /** Its seconds of training (the checkpoint write excluded). */
  readonly seconds: number;
  /** Whether a checkpoint of it was written. */
  readonly checkpointed: boolean;
}

/** Returning `'stop'` (or a promise of it) from a callback ends training. */
export type CallbackResult = void | 'stop' | Promise<void | 'stop'>;

/**
 * Progress callbacks of {@link fit}.
 *
 * @example
 * const callbacks: FitCallbacks = { onEpochEnd: ({ metrics }) => (metrics.loss < 90 ? 'stop' : undefined) };
 */
export interface FitCallbacks {
  /**
   * After every step. `'stop'` ends training at once: the partial epoch is not counted as completed and
   * gets no checkpoint (the model keeps the steps' updates in memory).
   */
  readonly onStep?: (event: StepEvent) => CallbackResult;
  /** After every epoch, once its checkpoint is written. `'stop'` ends training. */
  readonly onEpochEnd?: (event: EpochEndEvent) => CallbackResult;
}

/** Where {@link fit} writes a checkpoint after every epoch and, with `resume`, reads one. */
export type FitCheckpoint =
  | {
      /**
       * A URL a tf.io router serves (`indexeddb://run1`); with `@elbo/models/node`'s `fit`, also a
       * directory path (written atomically).
       */
      readonly dir: string;
    }
  | {
      /** Any tf.io IOHandler with `save` (and `load`, to resume). */
      readonly handler: tf.io.IOHandler;
    };

/**
 * The options of {@link fit}.
 *
 * @example
 * const options: FitOptions = { model, data: (epoch) => batches(epoch), epochs: 10, seed: 0, clipNorm: 5 };
 */
export interface FitOptions {
  /** The model to train (its variables are updated in place). */
  readonly model: TrainableModel;
  /**
   * The batches, [B, ...] each. A function source's batches are disposed by the trainer after their
   * step; an array's stay the caller's (the same batches every epoch).
   */
  readonly data: FitData;
  /** The total number of epochs (a resumed run continues to it); an integer ≥ 1. */
  readonly epochs: number;
  /** The run's seed: step k uses `foldIn(seed, k)`. */
  readonly seed: Seed | number;
  /** The optimizer; default `adam(learningRate)` (tfjs's Adam, fused on wasm), created and disposed by fit. */
  readonly optimizer?: tf.Optimizer;
  /** The default Adam's learning rate (default 1e-3); not with `optimizer`. */
  readonly learningRate?: number;
  /** Progress callbacks; each may return `'stop'`. */
  readonly callbacks?: FitCallbacks;
  /** KL warm-up: the KL weight rises linearly from 0 at step 1 to 1 at step `klWarmup + 1` (default 0: always 1). */
  readonly klWarmup?: number;
  /** Clip the gradients to this global L2 norm (> 0); default no clipping. */
  readonly clipNorm?: number;
  /** Write a checkpoint after every epoch, here. */
  readonly checkpoint?: FitCheckpoint;
  /**
   * Continue from the checkpoint in `checkpoint` (it must exist): restores the variables, state,
   * optimizer state, step count, metrics, and trains the epochs after its epoch up to `epochs`. With
   * `epochs` ≤ the checkpoint's epoch it is a no-op: the model gets the checkpoint's values, nothing is
   * trained or written.
   */
  readonly resume?: boolean;
  /**
   * Data-parallel training: the batch of each step is split into `pool.shares` parts, all but the first
   * computed by the pool (e.g. on other threads), and their gradients averaged (see {@link GradientPool}).
   */
  readonly pool?: GradientPool;
}

/**
 * What {@link fit} returns.
 *
 * @example
 * const { epoch, steps, loss, imagesPerSecond } = await fit(options);
 */
export interface FitResult {
  /** The last completed epoch (counting those of a resumed checkpoint). */
  readonly epoch: number;
  /** The total step count (counting a resumed checkpoint's). */
  readonly steps: number;
  /** The seconds this call trained. */
  readonly seconds: number;
  /** Images per second over this call's steps (0 when none). */
  readonly imagesPerSecond: number;
  /** The mean loss of the last completed epoch (NaN when none). */
  readonly loss: number;
  /** The epoch resumed from, or null. */
  readonly resumedFrom: number | null;
  /** The last checkpoint written or resumed from, or null. */
  readonly checkpoint: { readonly epoch: number; readonly step: number; readonly source: string } | null;
  /** The metrics of every completed epoch (a resumed checkpoint's included). */
  readonly metrics: readonly EpochMetrics[];
  /** Whether a callback stopped training. */
  readonly stopped: boolean;
}

/** The checked options. */
export interface CheckedFitOptions {
  readonly model: TrainableModel;
  readonly data: FitData;
  readonly epochs: number;
  readonly seed: Seed;
  readonly optimizer: tf.Optimizer | undefined;
  readonly learningRate: number;
  readonly onStep: FitCallbacks['onStep'];
  readonly onEpochEnd: FitCallbacks['onEpochEnd'];
  readonly klWarmup: number;
  readonly clipNorm: number | undefined;
  readonly checkpoint: unknown;
  readonly checkpointArg: string;
  readonly resume: boolean;
  readonly pool: GradientPool | undefined;
}

const FN = 'fit';
const KEYS = [
  'model',
  'data',
  'epochs',
  'seed',
  'optimizer',
  'learningRate',
  'callbacks',
  'klWarmup',
  'clipNorm',
  'checkpoint',
  'resume',
  'pool',
];

function unknownKeys(record: Record<string, unknown>, allowed: readonly string[], arg: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new ArgumentError(
        `${FN}: ${arg} has the unknown option '${key}', expected only ${allowed.map((k) => `'${k}'`).join(', ')}`,
      );
    }
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Checks fit's options, naming the option in every error. */
export function checkFitOptions(options: unknown): CheckedFitOptions {
  if (!isObject(options)) {
    throw new ArgumentError(`${FN}: argument 'options' is ${describeValue(options)}, expected an object`);
  }
  unknownKeys(options, KEYS, `argument 'options'`);
  const o = options as Partial<Record<keyof FitOptions, unknown>>;
  const model = o.model as TrainableModel | undefined;
  if (
    !isObject(model) ||
    !isObject(model.variables) ||
    !isObject(model.state) ||
    typeof model.loss !== 'function' ||
    !isObject(model.config) ||
    typeof model.config.kind !== 'string'
  ) {
    throw new ArgumentError(
      `${FN}: option 'model' is ${describeValue(model)}, expected a TrainableModel ({ config: { kind }, variables, state, loss, dispose })`,
    );
  }
  for (const [name, v] of Object.entries(model.variables)) {
    if (!(v instanceof tf.Variable)) {
      throw new ArgumentError(
        `${FN}: option 'model': variables['${name}'] is ${describeValue(v)}, expected a tf.Variable`,
      );
    }
  }
  const data = o.data;
  if (typeof data !== 'function' && !Array.isArray(data)) {
    throw new ArgumentError(
      `${FN}: option 'data' is ${describeValue(data)}, expected a function (epoch) => iterable of batches, or an array of tensors`,
    );
  }
  if (Array.isArray(data)) {
    if (data.length === 0)
      throw new ArgumentError(`${FN}: option 'data' is an empty array, expected at least one batch`);
    const bad = data.findIndex((t) => !(t instanceof tf.Tensor) || t.isDisposed);
    if (bad >= 0) {
      throw new ArgumentError(
        `${FN}: option 'data'[${bad}] is ${describeValue(data[bad])}, expected a live tf.Tensor`,
      );
    }
  }
  const epochs = o.epochs;
  if (typeof epochs !== 'number' || !Number.isSafeInteger(epochs) || epochs < 1) {
    throw new ArgumentError(`${FN}: option 'epochs' is ${describeValue(epochs)}, expected an integer ≥ 1`);
  }
  if (o.seed === undefined) {
    throw new ArgumentError(
      `${FN}: option 'seed' is missing, expected a Seed or a non-negative safe integer`,
    );
  }
  const seed = toSeed(o.seed as Seed | number, 'options.seed', FN);
  const optimizer = o.optimizer;
  if (
    optimizer !== undefined &&
    (!isObject(optimizer) || typeof (optimizer as { applyGradients?: unknown }).applyGradients !== 'function')
  ) {
    throw new ArgumentError(
      `${FN}: option 'optimizer' is ${describeValue(optimizer)}, expected a tf.Optimizer (e.g. tf.train.adam(1e-3))`,
    );
  }
  const lr = o.learningRate;
  if (lr !== undefined) {
    if (optimizer !== undefined) {
      throw new ArgumentError(
        `${FN}: options 'learningRate' and 'optimizer' were both given; set the rate on the optimizer`,
      );
    }
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
      throw new ArgumentError(
        `${FN}: option 'learningRate' is ${describeValue(lr)}, expected a finite number > 0`,
      );
    }
  }
  const callbacks = o.callbacks;
  if (callbacks !== undefined) {
    if (!isObject(callbacks)) {
      throw new ArgumentError(
        `${FN}: option 'callbacks' is ${describeValue(callbacks)}, expected { onStep?, onEpochEnd? }`,
      );
    }
    unknownKeys(callbacks, ['onStep', 'onEpochEnd'], `option 'callbacks'`);
    for (const k of ['onStep', 'onEpochEnd']) {
      if (callbacks[k] !== undefined && typeof callbacks[k] !== 'function') {
        throw new ArgumentError(
          `${FN}: option 'callbacks.${k}' is ${describeValue(callbacks[k])}, expected a function`,
        );
      }
    }
  }
  const klWarmup = o.klWarmup ?? 0;
  if (typeof klWarmup !== 'number' || !Number.isSafeInteger(klWarmup) || klWarmup < 0) {
    throw new ArgumentError(
      `${FN}: option 'klWarmup' is ${describeValue(klWarmup)}, expected an integer ≥ 0 (steps)`,
    );
  }
  const clipNorm = o.clipNorm;
  if (
    clipNorm !== undefined &&
    (typeof clipNorm !== 'number' || !Number.isFinite(clipNorm) || clipNorm <= 0)
  ) {
    throw new ArgumentError(
      `${FN}: option 'clipNorm' is ${describeValue(clipNorm)}, expected a finite number > 0`,
    );
  }
  const checkpoint = o.checkpoint;
  let location: unknown;
  let checkpointArg = 'options.checkpoint';
  if (checkpoint !== undefined) {
    if (!isObject(checkpoint)) {
      throw new ArgumentError(
        `${FN}: option 'checkpoint' is ${describeValue(checkpoint)}, expected { dir } or { handler }`,
      );
    }
    unknownKeys(checkpoint, ['dir', 'handler'], `option 'checkpoint'`);
    if ((checkpoint.dir === undefined) === (checkpoint.handler === undefined)) {
      throw new ArgumentError(`${FN}: option 'checkpoint' needs exactly one of 'dir' and 'handler'`);
    }
    location = checkpoint.dir ?? checkpoint.handler;
    checkpointArg = checkpoint.dir !== undefined ? 'options.checkpoint.dir' : 'options.checkpoint.handler';
  }
  const resume = o.resume ?? false;
  if (typeof resume !== 'boolean') {
    throw new ArgumentError(`${FN}: option 'resume' is ${describeValue(resume)}, expected a boolean`);
  }
  if (resume && checkpoint === undefined) {
    throw new ArgumentError(
      `${FN}: option 'resume' is true but no 'checkpoint' ({ dir } or { handler }) was given`,
    );
  }
  const pool = o.pool as GradientPool | undefined;
  if (
    pool !== undefined &&
    (!isObject(pool) ||
      typeof pool.compute !== 'function' ||
      !Number.isInteger(pool.shares) ||
      (pool.shares as number) < 2)
  ) {
    throw new ArgumentError(
      `${FN}: option 'pool' is ${describeValue(pool)}, expected a GradientPool { shares (an integer ≥ 2), compute }`,
    );
  }
  const cb = (callbacks ?? {}) as FitCallbacks;
  return {
    model,
    data: data as FitData,
    epochs,
    seed,
    optimizer: optimizer as tf.Optimizer | undefined,
    learningRate: lr ?? 1e-3,
    onStep: cb.onStep,
    onEpochEnd: cb.onEpochEnd,
    klWarmup,
    clipNorm: clipNorm as number | undefined,
    checkpoint: location,
    checkpointArg,
    resume,
    pool,
  };
}
