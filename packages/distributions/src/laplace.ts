import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, log1p, maskOf, random, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, checkPositive, parameter } from './parameters.js';
import { real } from './support.js';

/** The lower end of the uniform draw in `sample`: the float32 just above −1, so log1p(−|u|) stays finite. */
const U_LOW = -1 + 2 ** -24;

/**
 * The Laplace (double exponential) distribution on ℝ with location μ = loc and scale b = scale:
 *
 *   log p(x) = −log 2b − |x − μ|/b,
 *   F(x) = ½ e^{(x − μ)/b} for x < μ,   1 − ½ e^{−(x − μ)/b} for x ≥ μ,
 *   E[X] = mode = μ,   Var[X] = 2b²,   H = 1 + log 2b.
 *
 * Reparameterised by the inverse CDF, as torch: x = μ − b·sign(u)·log(1 − |u|) with u uniform on
 * (−1, 1) (`random.uniform`, lower end −1 + 2^-24 so that the logarithm stays finite: |x − μ| ≤ 16.6 b).
 *
 * Edge cases: with validation (plain-number parameters, or `validate: true`) a non-finite loc or a
 * scale ≤ 0 is a DomainError.
 *
 * @example
 * const d = new Laplace(0, 1);
 * d.logProb(0).print(); // -0.6931
 * d.cdf(1).print(); // 0.8161
 * d.variance().print(); // 2
 */
export class Laplace extends Distribution {
  readonly name = 'Laplace';
  readonly reparameterized = true;
  readonly support = real;
  /** The location μ (mean, median and mode). */
  readonly loc: tf.Tensor;
  /** The scale b > 0. */
  readonly scale: tf.Tensor;

  constructor(loc: TensorInput, scale: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(loc, scale);
    const [l, s, batch] = disposeOnThrow(owned, () => {
      const lt = parameter(loc, 'loc', 'Laplace', owned);
      const st = parameter(scale, 'scale', 'Laplace', owned);
      const shape = broadcastShapes(lt.shape, st.shape, 'Laplace', 'loc', 'scale');
      if (validate) {
        checkFinite(lt, 'loc', 'Laplace');
        checkPositive(st, 'scale', 'Laplace');
      }
      return [lt, st, shape] as const;
    });
    super(batch, [], validate, owned);
    this.loc = l;
    this.scale = s;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { loc: this.loc, scale: this.scale };
  }

  /** μ − b·sign(u)·log1p(−|u|), u ~ U[−1 + 2^-24, 1); differentiable in μ and b. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'Laplace.sample');
    return tf.tidy(() => {
      const u = random.uniform(shape, key, { low: U_LOW, high: 1 });
      return tf.sub(this.loc, tf.mul(this.scale, tf.mul(tf.sign(u), log1p(tf.neg(tf.abs(u))))));
    });
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Laplace.logProb', []);
      this.checkValue(x);
      const distance = tf.div(tf.abs(tf.sub(x, this.loc)), this.scale);
      return tf.neg(tf.add(tf.log(tf.mul(2, this.scale)), distance));
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(tf.log(tf.mul(2, this.scale)), 1), [...this.batchShape]));
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape]));
  }

  override mode(): tf.Tensor {
    return this.mean();
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.mul(2, tf.square(this.scale)), [...this.batchShape]));
  }

  /** ½ e^{−|x − μ|/b} below μ (relative accuracy kept far into the lower tail), 1 − ½ e^{−|x − μ|/b} above. */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Laplace.cdf', []);
      this.checkValue(x, 'cdf');
      const d = tf.sub(x, this.loc);
      const tail = tf.mul(0.5, tf.exp(tf.neg(tf.div(tf.abs(d), this.scale))));
      return tf.where(
        maskOf([d], (t) => tf.less(t, 0)),
        tail,
        tf.sub(1, tail),
      );
    });
  }
}

/**
 * Shorthand for `new Laplace(loc, scale, options)`.
 *
 * @example laplace(0, 1).entropy().print(); // 1.6931
 */
export function laplace(loc: TensorInput, scale: TensorInput, options?: DistributionOptions): Laplace {
  return new Laplace(loc, scale, options);
}
