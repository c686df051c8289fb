import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, random, toSeed, type TensorInput } from '@elbo/core';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, checkPositive, parameter } from './parameters.js';
import { real } from './support.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The normal distribution N(loc, scale²) on ℝ:
 * log p(x) = −½((x − μ)/σ)² − log σ − ½ log 2π. Reparameterised: x = μ + σ·ε with ε ~ N(0, 1).
 *
 * Edge cases: scale ≤ 0 or non-finite parameters throw a DomainError when validated (plain-number
 * parameters, or `validate: true`).
 *
 * @example
 * const d = new Normal(0, 1);
 * d.logProb(0).print(); // -0.9189
 * d.cdf(1.96).print(); // 0.9750
 */
export class Normal extends Distribution {
  readonly name = 'Normal';
  readonly reparameterized = true;
  readonly support = real;
  /** The mean μ. */
  readonly loc: tf.Tensor;
  /** The standard deviation σ > 0. */
  readonly scale: tf.Tensor;

  constructor(loc: TensorInput, scale: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const l = parameter(loc, 'loc', 'Normal', owned);
    const s = parameter(scale, 'scale', 'Normal', owned);
    const batch = broadcastShapes(l.shape, s.shape, 'Normal', 'loc', 'scale');
    const validate = options.validate ?? allPlain(loc, scale);
    super(batch, [], validate, owned);
    this.loc = l;
    this.scale = s;
    if (validate) {
      checkFinite(l, 'loc', 'Normal');
      checkPositive(s, 'scale', 'Normal');
    }
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { loc: this.loc, scale: this.scale };
  }

  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'Normal.sample');
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, random.normal(shape, key))));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Normal.logProb', []);
      this.checkValue(x);
      const z = tf.div(tf.sub(x, this.loc), this.scale);
      return tf.sub(tf.sub(tf.mul(-0.5, tf.square(z)), tf.log(this.scale)), HALF_LOG_TWO_PI);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI), [...this.batchShape]),
    );
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape]));
  }

  override mode(): tf.Tensor {
    return this.mean();
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scale), [...this.batchShape]));
  }

  /** Φ((x − μ)/σ) = ½ erfc(−(x − μ)/(σ√2)). */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Normal.cdf', []);
      this.checkValue(x, 'cdf');
      const z = tf.div(tf.sub(x, this.loc), tf.mul(this.scale, Math.SQRT2));
      return tf.mul(0.5, tf.add(1, tf.erf(z)));
    });
  }
}

/**
 * Shorthand for `new Normal(loc, scale, options)`.
 *
 * @example normal(0, 1).logProb(0).print(); // -0.9189
 */
export function normal(loc: TensorInput, scale: TensorInput, options?: DistributionOptions): Normal {
  return new Normal(loc, scale, options);
}
