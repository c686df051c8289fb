import * as tf from '@tensorflow/tfjs-core';
import { expm1, log1p, maskOf, random, softplus, toSeed, type TensorInput } from '@elbo/core';
import { checkLogits, disposeOnThrow, readProbabilityParams } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkProbability, parameter } from './parameters.js';
import { unitInterval } from './support.js';

/** float32 machine epsilon 2^-23: torch's clamp of probabilities before they become logits. */
const FLOAT32_EPS = 2 ** -23;
/** Below this |ℓ| the log normaliser, mean and variance use their Taylor series (see the class doc). */
const SERIES_MAX = 0.5;
/** Below this |ℓ| the CDF and inverse CDF use their second-order expansion in ℓ. */
const EXPANSION_MAX = 1e-3;
const LOG_TWO = Math.log(2);

/** The parameter of a {@link ContinuousBernoulli}: exactly one of `logits` ℓ or `probs` λ = σ(ℓ). */
export type ContinuousBernoulliParams =
  | { readonly logits: TensorInput; readonly probs?: never }
  | { readonly probs: TensorInput; readonly logits?: never };

/** Horner's rule for c0 + c1·t + c2·t² + … */
function horner(t: tf.Tensor, coefficients: readonly number[]): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coefficients[coefficients.length - 1]!);
  for (let i = coefficients.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, t), coefficients[i]!);
  return acc;
}

/**
 * log C(ℓ) = log(ℓ / tanh(ℓ/2)), even in ℓ. For |ℓ| ≥ ½: log a + log1p(e^{−a}) − log(−expm1(−a)), a = |ℓ|;
 * below: log 2 + log1p(ℓ²/12 − ℓ⁴/720 + ℓ⁶/30240) (next term ℓ⁸/1209600, below 1e-8 relative).
 */
function logNormalizer(l: tf.Tensor): tf.Tensor {
  const a = tf.abs(l);
  const small = maskOf([a], (t) => tf.less(t, SERIES_MAX));
  const s = tf.square(tf.where(small, l, 0));
  const series = tf.add(LOG_TWO, log1p(tf.mul(s, horner(s, [1 / 12, -1 / 720, 1 / 30240]))));
  const al = tf.where(small, 1, a);
  const exact = tf.sub(tf.add(tf.log(al), log1p(tf.exp(tf.neg(al)))), tf.log(tf.neg(expm1(tf.neg(al)))));
  return tf.where(small, series, exact);
}

/**
 * E[X] = 1/(1 − e^{−ℓ}) − 1/ℓ. For |ℓ| ≥ ½, with a = |ℓ|: −1/expm1(−a) − 1/a for ℓ > 0 and
 * 1/a + e^{−a}/expm1(−a) for ℓ < 0 (no overflow, finite gradients); below: ½ + ℓ/12 − ℓ³/720 + ℓ⁵/30240.
 */
function meanOf(l: tf.Tensor): tf.Tensor {
  const small = maskOf([l], (t) => tf.less(tf.abs(t), SERIES_MAX));
  const ls = tf.where(small, l, 0);
  const series = tf.add(0.5, tf.mul(ls, horner(tf.square(ls), [1 / 12, -1 / 720, 1 / 30240])));
  const a = tf.where(small, 1, tf.abs(l));
  const em = expm1(tf.neg(a));
  const upper = tf.sub(tf.neg(tf.reciprocal(em)), tf.reciprocal(a));
  const lower = tf.add(tf.reciprocal(a), tf.div(tf.exp(tf.neg(a)), em));
  return tf.where(
    small,
    series,
    tf.where(
      maskOf([l], (t) => tf.greater(t, 0)),
      upper,
      lower,
    ),
  );
}

/**
 * Var[X] = 1/ℓ² − 1/(4 sinh²(ℓ/2)), even in ℓ. For |ℓ| ≥ ½: 1/a² − e^{−a}/expm1(−a)², a = |ℓ|; below
 * (where the difference cancels in float32): 1/12 − ℓ²/240 + ℓ⁴/6048 − ℓ⁶/172800.
 */
function varianceOf(l: tf.Tensor): tf.Tensor {
  const a = tf.abs(l);
  const small = maskOf([a], (t) => tf.less(t, SERIES_MAX));
  const s = tf.square(tf.where(small, l, 0));
  const series = horner(s, [1 / 12, -1 / 240, 1 / 6048, -1 / 172800]);
  const al = tf.where(small, 1, a);
  const exact = tf.sub(
    tf.reciprocal(tf.square(al)),
    tf.div(tf.exp(tf.neg(al)), tf.square(expm1(tf.neg(al)))),
  );
  return tf.where(small, series, exact);
}

