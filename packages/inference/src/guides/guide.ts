import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  describeValue,
  DomainError,
  formatShape,
  ShapeError,
  toFloatTensor,
  type TensorInput,
} from '@elbo/core';
import { Bijector, type Distribution } from '@elbo/distributions';

/**
 * A variational family with its trainable parameters: it holds `tf.Variable`s (unconstrained: scales
 * through softplus, Cholesky factors through FillScaleTriL) and builds the distribution q(z) they define,
 * a new one each call so that gradients reach the variables. Pyro calls it a guide, TFP a surrogate
 * posterior.
 *
 * Tensors: the variables are the guide's, freed by `dispose()`. `distribution()` returns a distribution
 * whose derived tensors (softplus of the raw scale, ...) its own `dispose()` frees (or build it inside
 * `tf.tidy`); it never frees the variables. `parameters()` returns new tensors the caller owns.
 *
 * @example
 * const guide = meanFieldGuide({ shape: [2], seed: 0 });
 * const q = guide.distribution(); // Independent(Normal(loc, softplus(rawScale)), 1)
 * q.sample(3, 1).shape; // [3, 2]
 * q.dispose();
 * guide.dispose();
 */
export interface Guide {
  /** The family's name (`meanFieldGuide`, ...), with a number that tells guides apart. */
  readonly name: string;
  /** The shape of one latent z (the distribution's event shape). */
  readonly eventShape: readonly number[];
  /** The trainable parameters. */
  readonly variables: readonly tf.Variable[];
  /** q(z) from the current values of the variables. */
  distribution(): Distribution;
  /** The parameters in their constrained form by name (`loc`, `scale`, ...), new tensors the caller owns. */
  parameters(): Record<string, tf.Tensor>;
  /** Frees the variables (and anything else the guide created). */
  dispose(): void;
}

let created = 0;

/** A fresh name prefix for the variables of a guide of `family` (tfjs variable names are global). */
export function guideName(family: string): string {
  created += 1;
  return `${family}_${created}`;
}

/** Makes `d.dispose()` also free `derived` (tensors computed from the variables for this distribution). */
export function owning<D extends Distribution>(
  d: D,
  derived: readonly tf.Tensor[],
  extra: readonly Distribution[] = [],
): D {
  const own = d.dispose.bind(d);
  d.dispose = () => {
    own();
    for (const e of extra) e.dispose();
    tf.dispose([...derived]);
  };
  return d;
}

/** Checks a latent shape argument (non-negative integers), naming the function. */
export function checkShape(shape: unknown, fn: string, arg = 'options.shape'): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${describeValue(shape)}, expected an array of positive integers (the latent's shape, [] for a scalar)`,
    );
  }
  return [...(shape as number[])];
}

/** Checks an optional bijector argument. */
export function checkBijector(b: unknown, fn: string): Bijector | undefined {
  if (b === undefined) return undefined;
  if (!(b instanceof Bijector)) {
    throw new ArgumentError(
      `${fn}: argument 'options.bijector' is ${describeValue(b)}, expected a Bijector of @elbo/distributions (e.g. new Softplus() for a positive latent)`,
    );
  }
  return b;
}

/**
 * Converts an initial value to a float32 tensor of exactly `shape` (a number is broadcast), or throws a
 * ShapeError naming the argument. The caller owns the result.
 */
export function initialValue(
  value: TensorInput,
  shape: readonly number[],
  arg: string,
  fn: string,
): tf.Tensor {
  return tf.tidy(() => {
    const t = toFloatTensor(value, arg, fn);
    if (typeof value === 'number' || (t.rank === 0 && shape.length > 0)) {
      return tf.broadcastTo(t, [...shape]);
    }
    if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(
        `${fn}: argument '${arg}' has shape ${formatShape(t.shape)}, expected ${formatShape(shape)} (the latent's shape)`,
      );
    }
    return tf.clone(t);
  });
}

/** Throws a DomainError naming `arg` unless every entry of `t` is finite and > 0. */
export function checkPositiveValues(t: tf.Tensor, arg: string, fn: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new DomainError(
        `${fn}: argument '${arg}' has ${v} at flat index ${i}, expected finite numbers > 0`,
      );
    }
  }
}
