import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, formatShape, ShapeError, type TensorInput } from '@elbo/core';
import { Bijector } from './bijectors/bijector.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { Independent, reinterpretedSupport } from './independent.js';
import { parameter } from './parameters.js';
import type { Support } from './support.js';

/**
 * The distribution of Y = f(X) for X ~ base and a bijector f (torch's and TFP's
 * `TransformedDistribution`). By the change of variables, with x = f⁻¹(y):
 *
 *   log p_Y(y) = log p_X(x) − log|det ∂f(x)/∂x|,
 *
 * the log-determinant summed over the event axes of x. Samples are f(base samples), so the distribution
 * is reparameterised when the base is: gradients flow through f into the base's parameters (and the
 * bijector's). The batch shape is the base's; the event shape is f's image of the base's event shape
 * (FillScaleTriL turns [n(n+1)/2] into [n, n]). Mean, variance, entropy and mode have no closed form in
 * general and throw a NotImplementedError.
 *
 * A bijector acting on events larger than the base's (FillScaleTriL on a scalar Normal) reinterprets the
 * base's rightmost batch axes as event axes, as torch does: base batch [..., 6] with event [] becomes
 * batch [...] with event [6]. The bijector's parameters must broadcast into the base's batch + event
 * shape (a batch of bijectors over one base draw would not be independent draws).
 *
 * Compose bijectors with `Chain` (TFP order: `new Chain([f, g])` applies g first).
 *
 * Tensors: the base and the bijector stay yours (dispose them yourself); this distribution owns nothing.
 *
 * @example
 * // A log-normal: exp of N(0, 1).
 * const base = new Normal(0, 1);
 * const d = new TransformedDistribution(base, new Exp());
 * d.logProb(1).print(); // -0.9189385  (log φ(0) − log 1)
 * d.logProb(Math.E).print(); // -2.4189386  (log φ(1) − 1)
 * base.dispose();
 */
export class TransformedDistribution extends Distribution {
  readonly reparameterized: boolean;
  /** The distribution of X. */
  readonly base: Distribution;
  /** The map f, Y = f(X). */
  readonly bijector: Bijector;
  /** The base, or the base with batch axes reinterpreted when f needs larger events. */
  private readonly inner: Distribution;
  /** The event rank of X, at which log|det ∂f/∂x| is reduced. */
  private readonly baseEventRank: number;
  /** The bijector's codomain, read with this distribution's event rank. */
  private readonly image: Support;

  /** The family's name. */
  get name(): string {
    return 'TransformedDistribution';
  }

  /** The bijector's codomain (torch's choice), with the event rank of Y. */
  get support(): Support {
    return this.image;
  }

  constructor(base: Distribution, bijector: Bijector, options: DistributionOptions = {}) {
    const fn = 'TransformedDistribution';
    if (!(base instanceof Distribution)) {
      throw new ArgumentError(
        `${fn}: argument 'base' is ${base === null ? 'null' : typeof base}, expected a Distribution (e.g. new Normal(loc, scale))`,
      );
    }
    if (!(bijector instanceof Bijector)) {
      throw new ArgumentError(
        `${fn}: argument 'bijector' is ${bijector === null ? 'null' : Array.isArray(bijector) ? 'an array' : typeof bijector}, expected a Bijector (compose several with new Chain([...]))`,
      );
    }
    const baseRank = base.eventShape.length;
    const missing = Math.max(0, bijector.forwardMinEventRank - baseRank);
    if (missing > base.batchShape.length) {
      throw new ShapeError(
        `${fn}: the bijector ${bijector.name} acts on events of rank ≥ ${bijector.forwardMinEventRank}, but the base ${base.name} has event shape ${formatShape(base.eventShape)} and only ${base.batchShape.length} batch axes (batch shape ${formatShape(base.batchShape)}) to reinterpret`,
      );
    }
    const inner = missing > 0 ? new Independent(base, missing) : base;
    const xRank = baseRank + missing;
    const xShape = [...inner.batchShape, ...inner.eventShape];
    const yShape = bijector.forwardShape(xShape, 'forwardShape');
    const yRank = xRank + bijector.inverseMinEventRank - bijector.forwardMinEventRank;
    const yBatch = yShape.slice(0, yShape.length - yRank);
    if (yBatch.length !== inner.batchShape.length || yBatch.some((d, i) => d !== inner.batchShape[i])) {
      throw new ShapeError(
        `${fn}: the bijector ${bijector.name} maps the base's shape ${formatShape(xShape)} (batch ${formatShape(inner.batchShape)}) to ${formatShape(yShape)}, which changes the batch shape; its parameters must broadcast into the base's batch + event shape (give the base the full batch shape)`,
      );
    }
    super(inner.batchShape, yShape.slice(yBatch.length), options.validate ?? base.validate, []);
    this.base = base;
    this.bijector = bijector;
    this.inner = inner;
    this.baseEventRank = xRank;
    this.reparameterized = base.reparameterized;
    const codomain = bijector.codomain;
    this.image =
      yRank > codomain.eventRank ? reinterpretedSupport(codomain, yRank - codomain.eventRank) : codomain;
  }

  /** The base's parameters. */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return this.base.params;
  }

  /** f(x) for x drawn from the base: differentiable when the base is reparameterised. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    this.drawShape(sampleShape);
    return tf.tidy(() => this.bijector.forward(this.inner.sample(sampleShape, seed)));
  }

  /** log p_X(f⁻¹(y)) − log|det ∂f(x)/∂x| at x = f⁻¹(y). */
  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const y = parameter(value as TensorInput, 'value', `${this.name}.logProb`, []);
      this.checkValue(y);
      const x = this.bijector.inverse(y);
      return tf.sub(this.inner.logProb(x), this.bijector.forwardLogDetJacobian(x, this.baseEventRank));
    });
  }
}

/**
 * Shorthand for `new TransformedDistribution(base, bijector, options)`.
 *
 * @example transformedDistribution(new Normal(0, 1), new Exp()).logProb(1).print(); // -0.9189385
 */
export function transformedDistribution(
  base: Distribution,
  bijector: Bijector,
  options?: DistributionOptions,
): TransformedDistribution {
  return new TransformedDistribution(base, bijector, options);
}