/**
 * F(x) = (e^{ℓx} − 1)/(e^ℓ − 1) on [0, 1] (0 below, 1 above): expm1(ℓx)/expm1(ℓ) for ℓ < 0,
 * e^{ℓ(x − 1)}·expm1(−ℓx)/expm1(−ℓ) for ℓ > 0 (no overflow), and x + ℓx(x − 1)/2 + ℓ²x(x − 1)(2x − 1)/12
 * for |ℓ| < 10⁻³.
 */
function cdfOf(l: tf.Tensor, value: tf.Tensor): tf.Tensor {
  const x = tf.clipByValue(value, 0, 1);
  const small = maskOf([l], (t) => tf.less(tf.abs(t), EXPANSION_MAX));
  const positive = maskOf([l], (t) => tf.greaterEqual(t, EXPANSION_MAX));
  const ls = tf.where(small, l, 0);
  const xm1 = tf.sub(x, 1);
  const expansion = tf.add(
    x,
    tf.mul(tf.mul(ls, tf.mul(x, xm1)), tf.add(0.5, tf.mul(tf.div(ls, 12), tf.sub(tf.mul(2, x), 1)))),
  );
  const lp = tf.where(positive, l, 1);
  const fromAbove = tf.mul(tf.exp(tf.mul(lp, xm1)), tf.div(expm1(tf.neg(tf.mul(lp, x))), expm1(tf.neg(lp))));
  const ln = tf.where(tf.logicalOr(small, positive), -1, l);
  const fromBelow = tf.div(expm1(tf.mul(ln, x)), expm1(ln));
  const inside = tf.where(small, expansion, tf.where(positive, fromAbove, fromBelow));
  return tf.where(
    maskOf([value], (t) => tf.lessEqual(t, 0)),
    0,
    tf.where(
      maskOf([value], (t) => tf.greaterEqual(t, 1)),
      1,
      inside,
    ),
  );
}

/**
 * log(v + (1 − v)e^{−a})/a for a > 0, v ∈ [0, 1]: log1p((1 − v)·expm1(−a))/a for a < 1 (exact near a = 0),
 * log(v + (1 − v)e^{−a})/a for a ≥ 1 (a sum of non-negative terms, exact near v = 0). Each branch gets
 * arguments that are safe where it is not used, so gradients stay finite.
 */
function inverseTail(a: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const moderate = maskOf([a], (t) => tf.less(t, 1));
  const a1 = tf.where(moderate, a, 0.5);
  const near = tf.div(log1p(tf.mul(tf.sub(1, v), expm1(tf.neg(a1)))), a1);
  const a2 = tf.where(moderate, 1, a);
  const far = tf.div(tf.log(tf.add(v, tf.mul(tf.sub(1, v), tf.exp(tf.neg(a2))))), a2);
  return tf.where(moderate, near, far);
}

/**
 * F⁻¹(u) = log(1 − u + u·e^ℓ)/ℓ (torch's icdf, rewritten): 1 + h(u) for ℓ > 0 and −h(1 − u) for ℓ < 0 with
 * h from {@link inverseTail} at a = |ℓ|, and u + ℓu(1 − u)/2 + ℓ²u(1 − u)(1 − 2u)/6 for |ℓ| < 10⁻³.
 */
function icdfOf(l: tf.Tensor, u: tf.Tensor): tf.Tensor {
  const a = tf.abs(l);
  const small = maskOf([a], (t) => tf.less(t, EXPANSION_MAX));
  const ls = tf.where(small, l, 0);
  const u1 = tf.mul(u, tf.sub(1, u));
  const expansion = tf.add(
    u,
    tf.mul(tf.mul(ls, u1), tf.add(0.5, tf.mul(tf.div(ls, 6), tf.sub(1, tf.mul(2, u))))),
  );
  const am = tf.where(small, 1, a);
  const fromAbove = tf.add(1, inverseTail(am, u));
  const fromBelow = tf.neg(inverseTail(am, tf.sub(1, u)));
  return tf.where(
    small,
    expansion,
    tf.where(
      maskOf([l], (t) => tf.greater(t, 0)),
      fromAbove,
      fromBelow,
    ),
  );
}

