import * as tf from '@tensorflow/tfjs-core';
import { maskOf, random, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkPositive, parameter } from './parameters.js';
import { nonNegative } from './support.js';

const HALF_LOG_TWO_OVER_PI = 0.5 * Math.log(2 / Math.PI);
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * The half-normal distribution on [0, ∞): X = |Y| with Y ~ N(0, σ²), σ = scale.
 *
 *   log p(x) = ½ log(2/π) − log σ − x²/(2σ²),   F(x) = erf(x/(σ√2)),
 *   E[X] = σ√(2/π),   Var[X] = σ²(1 − 2/π),   mode = 0,   H = ½ log(πσ²/2) + ½.
 *
 * Reparameterised: x = |σ·ε| with ε ~ N(0, 1) from `random.normal`.
 *
 * Edge cases: `logProb` is −∞ and `cdf` 0 for x < 0; `logProb(0)` is ½ log(2/π) − log σ. With validation
 * (plain-number parameters, or `validate: true`) a scale ≤ 0 or non-finite is a DomainError.
 *
 * @example
 * const d = new HalfNormal(1);
 * d.logProb(0).print(); // -0.2258
 * d.mean().print(); // 0.7979
 * d.cdf(1).print(); // 0.6827
 */
export class HalfNormal extends Distribution {
  readonly name = 'HalfNormal';
  readonly reparameterized = true;
  readonly support = nonNegative;
  /** The scale σ > 0 of the folded normal. */
  readonly scale: tf.Tensor;

  constructor(scale: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(scale);
    const s = disposeOnThrow(owned, () => {
      const st = parameter(scale, 'scale', 'HalfNormal', owned);
      if (validate) checkPositive(st, 'scale', 'HalfNormal');
      return st;
    });
    super(s.shape, [], validate, owned);
    this.scale = s;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { scale: this.scale };
  }

  /** |σ·ε|, ε ~ N(0, 1); differentiable in σ. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'HalfNormal.sample');
    return tf.tidy(() => tf.mul(this.scale, tf.abs(random.normal(shape, key))));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'HalfNormal.logProb', []);
      this.checkValue(x);
      const outside = maskOf([x], (t) => tf.less(t, 0));
      const z = tf.div(tf.where(outside, 0, x), this.scale);
      const lp = tf.sub(tf.sub(HALF_LOG_TWO_OVER_PI, tf.log(this.scale)), tf.mul(0.5, tf.square(z)));
      return tf.where(outside, -Infinity, lp);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.add(tf.log(this.scale), 0.5 - HALF_LOG_TWO_OVER_PI));
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.scale, SQRT_TWO_OVER_PI));
  }

  override mode(): tf.Tensor {
    return tf.zeros([...this.batchShape]);
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.square(this.scale), 1 - 2 / Math.PI));
  }

  /** erf(x/(σ√2)), and 0 for x < 0. */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'HalfNormal.cdf', []);
      this.checkValue(x, 'cdf');
      return tf.erf(tf.div(tf.relu(x), tf.mul(this.scale, Math.SQRT2)));
    });
  }
}

/**
 * Shorthand for `new HalfNormal(scale, options)`.
 *
 * @example halfNormal(2).variance().print(); // 1.4535
 */
export function halfNormal(scale: TensorInput, options?: DistributionOptions): HalfNormal {
  return new HalfNormal(scale, options);
}
