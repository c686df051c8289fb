import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ElboError, formatShape, ShapeError, type Seed } from '@elbo/core';
import type { Support } from './support.js';

/** A seed, or a non-negative integer to make one from (`seed(n)` of `@elbo/core`). */
export type SeedLike = Seed | number;

/** How many draws: a count, or a shape that is prepended to `batchShape + eventShape`. */
export type SampleShape = number | readonly number[];

/** Options every distribution constructor accepts. */
export interface DistributionOptions {
  /**
   * Check parameter values when the distribution is built (scale > 0, probabilities in [0, 1], finite
   * values), and values passed to `logProb` against the support. Checking downloads the values, so the
   * default is on only when every parameter was given as plain numbers; shapes are always checked.
   */
  readonly validate?: boolean;
}

/** Thrown when a quantity has no closed form for a family (e.g. the entropy of a mixture). */
export class NotImplementedError extends ElboError {
  constructor(message: string) {
    super('E_NOT_IMPLEMENTED', message);
  }
}

/** Normalises a sample shape argument, naming the method in errors. */
export function toSampleShape(shape: SampleShape, where: string): number[] {
  const dims = typeof shape === 'number' ? [shape] : [...shape];
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ArgumentError(
        `${where}: argument 'sampleShape' is ${JSON.stringify(shape)}, expected a non-negative integer or an array of them`,
      );
    }
  }
  return dims;
}

/**
 * The interface of every distribution, with torch/TFP conventions: a value has shape
 * `sampleShape + batchShape + eventShape`; `logProb` reduces the event axes and returns
 * `sampleShape + batchShape`.
 *
 * Tensors: a distribution holds its parameters as float32 tensors. Those it created from plain numbers or
 * arrays it owns and frees in `dispose()` (or the enclosing `tf.tidy` frees them); tensors you passed in
 * stay yours. Every method returns a new tensor that the caller owns.
 *
 * @example
 * const d = new Normal(0, 1);
 * d.logProb(0).print(); // -0.9189
 * d.sample([2, 3], 42).shape; // [2, 3]
 * d.dispose();
 */
export abstract class Distribution {
  /** The family's name, as in torch.distributions (`Normal`, `Gamma`, ...). */
  abstract readonly name: string;
  /** Whether `sample` is differentiable with respect to the parameters. */
  abstract readonly reparameterized: boolean;
  /** Where the distribution puts its mass. */
  abstract readonly support: Support;
  /** The parameters by their torch.distributions names, as float32 tensors. */
  abstract readonly params: Readonly<Record<string, tf.Tensor>>;

  /** Shape of independent, not identically distributed draws. */
  readonly batchShape: readonly number[];
  /** Shape of one draw. */
  readonly eventShape: readonly number[];
  /** Whether parameter values (and `logProb` values) are checked. */
  readonly validate: boolean;

  private readonly owned: tf.Tensor[];

  protected constructor(
    batchShape: readonly number[],
    eventShape: readonly number[],
    validate: boolean,
    owned: readonly tf.Tensor[],
  ) {
    this.batchShape = Object.freeze([...batchShape]);
    this.eventShape = Object.freeze([...eventShape]);
    this.validate = validate;
    this.owned = [...owned];
  }

  /**
   * Draws `sampleShape` independent values with the given seed; the result has shape
   * `sampleShape + batchShape + eventShape`. Reparameterised families return draws that gradients flow
   * through. The same seed gives the same draws on every backend.
   */
  abstract sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor;

  /** The log density (or log mass) of `value`, with shape `sampleShape + batchShape`. −∞ outside the support. */
  abstract logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor;

  /** The density (or mass) of `value`: exp(logProb(value)). */
  prob(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => tf.exp(this.logProb(value)));
  }

  /** The differential (or Shannon) entropy H = −E[log p(X)], with shape `batchShape`. */
  entropy(): tf.Tensor {
    throw new NotImplementedError(`${this.name}.entropy: no closed form for this family`);
  }

  /** E[X], with shape `batchShape + eventShape`. */
  mean(): tf.Tensor {
    throw new NotImplementedError(`${this.name}.mean: no closed form for this family`);
  }

  /** Var[X] (elementwise for vector events), with shape `batchShape + eventShape`. */
  variance(): tf.Tensor {
    throw new NotImplementedError(`${this.name}.variance: no closed form for this family`);
  }

  /** The standard deviation √Var[X]. */
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.variance()));
  }

  /** The most probable value. */
  mode(): tf.Tensor {
    throw new NotImplementedError(`${this.name}.mode: no closed form for this family`);
  }

  /** The cumulative distribution function P(X ≤ value), for scalar families that have one. */
  cdf(_value: tf.Tensor | tf.TensorLike): tf.Tensor {
    throw new NotImplementedError(
      `${this.name}.cdf: this family has no cumulative distribution function here`,
    );
  }

  /** Frees the parameter tensors this distribution created. Tensors passed in stay yours. */
  dispose(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
  }

  /** The shape of `sampleShape` draws. */
  protected drawShape(sampleShape: SampleShape): number[] {
    return [...toSampleShape(sampleShape, `${this.name}.sample`), ...this.batchShape, ...this.eventShape];
  }

  /**
   * Checks that a value's shape ends in something that broadcasts with `batchShape + eventShape`, with
   * the event axes exactly equal, and (with `validate`) that it lies in the support.
   */
  protected checkValue(value: tf.Tensor, method = 'logProb'): void {
    const eventRank = this.eventShape.length;
    const where = `${this.name}.${method}`;
    if (value.rank < eventRank) {
      throw new ShapeError(
        `${where}: argument 'value' has shape ${formatShape(value.shape)}, expected [...batch, ${this.eventShape.join(', ')}]`,
      );
    }
    const event = value.shape.slice(value.rank - eventRank);
    if (event.some((d, i) => d !== this.eventShape[i])) {
      throw new ShapeError(
        `${where}: argument 'value' has shape ${formatShape(value.shape)}, expected [...batch, ${this.eventShape.join(', ')}]`,
      );
    }
    const batch = value.shape.slice(0, value.rank - eventRank);
    for (let i = 1; i <= Math.min(batch.length, this.batchShape.length); i++) {
      const v = batch[batch.length - i]!;
      const b = this.batchShape[this.batchShape.length - i]!;
      if (v !== b && v !== 1 && b !== 1) {
        throw new ShapeError(
          `${where}: argument 'value' has shape ${formatShape(value.shape)}, which does not broadcast with batch shape ${formatShape(this.batchShape)}${eventRank > 0 ? ` and event shape ${formatShape(this.eventShape)}` : ''}`,
        );
      }
    }
    if (this.validate) {
      const inside = tf.tidy(() => tf.all(this.support.contains(value)).dataSync()[0]);
      if (inside !== 1) {
        throw new DomainError(
          `${where}: argument 'value' has entries outside the support (${this.support.name})`,
        );
      }
    }
  }
}