/**
 * The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem & Cunningham, "The continuous Bernoulli:
 * fixing a pervasive error in variational autoencoders", NeurIPS 2019), parameterised by `logits` ℓ or
 * `probs` λ = σ(ℓ):
 *
 *   p(x) = C(λ)·λ^x (1 − λ)^{1 − x},   C(λ) = 2 atanh(1 − 2λ)/(1 − 2λ) = ℓ / tanh(ℓ/2)  (C(½) = 2),
 *   log p(x) = x log λ + (1 − x) log(1 − λ) + log C   (a grey-level likelihood with its normaliser),
 *   E[X] = λ/(2λ − 1) + 1/(2 atanh(1 − 2λ)) = 1/(1 − e^{−ℓ}) − 1/ℓ,
 *   Var[X] = λ(λ − 1)/(1 − 2λ)² + 1/(2 atanh(1 − 2λ))² = 1/ℓ² − 1/(4 sinh²(ℓ/2)),
 *   H = −E[X]·ℓ − log C + softplus(ℓ),   F(x) = (e^{ℓx} − 1)/(e^ℓ − 1),
 *   mode = 1 for λ > ½, 0 for λ < ½, NaN at λ = ½ (the uniform distribution: every point is a mode).
 *
 * Stability near λ = ½, as torch does it: these closed forms are 0/0 at λ = ½ and cancel catastrophically
 * next to it, so inside a band around ½ the log normaliser, mean and variance switch to their Taylor
 * series (torch: second order in (λ − ½)² for λ ∈ (0.499, 0.501]). Here every quantity is computed from ℓ
 * (exact for λ near 0 or 1 too), the band is |ℓ| < ½ and the series go to ℓ⁶ (error < 1e-8), because in
 * float32 the variance's closed form loses 5 % of its value already at |ℓ| = 0.004; the CDF and inverse
 * CDF switch to their second-order expansion for |ℓ| < 10⁻³ (torch uses the identity in its band).
 *
 * Reparameterised by the inverse CDF, as torch: x = F⁻¹(u) with u ~ U[0, 1) (`random.uniform`), so
 * gradients reach ℓ (or λ).
 *
 * Given `probs`, the logits are ℓ = log λ̃ − log(1 − λ̃) with λ̃ clamped to [2^-23, 1 − 2^-23] as torch
 * does (computed as log1p((2λ̃ − 1)/(1 − λ̃)) for λ̃ ∈ (¼, ¾), exact near ½): probs 0 and 1 give a very
 * concentrated but proper density rather than a point mass. `logProb` is −∞ outside [0, 1] (torch
 * evaluates its formula there). The distribution keeps the parameter you gave and derives the other in
 * every method (so a `tf.Variable` stays current); `logits()` and `probs()` return new tensors.
 *
 * Edge cases: with validation (plain-number parameters, or `validate: true`) probs outside [0, 1] or NaN,
 * and logits that are not finite, are DomainErrors; values outside [0, 1] passed to `logProb`, `cdf` or
 * `icdf` are DomainErrors too.
 *
 * @example
 * const d = new ContinuousBernoulli({ probs: 0.8 });
 * d.logProb(0.9).print(); // 0.4757
 * d.mean().print(); // 0.6120
 * d.sample([3], 0).print(); // three draws in [0, 1]
 */
export class ContinuousBernoulli extends Distribution {
  readonly name = 'ContinuousBernoulli';
  readonly reparameterized = true;
  readonly support = unitInterval;
  /** Which parameter was given. */
  readonly parameterization: 'logits' | 'probs';
  private readonly given: tf.Tensor;

  constructor(params: ContinuousBernoulliParams, options: DistributionOptions = {}) {
    const { kind, value } = readProbabilityParams(params, 'ContinuousBernoulli');
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(value);
    const t = disposeOnThrow(owned, () => {
      const converted = parameter(value, kind, 'ContinuousBernoulli', owned);
      if (validate) {
        if (kind === 'probs') checkProbability(converted, 'probs', 'ContinuousBernoulli');
        else checkLogits(converted, 'logits', 'ContinuousBernoulli', false);
      }
      return converted;
    });
    super(t.shape, [], validate, owned);
    this.parameterization = kind;
    this.given = t;
  }

