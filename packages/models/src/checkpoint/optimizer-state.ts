// Internal: an optimizer's state as named tensors keyed by the model's stable variable names, and back.
// tfjs optimizers name their slots after the tf.Variable's own (engine-unique) name, `<name>/m`; a
// checkpoint must not depend on those, so they are translated to the model's keys and back on restore.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import { adam } from '../trainer/adam.js';
import type { Json } from '../trainer/trainable.js';
import type { OptimizerCheckpoint } from './checkpoint-format.js';

/** Adam and Adamax keep β^t in these variables; tfjs's setWeights recomputes them with pow (not bit-exact). */
const BETA_POWERS = ['accBeta1', 'accBeta2'] as const;

type WithBetaPowers = Partial<Record<(typeof BETA_POWERS)[number], unknown>>;

function toJson(value: unknown): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return null;
}

/** Maps a tfjs slot name `<tf variable name>/<slot>` to `<stable key>/<slot>` (longest prefix wins). */
function translate(name: string, pairs: readonly (readonly [string, string])[]): string | undefined {
  let best: readonly [string, string] | undefined;
  for (const pair of pairs) {
    if (name.startsWith(`${pair[0]}/`) && (best === undefined || pair[0].length > best[0].length))
      best = pair;
  }
  return best === undefined ? undefined : best[1] + name.slice(best[0].length);
}

/**
 * Copies an optimizer's class, hyper-parameters and state, with slot names translated to the model's
 * stable variable names. The returned tensors are new (the caller frees them).
 */
export async function captureOptimizer(
  optimizer: tf.Optimizer,
  variables: Readonly<Record<string, tf.Variable>>,
): Promise<OptimizerCheckpoint> {
  const pairs = Object.entries(variables).map(([key, v]) => [v.name, key] as const);
  const weights: Record<string, tf.Tensor> = {};
  for (const { name, tensor } of await optimizer.getWeights()) {
    const key = name === 'iter' ? 'iter' : translate(name, pairs);
    if (key === undefined) {
      if (!(tensor instanceof tf.Variable)) tensor.dispose();
      throw new ArgumentError(
        `saveCheckpoint: the optimizer holds the slot '${name}' of a variable that is not among the model's variables; ` +
          `use one optimizer per model`,
      );
    }
    // Slots are the optimizer's live variables: copy them; `iter` is a fresh scalar: take it.
    weights[key] = tensor instanceof tf.Variable ? tf.clone(tensor) : tensor;
  }
  for (const field of BETA_POWERS) {
    const v = (optimizer as unknown as WithBetaPowers)[field];
    if (v instanceof tf.Variable) weights[field] = tf.clone(v);
  }
  const config = toJson(optimizer.getConfig());
  return {
    className: optimizer.getClassName(),
    config: config !== null && typeof config === 'object' && !Array.isArray(config) ? config : {},
    weights,
  };
}

/** The optimizers a checkpoint can recreate when the caller passes none, by tfjs class name. */
const FACTORIES: Readonly<Record<string, (c: Record<string, Json>) => tf.Optimizer>> = {
  // Adam is elbo's (tfjs's AdamOptimizer, fused on wasm): what fit creates by default.
  Adam: (c) =>
    adam(num(c['learningRate'], 0.001), num(c['beta1'], 0.9), num(c['beta2'], 0.999), num(c['epsilon'])),
  Adamax: (c) =>
    tf.train.adamax(
      num(c['learningRate'], 0.002),
      num(c['beta1'], 0.9),
      num(c['beta2'], 0.999),
      num(c['epsilon']),
      num(c['decay'], 0),
    ),
  SGD: (c) => tf.train.sgd(num(c['learningRate'], 0.01)),
  Momentum: (c) =>
    tf.train.momentum(num(c['learningRate'], 0.01), num(c['momentum'], 0.9), c['useNesterov'] === true),
  RMSProp: (c) =>
    tf.train.rmsprop(
      num(c['learningRate'], 0.001),
      num(c['decay'], 0.9),
      num(c['momentum'], 0),
      num(c['epsilon']),
      c['centered'] === true,
    ),
  Adagrad: (c) => tf.train.adagrad(num(c['learningRate'], 0.01), num(c['initialAccumulatorValue'], 0.1)),
  Adadelta: (c) => tf.train.adadelta(num(c['learningRate'], 0.001), num(c['rho'], 0.95), num(c['epsilon'])),
};

function num(x: Json | undefined, fallback?: number): number {
  return typeof x === 'number' ? x : (fallback as number);
}

/** Creates the optimizer a checkpoint describes (class and hyper-parameters; state not restored). */
export function createOptimizer(saved: OptimizerCheckpoint, fn: string): tf.Optimizer {
  const factory = FACTORIES[saved.className];
  if (factory === undefined) {
    throw new ArgumentError(
      `${fn}: the checkpoint's optimizer is '${saved.className}', which cannot be recreated from its config; ` +
        `pass option 'optimizer' (a ${saved.className}) to resume`,
    );
  }
  return factory(saved.config as Record<string, Json>);
}

/**
 * Restores a captured state into `optimizer` (of the same class), mapping the stable names back to the
 * model's current tf.Variable names. Reads `saved`; frees nothing of it.
 */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  saved: OptimizerCheckpoint,
  variables: Readonly<Record<string, tf.Variable>>,
  fn: string,
): Promise<void> {
  const className = optimizer.getClassName();
  if (className !== saved.className) {
    throw new ArgumentError(
      `${fn}: option 'optimizer' is a ${className}, but the checkpoint holds the state of a ${saved.className}; ` +
        `pass a ${saved.className} or omit 'optimizer' to recreate it from the checkpoint`,
    );
  }
  const pairs = Object.entries(variables).map(([key, v]) => [key, v.name] as const);
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [name, tensor] of Object.entries(saved.weights)) {
    if ((BETA_POWERS as readonly string[]).includes(name)) continue;
    const tfName = name === 'iter' ? 'iter' : translate(name, pairs);
    if (tfName === undefined) {
      throw new ArgumentError(
        `${fn}: the checkpoint's optimizer state '${name}' belongs to no variable of the model ` +
          `(variables: ${Object.keys(variables).join(', ')})`,
      );
    }
    // setWeights turns each tensor into a variable of its own: hand it copies.
    named.push({ name: tfName, tensor: tf.clone(tensor) });
  }
  try {
    await optimizer.setWeights(named);
  } finally {
    // `iter` is only read; slot copies became variables' values (their data lives on in the variables).
    tf.dispose(named.map((n) => n.tensor));
  }
  for (const field of BETA_POWERS) {
    const v = (optimizer as unknown as WithBetaPowers)[field];
    const value = saved.weights[field];
    if (v instanceof tf.Variable && value !== undefined) v.assign(value);
  }
}
