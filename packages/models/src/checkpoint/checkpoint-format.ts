// The checkpoint format: how a checkpoint's tensors and metadata become tfjs model artifacts
// (`model.json` + `weights.bin`) and back, with every check a loader needs. Internal to the package; the
// public functions are saveCheckpoint and loadCheckpoint.
import * as tf from '@tensorflow/tfjs-core';
import { DataFormatError, isSeed, type Seed } from '@elbo/core';
import type { Json } from '../trainer/trainable.js';

/** The `format` field of a checkpoint's model.json. */
export const CHECKPOINT_FORMAT = 'elbo-checkpoint';
/** The version of the metadata layout under `userDefinedMetadata.elbo`. */
export const CHECKPOINT_VERSION = 1;
/** The name of the weights file a checkpoint writes. */
export const WEIGHTS_FILE = 'weights.bin';

const PREFIX = { variables: 'variables/', state: 'state/', optimizer: 'optimizer/' } as const;
const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { float32: 4, int32: 4 };

/**
 * What one epoch of training measured, as saved in a checkpoint.
 *
 * @example
 * const { metrics } = await fit({ model, data, epochs: 3, seed: 0 });
 * metrics.map((m) => m.loss); // one mean loss per epoch
 */
export interface EpochMetrics {
  /** The epoch, counted from 1. */
  readonly epoch: number;
  /** The number of steps of this epoch. */
  readonly steps: number;
  /** The mean loss over the epoch's steps. */
  readonly loss: number;
  /** The mean of each term over the epoch's steps. */
  readonly terms: Readonly<Record<string, number>>;
  /** Wall-clock seconds of the epoch's steps (the checkpoint write excluded). */
  readonly seconds: number;
  /** Images (batch rows) per second over the epoch. */
  readonly imagesPerSecond: number;
}

/**
 * An optimizer's saved form: its class, hyper-parameters and state tensors in its own order.
 *
 * @example
 * const { optimizer } = await loadCheckpoint(handler);
 * optimizer?.className; // 'Adam'
 */
export interface OptimizerCheckpoint {
  /** The tfjs class name (`Adam`, `SGD`, ...). */
  readonly className: string;
  /** The hyper-parameters (`getConfig()`: learning rate, β₁, β₂, ε for Adam). */
  readonly config: { readonly [key: string]: Json };
  /**
   * The state in the optimizer's order: `iter` (the iteration count), then the slots named
   * `<variable>/<slot>` by the model's stable variable names (`posterior/mean/m`, `.../v` for Adam), and
   * for Adam `accBeta1`/`accBeta2` (β^t, kept so that a resumed run is bit-identical to a straight one).
   */
  readonly weights: Readonly<Record<string, tf.Tensor>>;
}

/**
 * A loaded checkpoint: every tensor is the caller's (free them with {@link disposeCheckpoint}).
 *
 * @example
 * const { config, variables, step, epoch } = await loadCheckpoint('http://127.0.0.1:8080/run1');
 */
export interface Checkpoint {
  /** The model's config, to rebuild it with its factory. */
  readonly config: { readonly kind: string } & { readonly [key: string]: Json };
  /** The trainable variables' values by the model's stable names. */
  readonly variables: Readonly<Record<string, tf.Tensor>>;
  /** The non-trained state by name. */
  readonly state: Readonly<Record<string, tf.Tensor>>;
  /** The optimizer's class, hyper-parameters and state, or null when none was saved. */
  readonly optimizer: OptimizerCheckpoint | null;
  /** The number of training steps done. */
  readonly step: number;
  /** The number of epochs completed. */
  readonly epoch: number;
  /** The run's seed; with counter-based seeds, (seed, step) is the whole random state. */
  readonly seed: Seed;
  /** The metrics of every completed epoch, in order. */
  readonly metrics: readonly EpochMetrics[];
}

/** The metadata stored under `userDefinedMetadata.elbo`. */
interface CheckpointMetadata {
  readonly version: number;
  readonly config: Checkpoint['config'];
  readonly step: number;
  readonly epoch: number;
  readonly seed: { readonly key: readonly [number, number] };
  readonly metrics: readonly EpochMetrics[];
  readonly variables: readonly string[];
  readonly state: readonly string[];
  readonly optimizer: {
    readonly className: string;
    readonly config: { readonly [key: string]: Json };
    readonly weights: readonly string[];
  } | null;
}

/**
 * Frees every tensor of a loaded checkpoint.
 *
 * @example
 * const ckpt = await loadCheckpoint('indexeddb://run1');
 * console.log(ckpt.epoch);
 * disposeCheckpoint(ckpt);
 */
