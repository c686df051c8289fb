import * as tf from '@tensorflow/tfjs-core';
import { expm1, log1p, maskOf, random, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkPositive, parameter } from './parameters.js';
import { nonNegative } from './support.js';

/**
 * The exponential distribution on [0, ∞) with rate λ = rate:
 *
 *   log p(x) = log λ − λx,   F(x) = 1 − e^{−λx},
 *   E[X] = 1/λ,   Var[X] = 1/λ²,   mode = 0,   H = 1 − log λ.
 *
 * Reparameterised by the inverse CDF: x = −log(1 − u)/λ with u ~ U[0, 1) from `random.uniform`
 * (finite: x ≤ 16.6/λ).
 *
 * Edge cases: `logProb` is −∞ and `cdf` 0 for x < 0; `logProb(0)` is log λ. With validation
 * (plain-number parameters, or `validate: true`) a rate ≤ 0 or non-finite is a DomainError.
 *
 * @example
 * const d = new Exponential(2);
 * d.logProb(1).print(); // -1.3069
 * d.cdf(1).print(); // 0.8647
 * d.mean().print(); // 0.5
 */
export class Exponential extends Distribution {
  readonly name = 'Exponential';
  readonly reparameterized = true;
  readonly support = nonNegative;
  /** The rate λ > 0 (inverse scale). */
  readonly rate: tf.Tensor;

  constructor(rate: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(rate);
    const r = disposeOnThrow(owned, () => {
      const rt = parameter(rate, 'rate', 'Exponential', owned);
      if (validate) checkPositive(rt, 'rate', 'Exponential');
      return rt;
    });
    super(r.shape, [], validate, owned);
    this.rate = r;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { rate: this.rate };
  }

  /** −log1p(−u)/λ, u ~ U[0, 1); differentiable in λ. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'Exponential.sample');
    return tf.tidy(() => tf.div(tf.neg(log1p(tf.neg(random.uniform(shape, key)))), this.rate));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Exponential.logProb', []);
      this.checkValue(x);
      const outside = maskOf([x], (t) => tf.less(t, 0));
      const lp = tf.sub(tf.log(this.rate), tf.mul(this.rate, tf.where(outside, 0, x)));
      return tf.where(outside, -Infinity, lp);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.sub(1, tf.log(this.rate)));
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.reciprocal(this.rate));
  }

  override mode(): tf.Tensor {
    return tf.zeros([...this.batchShape]);
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => tf.reciprocal(tf.square(this.rate)));
  }

  /** −expm1(−λx) (exact for small λx), and 0 for x < 0. */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Exponential.cdf', []);
      this.checkValue(x, 'cdf');
      // 0 − expm1(−0) is +0 where x ≤ 0 (a negation would give −0 on WebGL).
      return tf.sub(0, expm1(tf.neg(tf.mul(this.rate, tf.relu(x)))));
    });
  }
}

/**
 * Shorthand for `new Exponential(rate, options)`.
 *
 * @example exponential(2).variance().print(); // 0.25
 */
export function exponential(rate: TensorInput, options?: DistributionOptions): Exponential {
  return new Exponential(rate, options);
}
