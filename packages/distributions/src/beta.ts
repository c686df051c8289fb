import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, digamma, logBeta, maskOf, random, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkPositive, parameter } from './parameters.js';
import { unitInterval } from './support.js';
import { xlog1my, xlogy } from './log-terms.js';

/**
 * The beta distribution on [0, 1] with concentration1 α (the exponent of x) and concentration0 β (the
 * exponent of 1 − x), torch's names:
 *
 *   log p(x) = (α − 1) log x + (β − 1) log(1 − x) − log B(α, β),
 *   E[X] = α/(α + β),   Var[X] = αβ/((α + β)²(α + β + 1)),
 *   H = log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β).
 *
 * The mode is where the density is largest, when that point is unique:
 * - (α − 1)/(α + β − 2) for α > 1 and β > 1;
 * - 0 where the density decreases (α ≤ 1 ≤ β, not both 1), 1 where it increases (β ≤ 1 ≤ α, not both 1);
 * - NaN where there is no single maximiser: α < 1 and β < 1 (U-shaped, unbounded at both ends) and
 *   α = β = 1 (uniform).
 * torch picks an end for the U shape and returns NaN for α < 1 = β; TFP returns NaN whenever α ≤ 1 or
 * β ≤ 1. No `cdf` here (it needs the regularised incomplete beta function).
 *
 * Reparameterised through `random.beta`: x = G_α/(G_α + G_β) with two independent Gamma(·, 1) draws,
 * each differentiable by implicit reparameterisation (Figurnov, Mohamed & Mnih 2018); the ratio is
 * formed from the logarithms of the gamma draws, so it stays exact for α, β ≪ 1. Draws lie in
 * [2^-126, 1 − 2^-24].
 *
 * Edge cases: `logProb` is −∞ outside [0, 1]; at x = 0 it is +∞ for α < 1, log(1/B(1, β)) = log β for
 * α = 1 and −∞ for α > 1, and symmetrically at x = 1 (as scipy.stats.beta.logpdf; torch returns NaN for
 * α = 1 there). With validation (plain-number parameters, or `validate: true`) a concentration ≤ 0 or
 * non-finite is a DomainError.
 *
 * @example
 * const d = new Beta(2, 3);
 * d.logProb(0.5).print(); // 0.4055
 * d.mean().print(); // 0.4
 * d.mode().print(); // 0.3333
 */
export class Beta extends Distribution {
  readonly name = 'Beta';
  readonly reparameterized = true;
  readonly support = unitInterval;
  /** α > 0, the exponent of x (torch's `concentration1`). */
  readonly concentration1: tf.Tensor;
  /** β > 0, the exponent of 1 − x (torch's `concentration0`). */
  readonly concentration0: tf.Tensor;

  constructor(concentration1: TensorInput, concentration0: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(concentration1, concentration0);
    const [a, b, batch] = disposeOnThrow(owned, () => {
      const at = parameter(concentration1, 'concentration1', 'Beta', owned);
      const bt = parameter(concentration0, 'concentration0', 'Beta', owned);
      const shape = broadcastShapes(at.shape, bt.shape, 'Beta', 'concentration1', 'concentration0');
      if (validate) {
        checkPositive(at, 'concentration1', 'Beta');
        checkPositive(bt, 'concentration0', 'Beta');
      }
      return [at, bt, shape] as const;
    });
    super(batch, [], validate, owned);
    this.concentration1 = a;
    this.concentration0 = b;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { concentration1: this.concentration1, concentration0: this.concentration0 };
  }

  /** `random.beta(shape, α, β, seed)`; differentiable in α and β (implicit gamma gradients). */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'Beta.sample');
    return tf.tidy(() => random.beta(shape, this.concentration1, this.concentration0, key));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Beta.logProb', []);
      this.checkValue(x);
      const a = this.concentration1;
      const b = this.concentration0;
      const outside = maskOf([x], (t) => tf.logicalOr(tf.less(t, 0), tf.greater(t, 1)));
      const xs = tf.where(outside, 0.5, x);
      const lp = tf.sub(tf.add(xlogy(tf.sub(a, 1), xs), xlog1my(tf.sub(b, 1), xs)), logBeta(a, b));
      return tf.where(outside, -Infinity, lp);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const total = tf.add(a, b);
      const h = tf.add(
        tf.sub(logBeta(a, b), tf.add(tf.mul(tf.sub(a, 1), digamma(a)), tf.mul(tf.sub(b, 1), digamma(b)))),
        tf.mul(tf.sub(total, 2), digamma(total)),
      );
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0)), [
        ...this.batchShape,
      ]),
    );
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration1;
      const b = this.concentration0;
      const total = tf.add(a, b);
      const v = tf.div(tf.mul(a, b), tf.mul(tf.square(total), tf.add(total, 1)));
      return tf.broadcastTo(v, [...this.batchShape]);
    });
  }

  /** The unique maximiser of the density, or NaN where there is none (see the class documentation). */
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const a = tf.broadcastTo(this.concentration1, [...this.batchShape]);
      const b = tf.broadcastTo(this.concentration0, [...this.batchShape]);
      const interior = tf.logicalAnd(tf.greater(a, 1), tf.greater(b, 1));
      const denominator = tf.where(interior, tf.sub(tf.add(a, b), 2), 1);
      const inside = tf.div(tf.sub(a, 1), denominator);
      const bothOne = tf.logicalAnd(tf.equal(a, 1), tf.equal(b, 1));
      const uShaped = tf.logicalAnd(tf.less(a, 1), tf.less(b, 1));
      // Not interior and not undefined: the density is monotone, decreasing when α ≤ 1 ≤ β.
      const end = tf.where(tf.logicalAnd(tf.lessEqual(a, 1), tf.greaterEqual(b, 1)), 0, 1);
      return tf.where(interior, inside, tf.where(tf.logicalOr(bothOne, uShaped), Number.NaN, end));
    });
  }
}

/**
 * Shorthand for `new Beta(concentration1, concentration0, options)`.
 *
 * @example beta(2, 3).variance().print(); // 0.04
 */
export function beta(
  concentration1: TensorInput,
  concentration0: TensorInput,
  options?: DistributionOptions,
): Beta {
  return new Beta(concentration1, concentration0, options);
}
