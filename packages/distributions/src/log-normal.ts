import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, expm1, maskOf, random, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, checkPositive, parameter } from './parameters.js';
import { positive } from './support.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The log-normal distribution on (0, ∞): X = e^Y with Y ~ N(loc, scale²), μ = loc, σ = scale.
 *
 *   log p(x) = −½((log x − μ)/σ)² − log σ − ½ log 2π − log x,   F(x) = Φ((log x − μ)/σ),
 *   E[X] = e^{μ + σ²/2},   Var[X] = (e^{σ²} − 1)·e^{2μ + σ²},   mode = e^{μ − σ²},
 *   H = μ + ½ + ½ log 2π + log σ.
 *
 * Reparameterised: x = exp(μ + σ·ε) with ε ~ N(0, 1).
 *
 * Edge cases: `logProb` is −∞ and `cdf` 0 for x ≤ 0. Moments overflow to +∞ where e^{μ + σ²/2} leaves
 * the float32 range (σ ≳ 13); the mode underflows to 0 where e^{μ − σ²} does. With validation
 * (plain-number parameters, or `validate: true`) a non-finite loc or a scale ≤ 0 is a DomainError.
 *
 * @example
 * const d = new LogNormal(0, 1);
 * d.logProb(1).print(); // -0.9189
 * d.mean().print(); // 1.6487
 * d.cdf(1).print(); // 0.5
 */
export class LogNormal extends Distribution {
  readonly name = 'LogNormal';
  readonly reparameterized = true;
  readonly support = positive;
  /** The mean μ of log X. */
  readonly loc: tf.Tensor;
  /** The standard deviation σ > 0 of log X. */
  readonly scale: tf.Tensor;

  constructor(loc: TensorInput, scale: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(loc, scale);
    const [l, s, batch] = disposeOnThrow(owned, () => {
      const lt = parameter(loc, 'loc', 'LogNormal', owned);
      const st = parameter(scale, 'scale', 'LogNormal', owned);
      const shape = broadcastShapes(lt.shape, st.shape, 'LogNormal', 'loc', 'scale');
      if (validate) {
        checkFinite(lt, 'loc', 'LogNormal');
        checkPositive(st, 'scale', 'LogNormal');
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

  /** exp(μ + σ·ε), ε from `random.normal`; differentiable in μ and σ. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'LogNormal.sample');
    return tf.tidy(() => tf.exp(tf.add(this.loc, tf.mul(this.scale, random.normal(shape, key)))));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'LogNormal.logProb', []);
      this.checkValue(x);
      const outside = maskOf([x], (t) => tf.lessEqual(t, 0));
      const logX = tf.log(tf.where(outside, 1, x));
      const z = tf.div(tf.sub(logX, this.loc), this.scale);
      const lp = tf.sub(
        tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(this.scale), HALF_LOG_TWO_PI)),
        logX,
      );
      return tf.where(outside, -Infinity, lp);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.add(tf.add(this.loc, tf.log(this.scale)), 0.5 + HALF_LOG_TWO_PI), [
        ...this.batchShape,
      ]),
    );
  }

  override mean(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.exp(tf.add(this.loc, tf.mul(0.5, tf.square(this.scale)))), [...this.batchShape]),
    );
  }

  /** (e^{σ²} − 1)·e^{2μ + σ²}, with e^{σ²} − 1 through `expm1` (exact for small σ). */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const s2 = tf.square(this.scale);
      return tf.broadcastTo(tf.mul(expm1(s2), tf.exp(tf.add(tf.mul(2, this.loc), s2))), [...this.batchShape]);
    });
  }

  override mode(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.exp(tf.sub(this.loc, tf.square(this.scale))), [...this.batchShape]),
    );
  }

  /** Φ((log x − μ)/σ) = ½(1 + erf((log x − μ)/(σ√2))), and 0 for x ≤ 0. */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'LogNormal.cdf', []);
      this.checkValue(x, 'cdf');
      const outside = maskOf([x], (t) => tf.lessEqual(t, 0));
      const z = tf.div(tf.sub(tf.log(tf.where(outside, 1, x)), this.loc), tf.mul(this.scale, Math.SQRT2));
      return tf.where(outside, 0, tf.mul(0.5, tf.add(1, tf.erf(z))));
    });
  }
}

/**
 * Shorthand for `new LogNormal(loc, scale, options)`.
 *
 * @example logNormal(0, 1).mode().print(); // 0.3679
 */
export function logNormal(loc: TensorInput, scale: TensorInput, options?: DistributionOptions): LogNormal {
  return new LogNormal(loc, scale, options);
}
