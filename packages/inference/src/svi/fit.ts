import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  checkOptions,
  describeValue,
  foldIn,
  formatShape,
  random,
  ShapeError,
  toSeed,
  type Seed,
} from '@elbo/core';
import type { Batch } from '../elbo/model.js';
import { checkInteger } from '../elbo/options.js';
import { relativeChangeConvergence, type ConvergenceOptions, type ConvergenceTest } from './convergence.js';
import type { Svi } from './svi.js';

/** What `trace` receives after every step of {@link fit}. */
export interface FitTraceInfo {
  /** The step, counted from 1 within this fit. */
  readonly step: number;
  /** The epoch (counted from 0), when there is data. */
  readonly epoch: number;
  /** The step's loss. */
  readonly loss: number;
  /** The step's terms, as numbers. */
  readonly terms: Readonly<Record<string, number>>;
}

/** Options of {@link fit}: exactly one of `steps` and `epochs`. */
export interface FitOptions<B extends Batch = Batch> {
  /** How many steps. */
  readonly steps?: number;
  /** How many passes over `data` (needs `data`). */
  readonly epochs?: number;
  /** The data: a tensor or a record of tensors whose first axis indexes data points. */
  readonly data?: B;
  /** Data points per step (default: all of them, one full-batch step per epoch); at most the data size. */
  readonly batchSize?: number;
  /** The seed of the shuffling (needed when batchSize < data size): epoch e uses `foldIn(seed, e)`. */
  readonly seed?: Seed | number;
  /** Called after every step; returning `false` stops the fit. */
  readonly trace?: (info: FitTraceInfo) => void | boolean;
  /** Stop early on a converged ELBO (see {@link relativeChangeConvergence}), or your own test. */
  readonly convergence?: ConvergenceOptions | ConvergenceTest;
}

/** What {@link fit} returns. */
export interface FitResult {
  /** Every step's loss. */
  readonly losses: number[];
  /** How many steps ran. */
  readonly steps: number;
  /** Whether the convergence test passed. */
  readonly converged: boolean;
  /** Why it stopped. */
  readonly stoppedBy: 'steps' | 'epochs' | 'convergence' | 'trace';
}

const FN = 'fit';

/** The data size of a tensor or record of tensors, checking that the first axes agree. */
function dataSize(data: unknown): number {
  if (data instanceof tf.Tensor) {
    if (data.rank === 0)
      throw new ShapeError(
        `${FN}: argument 'options.data' is a scalar, expected a tensor whose first axis indexes data points`,
      );
    return data.shape[0]!;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ArgumentError(
      `${FN}: argument 'options.data' is ${describeValue(data)}, expected a tensor or a record of tensors ({ x, y })`,
    );
  }
  let n: number | undefined;
  for (const [key, t] of Object.entries(data as Record<string, unknown>)) {
    if (!(t instanceof tf.Tensor) || t.rank === 0) {
      throw new ArgumentError(
        `${FN}: argument 'options.data.${key}' is ${describeValue(t)}, expected a tensor of rank ≥ 1`,
      );
    }
    if (n !== undefined && t.shape[0] !== n) {
      throw new ShapeError(
        `${FN}: argument 'options.data.${key}' has shape ${formatShape(t.shape)}, expected a first axis of ${n} like the other entries`,
      );
    }
    n = t.shape[0];
  }
  if (n === undefined)
    throw new ArgumentError(
      `${FN}: argument 'options.data' is an empty record, expected at least one tensor`,
    );
  return n;
}

/** The rows `indices` of every tensor of `data`. */
function gatherRows<B extends Batch>(data: B, indices: tf.Tensor): B {
  if (data instanceof tf.Tensor) return tf.gather(data, indices) as B;
  const out: Record<string, tf.Tensor> = {};
  for (const [key, t] of Object.entries(data as Record<string, tf.Tensor>)) out[key] = tf.gather(t, indices);
  return out as B;
}

/** A seeded permutation of 0..n−1 (argsort of n uniforms). */
function permutation(n: number, s: Seed): Int32Array {
  const u = tf.tidy(() => random.uniform([n], s).dataSync());
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]!);
  return Int32Array.from(order);
}

/**
 * Runs an {@link Svi} engine for `steps` steps or `epochs` passes over `data`, on top of `engine.step`:
 * shuffles the data each epoch (seeded), cuts it into minibatches of `batchSize` and scales the
 * likelihood of each by data size / batch size so that every step's loss is an unbiased estimate of the
 * full data's −ELBO; calls `trace` after every step; stops early when the convergence test passes.
 *
 * @throws {ArgumentError} unknown options; both or neither of steps and epochs; epochs without data;
 *   batchSize not an integer in [1, data size]; a missing seed for shuffling.
 * @throws {ShapeError} data tensors whose first axes differ.
 * @throws {NonFiniteLossError} from `engine.step` (the fit stops there; the losses so far are lost with it,
 *   so record them in `trace` if you need them).
 * @example
 * const result = fit(engine, { epochs: 50, data: { x, y }, batchSize: 32, seed: 2, convergence: { tolerance: 1e-4 } });
 * result.losses.length; // steps run
 */