export function disposeCheckpoint(checkpoint: Checkpoint): void {
  tf.dispose(Object.values(checkpoint.variables));
  tf.dispose(Object.values(checkpoint.state));
  if (checkpoint.optimizer !== null) tf.dispose(Object.values(checkpoint.optimizer.weights));
}

/** Encodes a checkpoint's tensors and metadata as model artifacts. Reads the tensors; frees nothing. */
export async function checkpointToArtifacts(checkpoint: Checkpoint): Promise<tf.io.ModelArtifacts> {
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [name, tensor] of Object.entries(checkpoint.variables)) {
    named.push({ name: PREFIX.variables + name, tensor });
  }
  for (const [name, tensor] of Object.entries(checkpoint.state)) {
    named.push({ name: PREFIX.state + name, tensor });
  }
  const optimizer = checkpoint.optimizer;
  if (optimizer !== null) {
    for (const [name, tensor] of Object.entries(optimizer.weights)) {
      named.push({ name: PREFIX.optimizer + name, tensor });
    }
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  const metadata: CheckpointMetadata = {
    version: CHECKPOINT_VERSION,
    config: checkpoint.config,
    step: checkpoint.step,
    epoch: checkpoint.epoch,
    seed: { key: [checkpoint.seed.key[0], checkpoint.seed.key[1]] },
    metrics: checkpoint.metrics,
    variables: Object.keys(checkpoint.variables),
    state: Object.keys(checkpoint.state),
    optimizer:
      optimizer === null
        ? null
        : {
            className: optimizer.className,
            config: optimizer.config,
            weights: Object.keys(optimizer.weights),
          },
  };
  return {
    format: CHECKPOINT_FORMAT,
    generatedBy: '@elbo/models',
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: { elbo: metadata as unknown as Record<string, unknown> },
  };
}

/**
 * The byte length the weight specs describe; DataFormatError (naming `where`) for a malformed spec, an
 * unknown dtype or quantised weights, which a checkpoint never has.
 */
