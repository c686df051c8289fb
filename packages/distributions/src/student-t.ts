import * as tf from '@tensorflow/tfjs-core';
import {
  broadcastShapes,
  digamma,
  lgamma,
  log1p,
  maskOf,
  random,
  splitSeed,
  toSeed,
  type TensorInput,
} from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, checkPositive, parameter } from './parameters.js';
import { real } from './support.js';

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);
/** log Γ(½) = ½ log π. */
const LGAMMA_HALF = HALF_LOG_PI;

/** The broadcast shape of three parameter shapes, naming the pair that fails. */
function batchOf(df: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor): number[] {
  const first = broadcastShapes(df.shape, loc.shape, 'StudentT', 'df', 'loc');
  broadcastShapes(loc.shape, scale.shape, 'StudentT', 'loc', 'scale');
  return broadcastShapes(first, scale.shape, 'StudentT', 'df', 'scale');
}

/**
 * Student's t distribution on ℝ with ν = df degrees of freedom, location μ = loc and scale σ = scale;
 * with z = (x − μ)/σ:
 *
 *   log p(x) = log Γ((ν + 1)/2) − log Γ(ν/2) − ½ log(νπ) − log σ − (ν + 1)/2 · log(1 + z²/ν),
 *   H = log σ + (ν + 1)/2 · (ψ((ν + 1)/2) − ψ(ν/2)) + ½ log ν + log B(ν/2, ½),   mode = μ,
 *   E[X] = μ for ν > 1, and NaN for ν ≤ 1;
 *   Var[X] = σ²ν/(ν − 2) for ν > 2, +∞ for 1 < ν ≤ 2, and NaN for ν ≤ 1.
 *
 * The undefined moments are those of torch and TFP (with `allow_nan_stats`). No `cdf` here (it needs
 * the regularised incomplete beta function).
 *
 * Reparameterised as torch: x = μ + σ·ε·√(ν/(2g)) with ε ~ N(0, 1) (`random.normal`) and g ~ Gamma(ν/2, 1)
 * (`random.gamma`, so 2g ~ χ²_ν), from two seeds split from `seed`; the gradient with respect to ν goes
 * through the implicit reparameterisation of the gamma draw (Figurnov, Mohamed & Mnih 2018).
 *
 * Edge cases: with validation (plain-number parameters, or `validate: true`) df ≤ 0 or non-finite, a
 * non-finite loc or a scale ≤ 0 is a DomainError.
 *
 * @example
 * const d = new StudentT(3, 0, 1);
 * d.logProb(0).print(); // -1.0009
 * d.variance().print(); // 3
 * new StudentT(1, 0, 1).mean().print(); // NaN (the Cauchy distribution has no mean)
 */
export class StudentT extends Distribution {
  readonly name = 'StudentT';
  readonly reparameterized = true;
  readonly support = real;
  /** The degrees of freedom ν > 0. */
  readonly df: tf.Tensor;
  /** The location μ (median and mode; the mean for ν > 1). */
  readonly loc: tf.Tensor;
  /** The scale σ > 0. */
  readonly scale: tf.Tensor;

  constructor(
    df: TensorInput,
    loc: TensorInput = 0,
    scale: TensorInput = 1,
    options: DistributionOptions = {},
  ) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(df, loc, scale);
    const [d, l, s, batch] = disposeOnThrow(owned, () => {
      const dt = parameter(df, 'df', 'StudentT', owned);
      const lt = parameter(loc, 'loc', 'StudentT', owned);
      const st = parameter(scale, 'scale', 'StudentT', owned);
      const shape = batchOf(dt, lt, st);
      if (validate) {
        checkPositive(dt, 'df', 'StudentT');
        checkFinite(lt, 'loc', 'StudentT');
        checkPositive(st, 'scale', 'StudentT');
      }
      return [dt, lt, st, shape] as const;
    });
    super(batch, [], validate, owned);
    this.df = d;
    this.loc = l;
    this.scale = s;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { df: this.df, loc: this.loc, scale: this.scale };
  }

  /** μ + σ·ε·√(ν/(2g)), ε ~ N(0, 1), g ~ Gamma(ν/2, 1); differentiable in ν, μ and σ. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const [normalSeed, gammaSeed] = splitSeed(toSeed(seed, 'seed', 'StudentT.sample'), 2);
    return tf.tidy(() => {
      const eps = random.normal(shape, normalSeed!);
      const g = random.gamma(shape, tf.mul(0.5, this.df), gammaSeed!);
      const t = tf.mul(eps, tf.rsqrt(tf.div(tf.mul(2, g), this.df)));
      return tf.add(this.loc, tf.mul(this.scale, t));
    });
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'StudentT.logProb', []);
      this.checkValue(x);
      const nu = this.df;
      const z = tf.div(tf.sub(x, this.loc), this.scale);
      const half = tf.mul(0.5, tf.add(nu, 1));
      const normaliser = tf.sub(
        tf.sub(lgamma(half), lgamma(tf.mul(0.5, nu))),
        tf.add(tf.add(tf.mul(0.5, tf.log(nu)), HALF_LOG_PI), tf.log(this.scale)),
      );
      return tf.sub(normaliser, tf.mul(half, log1p(tf.div(tf.square(z), nu))));
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const nu = this.df;
      const halfNu = tf.mul(0.5, nu);
      const half = tf.mul(0.5, tf.add(nu, 1));
      // log B(ν/2, ½) = log Γ(ν/2) + log Γ(½) − log Γ((ν + 1)/2).
      const logBeta = tf.sub(tf.add(lgamma(halfNu), LGAMMA_HALF), lgamma(half));
      const h = tf.add(
        tf.add(tf.log(this.scale), tf.mul(half, tf.sub(digamma(half), digamma(halfNu)))),
        tf.add(tf.mul(0.5, tf.log(nu)), logBeta),
      );
      return tf.broadcastTo(h, [...this.batchShape]);
    });
  }

  /** μ for ν > 1, NaN for ν ≤ 1 (torch, TFP). */
  override mean(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(
        tf.where(
          maskOf([this.df], (t) => tf.greater(t, 1)),
          this.loc,
          Number.NaN,
        ),
        [...this.batchShape],
      ),
    );
  }

  /** σ²ν/(ν − 2) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1 (torch, TFP). */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const nu = this.df;
      const finite = maskOf([nu], (t) => tf.greater(t, 2));
      const safe = tf.where(finite, nu, 3);
      const v = tf.div(tf.mul(tf.square(this.scale), safe), tf.sub(safe, 2));
      const undefinedOrInfinite = tf.where(
        maskOf([nu], (t) => tf.greater(t, 1)),
        Infinity,
        Number.NaN,
      );
      return tf.broadcastTo(tf.where(finite, v, undefinedOrInfinite), [...this.batchShape]);
    });
  }

  override mode(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape]));
  }
}

/**
 * Shorthand for `new StudentT(df, loc, scale, options)`.
 *
 * @example studentT(5, 1, 2).variance().print(); // 6.6667
 */
export function studentT(
  df: TensorInput,
  loc: TensorInput = 0,
  scale: TensorInput = 1,
  options?: DistributionOptions,
): StudentT {
  return new StudentT(df, loc, scale, options);
}