export function fit<B extends Batch>(engine: Svi<B>, options: FitOptions<B>): FitResult {
  const o = checkOptions(
    options,
    ['steps', 'epochs', 'data', 'batchSize', 'seed', 'trace', 'convergence'],
    FN,
  );
  if (
    engine === null ||
    typeof engine !== 'object' ||
    typeof (engine as { step?: unknown }).step !== 'function'
  ) {
    throw new ArgumentError(
      `${FN}: argument 'engine' is ${describeValue(engine)}, expected an Svi engine (svi({ model, guide, optimizer, seed }))`,
    );
  }
  if ((o['steps'] === undefined) === (o['epochs'] === undefined)) {
    throw new ArgumentError(
      `${FN}: expected exactly one of 'options.steps' and 'options.epochs', got ${o['steps'] === undefined ? 'neither' : 'both'}`,
    );
  }
  const trace = o['trace'] as FitOptions<B>['trace'];
  if (trace !== undefined && typeof trace !== 'function') {
    throw new ArgumentError(
      `${FN}: argument 'options.trace' is ${describeValue(trace)}, expected a function ({ step, epoch, loss, terms }) => void | boolean`,
    );
  }
  const c = o['convergence'];
  const test: ConvergenceTest | undefined =
    c === undefined
      ? undefined
      : typeof (c as ConvergenceTest).update === 'function'
        ? (c as ConvergenceTest)
        : relativeChangeConvergence(c as ConvergenceOptions);
  const data = o['data'] as B | undefined;
  const n = data === undefined ? undefined : dataSize(data);
  if (o['epochs'] !== undefined && n === undefined) {
    throw new ArgumentError(
      `${FN}: 'options.epochs' needs 'options.data' (a tensor or record of tensors), which is missing; pass data or steps`,
    );
  }
  if (o['batchSize'] !== undefined && n === undefined) {
    throw new ArgumentError(`${FN}: 'options.batchSize' needs 'options.data', which is missing`);
  }
  const batchSize = n === undefined ? 0 : checkInteger(o['batchSize'], 'options.batchSize', FN, n);
  if (n !== undefined && batchSize > n) {
    throw new ArgumentError(
      `${FN}: argument 'options.batchSize' is ${batchSize}, more than the data size ${n}; expected an integer in [1, ${n}]`,
    );
  }
  const minibatches = n !== undefined && batchSize < n;
  if (minibatches && o['seed'] === undefined) {
    throw new ArgumentError(
      `${FN}: 'options.seed' is missing, expected a seed for shuffling minibatches (randomness is an argument)`,
    );
  }
  const shuffleSeed = minibatches ? toSeed(o['seed'] as Seed | number, 'options.seed', FN) : undefined;
  const perEpoch = n === undefined ? Infinity : Math.ceil(n / batchSize);
  const total =
    o['steps'] !== undefined
      ? checkInteger(o['steps'], 'options.steps', FN)
      : checkInteger(o['epochs'], 'options.epochs', FN) * perEpoch;
  const losses: number[] = [];
  let stoppedBy: FitResult['stoppedBy'] = o['steps'] !== undefined ? 'steps' : 'epochs';
  let order: Int32Array | undefined;
  for (let step = 0; step < total; step++) {
    const epoch = Number.isFinite(perEpoch) ? Math.floor(step / perEpoch) : 0;
    let loss: number;
    if (!minibatches) {
      loss = engine.step(data as B);
    } else {
      const within = step % perEpoch;
      if (within === 0) order = permutation(n!, foldIn(shuffleSeed!, epoch));
      const rows = order!.subarray(within * batchSize, Math.min(n!, (within + 1) * batchSize));
      const indices = tf.tensor1d(rows, 'int32');
      const batch = gatherRows(data as B, indices);
      try {
        loss = engine.step(batch, { likelihoodScale: n! / rows.length });
      } finally {
        tf.dispose([
          indices,
          ...(batch instanceof tf.Tensor ? [batch] : Object.values(batch as Record<string, tf.Tensor>)),
        ]);
      }
    }
    losses.push(loss);
    if (trace !== undefined && trace({ step: step + 1, epoch, loss, terms: engine.lastTerms }) === false) {
      stoppedBy = 'trace';
      break;
    }
    if (test?.update(loss) === true) {
      stoppedBy = 'convergence';
      break;
    }
  }
  return { losses, steps: losses.length, converged: test?.converged ?? false, stoppedBy };
}
