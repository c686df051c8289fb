import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  DomainError,
  formatShape,
  logSumExp,
  random,
  ShapeError,
  splitSeed,
  toSeed,
  type TensorInput,
} from '@elbo/core';
import {
  Distribution,
  NotImplementedError,
  type DistributionOptions,
  type SampleShape,
  type SeedLike,
} from './distribution.js';
import { allPlain, parameter } from './parameters.js';
import type { Support } from './support.js';

/** The mixing distribution: its logits [...batch, K], or a Categorical-like object exposing `logits`. */
export type MixtureInput = TensorInput | { readonly logits: tf.Tensor };

function isCategoricalLike(x: unknown): x is { readonly logits: tf.Tensor } {
  return (
    typeof x === 'object' &&
    x !== null &&
    !(x instanceof tf.Tensor) &&
    !Array.isArray(x) &&
    !ArrayBuffer.isView(x) &&
    'logits' in x &&
    (x as { logits: unknown }).logits instanceof tf.Tensor
  );
}

/**
 * A mixture of K distributions of one family (torch's and TFP's `MixtureSameFamily`): the components are
 * one distribution whose LAST batch axis indexes them (batch shape [...batch, K], event shape E), mixed
 * with weights π = softmax(logits) over K:
 *
 *   log p(x) = log Σₖ πₖ pₖ(x) = logSumExp_k(log πₖ + log pₖ(x)),
 *   E[X] = Σₖ πₖ μₖ,   Var[X] = Σₖ πₖ σₖ² + Σₖ πₖ (μₖ − E[X])²   (total expectation and variance),
 *   P(X ≤ x) = Σₖ πₖ Fₖ(x) for scalar components that have a cdf.
 *
 * Sampling draws a component index k ~ Categorical(π) (with `@elbo/core`'s `random.categorical`) and
 * then the value from component k (all K components are drawn and one is kept). It is NOT
 * reparameterised: the choice of k is discrete, so use a score-function estimator for gradients through
 * samples. The entropy has no closed form and throws a NotImplementedError.
 *
 * The mixture is given as logits [...mixBatch, K] (unnormalised log-weights; −∞ is a weight of 0) or as a
 * Categorical-like object exposing `logits`. mixBatch must broadcast to the components' batch (equal
 * axes or 1, possibly fewer axes): logits [K] share one set of weights across the batch.
 *
 * Tensors: the components, and logits passed as a tensor or inside an object, stay yours; logits given as
 * numbers or arrays are owned and freed by `dispose()`.
 *
 * Edge cases: components without a batch axis, a K that differs between logits and components, or
 * mixture batch axes that do not broadcast to the components' batch throw a ShapeError; NaN or +∞ logits
 * throw a DomainError when validated (plain-number logits, or `validate: true`).
 *
 * @example
 * // ½ N(−1, 0.5²) + ½ N(2, 1)
 * const components = new Normal([-1, 2], [0.5, 1]);
 * const d = new MixtureSameFamily([0, 0], components);
 * d.logProb(0).print();  // -2.5134734
 * d.mean().print();      // 0.5
 * d.variance().print();  // 2.875
 */
export class MixtureSameFamily extends Distribution {
  readonly name = 'MixtureSameFamily';
  readonly reparameterized = false;
  readonly support: Support;
  /** Unnormalised log-weights [...mixBatch, K]. */
  readonly logits: tf.Tensor;
  /** The components, batch shape [...batch, K]. */
  readonly components: Distribution;
  /** K, the number of components. */
  readonly numComponents: number;

