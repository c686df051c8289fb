import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, digamma, lgamma, maskOf, random, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkPositive, parameter } from './parameters.js';
import { nonNegative } from './support.js';
import { xlogy } from './log-terms.js';

/**
 * The gamma distribution on [0, ∞) with concentration (shape) α and rate β:
 *
 *   log p(x) = α log β + (α − 1) log x − βx − log Γ(α),
 *   E[X] = α/β,   Var[X] = α/β²,   H = α − log β + log Γ(α) + (1 − α) ψ(α),
 *   mode = (α − 1)/β for α ≥ 1, and 0 for α < 1.
 *
 * The mode follows torch: for α < 1 the density is unbounded at 0, its supremum (TFP returns NaN there
 * instead). No `cdf` here (it needs the regularised incomplete gamma function).
 *
 * Reparameterised: x = z/β with z ~ Gamma(α, 1) from `random.gamma`, whose gradient with respect to α is
 * the implicit reparameterisation dz/dα = −(∂F/∂α)(z; α)/p(z; α) (Figurnov, Mohamed & Mnih 2018); the
 * gradient with respect to β follows from the division.
 *
 * Edge cases: `logProb` is −∞ for x < 0; at x = 0 it is +∞ for α < 1, log β for α = 1 and −∞ for α > 1
 * (as scipy.stats.gamma.logpdf). Draws are at least 2^-126 (`random.gamma` keeps no zeros). With
 * validation (plain-number parameters, or `validate: true`) a concentration or rate ≤ 0 or non-finite is
 * a DomainError.
 *
 * @example
 * const d = new Gamma(2, 3);
 * d.logProb(1).print(); // -0.8028
 * d.mean().print(); // 0.6667
 * d.mode().print(); // 0.3333
 */
export class Gamma extends Distribution {
  readonly name = 'Gamma';
  readonly reparameterized = true;
  readonly support = nonNegative;
  /** The concentration (shape) α > 0. */
  readonly concentration: tf.Tensor;
  /** The rate (inverse scale) β > 0. */
  readonly rate: tf.Tensor;

  constructor(concentration: TensorInput, rate: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(concentration, rate);
    const [a, b, batch] = disposeOnThrow(owned, () => {
      const at = parameter(concentration, 'concentration', 'Gamma', owned);
      const bt = parameter(rate, 'rate', 'Gamma', owned);
      const shape = broadcastShapes(at.shape, bt.shape, 'Gamma', 'concentration', 'rate');
      if (validate) {
        checkPositive(at, 'concentration', 'Gamma');
        checkPositive(bt, 'rate', 'Gamma');
      }
      return [at, bt, shape] as const;
    });
    super(batch, [], validate, owned);
    this.concentration = a;
    this.rate = b;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { concentration: this.concentration, rate: this.rate };
  }

  /** `random.gamma(shape, α, seed)/β`; differentiable in α (implicitly) and β. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'Gamma.sample');
    return tf.tidy(() => tf.div(random.gamma(shape, this.concentration, key), this.rate));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Gamma.logProb', []);
      this.checkValue(x);
      const a = this.concentration;
      const b = this.rate;
      const outside = maskOf([x], (t) => tf.less(t, 0));
      const xs = tf.where(outside, 1, x);
      const lp = tf.sub(
        tf.add(tf.mul(a, tf.log(b)), xlogy(tf.sub(a, 1), xs)),
        tf.add(tf.mul(b, xs), lgamma(a)),
      );
      return tf.where(outside, -Infinity, lp);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const h = tf.add(tf.sub(a, tf.log(this.rate)), tf.add(lgamma(a), tf.mul(tf.sub(1, a), digamma(a))));
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.div(this.concentration, this.rate), [...this.batchShape]));
  }

  override variance(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.div(this.concentration, tf.square(this.rate)), [...this.batchShape]),
    );
  }

  /** (α − 1)/β for α ≥ 1, 0 for α < 1 (torch; TFP gives NaN for α < 1). */
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      // Exactly +0 for α ≤ 1 (relu gives −0 on WebGL).
      const a = this.concentration;
      const atZero = maskOf([a], (t) => tf.lessEqual(t, 1));
      return tf.broadcastTo(tf.where(atZero, 0, tf.div(tf.sub(a, 1), this.rate)), [...this.batchShape]);
    });
  }
}

/**
 * Shorthand for `new Gamma(concentration, rate, options)`.
 *
 * @example gamma(2, 3).variance().print(); // 0.2222
 */
export function gamma(concentration: TensorInput, rate: TensorInput, options?: DistributionOptions): Gamma {
  return new Gamma(concentration, rate, options);
}