export function weightSpecsByteLength(specs: unknown, where: string): number {
  if (!Array.isArray(specs)) {
    throw new DataFormatError(`${where}: the weights manifest is not an array of weight specs`);
  }
  let total = 0;
  for (const [i, spec] of specs.entries()) {
    const s = spec as Partial<tf.io.WeightsManifestEntry> | null;
    if (s === null || typeof s !== 'object' || typeof s.name !== 'string') {
      throw new DataFormatError(`${where}: weight spec #${i} has no string 'name'`);
    }
    if (
      !Array.isArray(s.shape) ||
      !s.shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
    ) {
      throw new DataFormatError(
        `${where}: weight '${s.name}' has the shape ${JSON.stringify(s.shape)}, expected an array of non-negative integers`,
      );
    }
    const bytes = typeof s.dtype === 'string' ? BYTES_PER_ELEMENT[s.dtype] : undefined;
    if (bytes === undefined) {
      throw new DataFormatError(
        `${where}: weight '${s.name}' has the unknown dtype ${JSON.stringify(s.dtype)}, expected 'float32' or 'int32'`,
      );
    }
    if (s.quantization !== undefined) {
      throw new DataFormatError(
        `${where}: weight '${s.name}' is quantised; an elbo checkpoint stores full-precision weights only`,
      );
    }
    total += bytes * s.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function fail(source: string, what: string): never {
  throw new DataFormatError(
    `loadCheckpoint: ${source}: ${what}. The checkpoint is corrupt or not an elbo checkpoint; ` +
      `save it again with saveCheckpoint or fit({ checkpoint }).`,
  );
}

function isNonNegativeInteger(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function isJsonObject(x: unknown): x is { [key: string]: Json } {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function checkMetrics(x: unknown, source: string): EpochMetrics[] {
  if (!Array.isArray(x)) fail(source, `'metrics' is not an array`);
  for (const [i, m] of x.entries()) {
    const e = m as Partial<EpochMetrics> | null;
    if (
      e === null ||
      typeof e !== 'object' ||
      !isNonNegativeInteger(e.epoch) ||
      typeof e.loss !== 'number' ||
      !isJsonObject(e.terms)
    ) {
      fail(source, `metrics entry #${i} is not { epoch, steps, loss, terms, seconds, imagesPerSecond }`);
    }
  }
  return x as EpochMetrics[];
}

/**
 * Decodes and validates loaded artifacts into a {@link Checkpoint}; `source` names where they came from
 * (a directory, a URL) in every error. DataFormatError for anything malformed: not an elbo checkpoint,
 * bad metadata, a manifest whose byte count differs from the weight data, names that do not match.
 */
export function artifactsToCheckpoint(artifacts: tf.io.ModelArtifacts, source: string): Checkpoint {
  if (artifacts === null || typeof artifacts !== 'object')
    fail(source, 'the handler returned no model artifacts');
  if (artifacts.format !== CHECKPOINT_FORMAT) {
    fail(
      source,
      `model.json's 'format' is ${JSON.stringify(artifacts.format)}, expected '${CHECKPOINT_FORMAT}'`,
    );
  }
  const meta = (artifacts.userDefinedMetadata as { elbo?: unknown } | undefined)?.elbo as
    Partial<Record<keyof CheckpointMetadata, unknown>> | undefined;
  if (meta === undefined || meta === null || typeof meta !== 'object') {
    fail(source, `model.json has no 'userDefinedMetadata.elbo' object`);
  }
  if (meta.version !== CHECKPOINT_VERSION) {
    fail(source, `metadata version is ${JSON.stringify(meta.version)}, expected ${CHECKPOINT_VERSION}`);
  }
  const config = meta.config as Checkpoint['config'] | undefined;
  if (!isJsonObject(config) || typeof config['kind'] !== 'string') {
    fail(source, `'config' is not an object with a string 'kind'`);
  }
  if (!isNonNegativeInteger(meta.step))
    fail(source, `'step' is ${JSON.stringify(meta.step)}, expected an integer ≥ 0`);
  if (!isNonNegativeInteger(meta.epoch)) {
    fail(source, `'epoch' is ${JSON.stringify(meta.epoch)}, expected an integer ≥ 0`);
  }
  if (!isSeed(meta.seed))
    fail(source, `'seed' is ${JSON.stringify(meta.seed)}, expected { key: [uint32, uint32] }`);
  const metrics = checkMetrics(meta.metrics, source);
  if (!isStringArray(meta.variables)) fail(source, `'variables' is not an array of names`);
  if (!isStringArray(meta.state)) fail(source, `'state' is not an array of names`);
  const opt = meta.optimizer as CheckpointMetadata['optimizer'] | undefined;
  if (
    opt !== null &&
    (opt === undefined ||
      typeof opt !== 'object' ||
      typeof opt.className !== 'string' ||
      !isJsonObject(opt.config) ||
      !isStringArray(opt.weights))
  ) {
    fail(source, `'optimizer' is not null or { className, config, weights }`);
  }

  const specs = artifacts.weightSpecs ?? [];
  const expectedBytes = weightSpecsByteLength(specs, `loadCheckpoint: ${source}: model.json`);
  const data = artifacts.weightData ?? new ArrayBuffer(0);
  const actualBytes = new tf.io.CompositeArrayBuffer(data).byteLength;
  if (actualBytes !== expectedBytes) {
    fail(
      source,
      `${WEIGHTS_FILE} holds ${actualBytes} bytes but the weights manifest of model.json describes ${expectedBytes} bytes` +
        (actualBytes < expectedBytes ? ' (truncated?)' : ''),
    );
  }
  const wanted = [
    ...meta.variables.map((n) => PREFIX.variables + n),
    ...meta.state.map((n) => PREFIX.state + n),
    ...(opt === null ? [] : opt.weights.map((n) => PREFIX.optimizer + n)),
  ];
  const present = new Set(specs.map((s) => s.name));
  const missing = wanted.filter((n) => !present.has(n));
  if (missing.length > 0)
    fail(source, `the weights manifest lacks ${missing.map((n) => `'${n}'`).join(', ')}`);
  if (present.size !== wanted.length || specs.length !== wanted.length) {
    const extra = specs.map((s) => s.name).filter((n) => !wanted.includes(n));
    fail(source, `the weights manifest has unexpected or duplicate entries ${JSON.stringify(extra)}`);
  }

  const decoded = tf.io.decodeWeights(data, specs);
  const pick = (prefix: string, names: readonly string[]): Record<string, tf.Tensor> => {
    const out: Record<string, tf.Tensor> = {};
    for (const n of names) out[n] = decoded[prefix + n] as tf.Tensor;
    return out;
  };
  return {
    config,
    variables: pick(PREFIX.variables, meta.variables),
    state: pick(PREFIX.state, meta.state),
    optimizer:
      opt === null
        ? null
        : { className: opt.className, config: opt.config, weights: pick(PREFIX.optimizer, opt.weights) },
    step: meta.step,
    epoch: meta.epoch,
    seed: meta.seed,
    metrics,
  };
}