  /** The given parameter under its torch name: `{ logits }` or `{ probs }`. */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return { [this.parameterization]: this.given };
  }

  /** The logits ℓ (torch's clamped log-odds when built from probs), a new tensor. */
  logits(): tf.Tensor {
    return tf.tidy(() => tf.clone(this.logitsTensor()));
  }

  /** The probabilities λ = σ(ℓ), a new tensor. */
  probs(): tf.Tensor {
    return tf.tidy(() => (this.parameterization === 'probs' ? tf.clone(this.given) : tf.sigmoid(this.given)));
  }

  /** Logits, not copied (the given tensor or a derived one); call inside tf.tidy. */
  private logitsTensor(): tf.Tensor {
    if (this.parameterization === 'logits') return this.given;
    const p = tf.clipByValue(this.given, FLOAT32_EPS, 1 - FLOAT32_EPS);
    const central = maskOf([p], (t) => tf.less(tf.abs(tf.sub(t, 0.5)), 0.25));
    const pc = tf.where(central, p, 0.5);
    const nearHalf = log1p(tf.div(tf.sub(tf.mul(2, pc), 1), tf.sub(1, pc)));
    const pt = tf.where(central, 0.25, p);
    const tails = tf.sub(tf.log(pt), log1p(tf.neg(pt)));
    return tf.where(central, nearHalf, tails);
  }

  /** F⁻¹(u) with u ~ U[0, 1) from `random.uniform`; differentiable in the parameter. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'ContinuousBernoulli.sample');
    return tf.tidy(() => icdfOf(this.logitsTensor(), random.uniform(shape, key)));
  }

  /**
   * x·ℓ − softplus(ℓ) + log C(ℓ), written as −[x·softplus(−ℓ) + (1 − x)·softplus(ℓ)] + log C(ℓ) (no
   * cancellation for large |ℓ|); −∞ outside [0, 1].
   */
  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'ContinuousBernoulli.logProb', []);
      this.checkValue(x);
      const l = this.logitsTensor();
      const crossEntropy = tf.add(tf.mul(x, softplus(tf.neg(l))), tf.mul(tf.sub(1, x), softplus(l)));
      const lp = tf.sub(logNormalizer(l), crossEntropy);
      const outside = maskOf([x], (t) => tf.logicalOr(tf.less(t, 0), tf.greater(t, 1)));
      return tf.where(outside, -Infinity, lp);
    });
  }

  /** H = softplus(−a) + a·E_{−a}[X] − log C(a) with a = |ℓ| (H is even in ℓ; no cancellation for large a). */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = tf.abs(this.logitsTensor());
      return tf.sub(tf.add(softplus(tf.neg(a)), tf.mul(a, meanOf(tf.neg(a)))), logNormalizer(a));
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => meanOf(this.logitsTensor()));
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => varianceOf(this.logitsTensor()));
  }

  /** 1 for λ > ½, 0 for λ < ½, NaN at λ = ½ (uniform; torch has no mode for this family). */
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.logitsTensor();
      return tf.where(
        maskOf([l], (t) => tf.greater(t, 0)),
        1,
        tf.where(
          maskOf([l], (t) => tf.less(t, 0)),
          0,
          Number.NaN,
        ),
      );
    });
  }

  /** F(x) = (e^{ℓx} − 1)/(e^ℓ − 1), 0 below 0 and 1 above 1 (see the internal `cdfOf` for the stable forms). */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'ContinuousBernoulli.cdf', []);
      this.checkValue(x, 'cdf');
      return cdfOf(this.logitsTensor(), x);
    });
  }

  /**
   * The inverse CDF F⁻¹(u) = log(1 − u + u·e^ℓ)/ℓ for u ∈ [0, 1] (u itself at ℓ = 0), which `sample`
   * applies to uniform draws. NaN for u outside [0, 1] (a DomainError when validating).
   *
   * @example new ContinuousBernoulli({ logits: 2 }).icdf(0.5).print(); // 0.7169
   */
  icdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const u = parameter(value as TensorInput, 'value', 'ContinuousBernoulli.icdf', []);
      this.checkValue(u, 'icdf');
      const outside = maskOf([u], (t) => tf.logicalOr(tf.less(t, 0), tf.greater(t, 1)));
      return tf.where(outside, Number.NaN, icdfOf(this.logitsTensor(), tf.where(outside, 0.5, u)));
    });
  }
}

/**
 * Shorthand for `new ContinuousBernoulli(params, options)`.
 *
 * @example continuousBernoulli({ logits: 0 }).variance().print(); // 0.0833 (the uniform distribution)
 */
export function continuousBernoulli(
  params: ContinuousBernoulliParams,
  options?: DistributionOptions,
): ContinuousBernoulli {
  return new ContinuousBernoulli(params, options);
}