  constructor(mixture: MixtureInput, components: Distribution, options: DistributionOptions = {}) {
    const fn = 'MixtureSameFamily';
    if (!(components instanceof Distribution)) {
      throw new ArgumentError(
        `${fn}: argument 'components' is ${components === null ? 'null' : typeof components}, expected a Distribution whose last batch axis indexes the components`,
      );
    }
    const owned: tf.Tensor[] = [];
    const categoricalLike = isCategoricalLike(mixture);
    const logits = categoricalLike
      ? parameter(mixture.logits, 'mixture.logits', fn, owned)
      : parameter(mixture, 'mixture', fn, owned);
    const fail = (message: string): never => {
      tf.dispose(owned);
      throw new ShapeError(message);
    };
    const compBatch = components.batchShape;
    if (compBatch.length === 0) {
      fail(
        `${fn}: argument 'components' has batch shape [], expected [...batch, K] (its last batch axis indexes the components)`,
      );
    }
    if (logits.rank === 0) {
      fail(`${fn}: argument 'mixture' has shape [], expected logits [...batch, K]`);
    }
    const k = logits.shape[logits.rank - 1]!;
    const kc = compBatch[compBatch.length - 1]!;
    if (k !== kc) {
      fail(
        `${fn}: argument 'mixture' has ${k} components (logits of shape ${formatShape(logits.shape)}), but 'components' has ${kc} (batch shape ${formatShape(compBatch)}); the last axes must agree`,
      );
    }
    const batch = compBatch.slice(0, -1);
    const mixBatch = logits.shape.slice(0, -1);
    const fits =
      mixBatch.length <= batch.length &&
      mixBatch.every((d, i) => d === 1 || d === batch[batch.length - mixBatch.length + i]);
    if (!fits) {
      fail(
        `${fn}: the mixture's batch shape ${formatShape(mixBatch)} (logits ${formatShape(logits.shape)}) does not broadcast to the components' batch shape ${formatShape(batch)} (components ${formatShape(compBatch)}); expected equal axes or 1`,
      );
    }
    const validate = options.validate ?? (!categoricalLike && allPlain(mixture));
    super(batch, components.eventShape, validate, owned);
    this.logits = logits;
    this.components = components;
    this.numComponents = k;
    this.support = components.support;
    if (validate) {
      const values = logits.dataSync();
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (Number.isNaN(v) || v === Infinity) {
          throw new DomainError(
            `${fn}: argument 'mixture' has logit ${v} at flat index ${i}, expected a finite number or −Infinity`,
          );
        }
      }
    }
  }

  /** The mixture logits and the components' parameters, prefixed `component_`. */
  get params(): Readonly<Record<string, tf.Tensor>> {
    const out: Record<string, tf.Tensor> = { logits: this.logits };
    for (const [name, t] of Object.entries(this.components.params)) out[`component_${name}`] = t;
    return out;
  }

  /** Draws a component index per draw, then that component's value. Not differentiable in the mixture. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const sampleRank = shape.length - this.batchShape.length - this.eventShape.length;
    const dims = shape.slice(0, sampleRank);
    const seeds = splitSeed(toSeed(seed, 'seed', `${this.name}.sample`), 2);
    const indexSeed = seeds[0]!;
    const componentSeed = seeds[1]!;
    return tf.tidy(() => {
      const k = this.numComponents;
      const draws = this.components.sample(dims, componentSeed); // dims + batch + [K] + event
      const logits = tf.broadcastTo(this.logits, [...this.batchShape, k]);
      const index = random.categorical(logits, indexSeed, dims); // dims + batch
      const oneHot = tf.reshape(tf.cast(tf.oneHot(index, k), 'float32'), [
        ...dims,
        ...this.batchShape,
        k,
        ...this.eventShape.map(() => 1),
      ]);
      return tf.sum(tf.mul(draws, oneHot), sampleRank + this.batchShape.length);
    });
  }

  /** logSumExp_k(log πₖ + log pₖ(x)), with shape sampleShape + batchShape. */
  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', `${this.name}.logProb`, []);
      this.checkValue(x);
      const perComponent = this.components.logProb(this.expandComponentAxis(x));
      return logSumExp(tf.add(perComponent, this.logWeights()), -1);
    });
  }

  /** Σₖ πₖ μₖ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.mul(this.weights(), this.components.mean()), this.componentAxis()));
  }

  /** Σₖ πₖ σₖ² + Σₖ πₖ (μₖ − E[X])²: the expected variance plus the variance of the expectation. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const w = this.weights();
      const axis = this.componentAxis();
      const means = this.components.mean();
      const mean = tf.sum(tf.mul(w, means), axis, true);
      const within = tf.sum(tf.mul(w, this.components.variance()), axis);
      const between = tf.sum(tf.mul(w, tf.square(tf.sub(means, mean))), axis);
      return tf.add(within, between);
    });
  }

  /** Σₖ πₖ Fₖ(x), for components with scalar events and a cdf. */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    if (this.eventShape.length > 0) {
      throw new NotImplementedError(
        `${this.name}.cdf: the components have event shape ${formatShape(this.eventShape)}, and a cdf is defined here for scalar events only`,
      );
    }
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', `${this.name}.cdf`, []);
      this.checkValue(x, 'cdf');
      const perComponent = this.components.cdf(this.expandComponentAxis(x));
      return tf.sum(tf.mul(perComponent, tf.exp(this.logWeights())), -1);
    });
  }

  /** No closed form: throws a NotImplementedError saying how to estimate it. */
  override entropy(): tf.Tensor {
    throw new NotImplementedError(
      `${this.name}.entropy: the entropy of a mixture has no closed form; estimate it by Monte Carlo, e.g. tf.neg(tf.mean(d.logProb(d.sample(n, seed)), 0))`,
    );
  }

  /** Inserts the component axis before the event axes: [..., E] → [..., 1, E]. */
  private expandComponentAxis(x: tf.Tensor): tf.Tensor {
    return tf.expandDims(x, x.rank - this.eventShape.length);
  }

  /** log πₖ = logitsₖ − logSumExp(logits), [...mixBatch, K]. */
  private logWeights(): tf.Tensor {
    return tf.sub(this.logits, logSumExp(this.logits, -1, true));
  }

  /** πₖ with one trailing axis per event axis, to multiply the components' moments. */
  private weights(): tf.Tensor {
    const w = tf.exp(this.logWeights());
    return tf.reshape(w, [...w.shape, ...this.eventShape.map(() => 1)]);
  }

  /** The component axis of the components' moments [...batch, K, ...E]. */
  private componentAxis(): number {
    return this.batchShape.length;
  }
}

/**
 * Shorthand for `new MixtureSameFamily(mixture, components, options)`.
 *
 * @example mixtureSameFamily([0, 0], new Normal([-1, 1], [1, 1])).mean().print(); // 0
 */
export function mixtureSameFamily(
  mixture: MixtureInput,
  components: Distribution,
  options?: DistributionOptions,
): MixtureSameFamily {
  return new MixtureSameFamily(mixture, components, options);
}
