import * as tf from '@tensorflow/tfjs-core';
import {
  DomainError,
  formatShape,
  logSumExp,
  random,
  ShapeError,
  toSeed,
  type TensorInput,
} from '@elbo/core';
import { checkLogits, disposeOnThrow, readProbabilityParams, weighted } from './bernoulli.js';
import {
  Distribution,
  toSampleShape,
  type DistributionOptions,
  type SampleShape,
  type SeedLike,
} from './distribution.js';
import { allPlain, checkProbability, parameter } from './parameters.js';
import { integerInterval, type Support } from './support.js';

/** float32 machine epsilon 2^-23: torch's `clamp_probs` bound for float32 probabilities. */
const FLOAT32_EPS = 2 ** -23;

/** The parameter of a {@link Categorical} or `OneHotCategorical`: `logits` or `probs`, shape [..., K]. */
export type CategoricalParams =
  | { readonly logits: TensorInput; readonly probs?: never }
  | { readonly probs: TensorInput; readonly logits?: never };

/** The value checks of a categorical parameter (see {@link CategoricalParameter}). */
function checkCategorical(t: tf.Tensor, kind: 'logits' | 'probs', k: number, family: string): void {
  const values = t.dataSync();
  if (kind === 'probs') {
    checkProbability(t, 'probs', family);
    for (let row = 0; row < values.length; row += k) {
      let sum = 0;
      for (let i = row; i < row + k; i++) sum += values[i]!;
      if (!(Math.abs(sum - 1) <= 1e-5 * k)) {
        throw new DomainError(
          `${family}: argument 'probs' has a row summing to ${sum} (row ${row / k} of the flattened batch), expected probabilities summing to 1 along the last axis; divide by the sum or pass logits`,
        );
      }
    }
  } else {
    checkLogits(t, 'logits', family, true);
    for (let row = 0; row < values.length; row += k) {
      let finite = false;
      for (let i = row; i < row + k; i++) finite ||= values[i]! > -Infinity;
      if (!finite) {
        throw new DomainError(
          `${family}: argument 'logits' has a row of only −Infinity (row ${row / k} of the flattened batch), expected at least one category of positive probability`,
        );
      }
    }
  }
}

/**
 * The parameter of a categorical family, held as given: `logits` (unnormalised log-probabilities) or
 * `probs` (non-negative, normalised along the last axis). Internal to categorical.ts and
 * one-hot-categorical.ts; every method is meant to run inside `tf.tidy`.
 */
export class CategoricalParameter {
  readonly kind: 'logits' | 'probs';
  readonly given: tf.Tensor;
  /** The number of categories K. */
  readonly k: number;
  /** Whether values are checked (plain-number parameters, or `validate: true`). */
  readonly validate: boolean;

  /**
   * Converts and checks the `{ logits }` or `{ probs }` argument of `family`: shape [..., K] with K ≥ 1
   * always; with `validate`, probabilities in [0, 1] summing to 1 (to 1e-5·K) and logits without NaN or
   * +∞ and not all −∞ in a row.
   */
  constructor(params: unknown, family: string, owned: tf.Tensor[], validate: boolean | undefined) {
    const { kind, value } = readProbabilityParams(params, family);
    this.kind = kind;
    this.validate = validate ?? allPlain(value);
    const { t, k } = disposeOnThrow(owned, () => {
      const converted = parameter(value, kind, family, owned);
      const last = converted.shape[converted.rank - 1];
      if (last === undefined || last === 0) {
        throw new ShapeError(
          `${family}: argument '${kind}' has shape ${formatShape(converted.shape)}, expected [..., K] with K ≥ 1 categories on the last axis`,
        );
      }
      if (this.validate) checkCategorical(converted, kind, last, family);
      return { t: converted, k: last };
    });
    this.given = t;
    this.k = k;
  }

  /** The batch shape: the parameter's shape without its last axis. */
  get batchShape(): number[] {
    return this.given.shape.slice(0, -1);
  }

  /**
   * Normalised log-probabilities [..., K]: ℓ − logSumExp(ℓ) from logits; log clamp(p/Σp, 2^-23, 1 − 2^-23)
   * from probs (torch's `probs_to_logits`: a zero probability has log-probability ≈ −15.94, not −∞).
   */
  logits(): tf.Tensor {
    if (this.kind === 'logits') return tf.sub(this.given, logSumExp(this.given, -1, true));
    return tf.log(tf.clipByValue(this.probs(), FLOAT32_EPS, 1 - FLOAT32_EPS));
  }

  /** Probabilities [..., K]: softmax of the logits, or p / Σp. */
  probs(): tf.Tensor {
    if (this.kind === 'probs') return tf.div(this.given, tf.sum(this.given, -1, true));
    return tf.exp(this.logits());
  }

  /** Unclamped log-probabilities for sampling (−∞ for a zero probability). */
  samplingLogits(): tf.Tensor {
    return this.kind === 'logits' ? this.given : tf.log(this.probs());
  }

  /** H = −Σ_k p_k log p_k, with 0·log 0 = 0. */
  entropy(): tf.Tensor {
    return tf.neg(tf.sum(weighted(this.probs(), this.logits()), -1));
  }

  /** The index of the largest probability (the first one on ties), int32. */
  argmax(): tf.Tensor {
    return tf.argMax(this.kind === 'probs' ? this.given : this.logits(), -1);
  }

  /**
   * log p_index for float `index` values of any shape broadcasting with the batch: the normalised logit
   * picked by a one-hot mask (a gather whose gradient runs on every backend), −∞ where the index is not
   * an integer in [0, K).
   */
  logProbOfIndex(index: tf.Tensor): tf.Tensor {
    const logits = this.logits();
    const k = this.k;
    const inside = tf.logicalAnd(
      tf.logicalAnd(tf.greaterEqual(index, 0), tf.less(index, k)),
      tf.equal(index, tf.floor(index)),
    );
    const safe = tf.where(inside, index, 0);
    const mask = tf.cast(tf.oneHot(tf.cast(safe, 'int32'), k), 'bool');
    const picked = tf.sum(tf.where(mask, logits, 0), -1);
    return tf.where(inside, picked, -Infinity);
  }
}

/**
 * The categorical distribution over the indices {0, …, K − 1}, parameterised by `logits` ℓ (unnormalised
 * log-probabilities) or `probs` p (normalised along the last axis), both of shape [...batch, K]:
 *
 *   log p(x) = ℓ_x − log Σ_k e^{ℓ_k},   H = −Σ_k p_k log p_k,   mode = argmax_k p_k.
 *
 * Values are integer indices (float or int tensors); `sample` returns int32 indices of shape
 * `sampleShape + batchShape` (the event shape is []). A value that is not an integer in [0, K) has
 * log-probability −∞ (and is a DomainError with `validate`). As in torch, `mean()` and `variance()` are
 * NaN (the categories are labels, not numbers), a logit of −∞ marks a category of probability 0, and
 * `probs` get torch's clamped logits: log p_k = log max(p_k, 2^-23), so a zero-probability category has
 * log-probability ≈ −15.94 rather than −∞. Not reparameterised.
 *
 * Tensors: the given parameter is kept as is and normalised in every method, so a `tf.Variable` stays
 * current. `logits()` and `probs()` return new, normalised tensors.
 *
 * Edge cases: with validation (plain-number parameters or `validate: true`), probs outside [0, 1] or
 * rows not summing to 1 (to 1e-5·K), and logits NaN, +∞ or all −∞ in a row, are DomainErrors; a scalar
 * parameter or K = 0 is always a ShapeError.
 *
 * @example
 * const d = new Categorical({ probs: [0.2, 0.3, 0.5] });
 * d.logProb(2).print(); // -0.6931 (log 0.5)
 * d.entropy().print(); // 1.0297
 * d.sample(4, 0).print(); // int32 [4] of indices in {0, 1, 2}
 */
export class Categorical extends Distribution {
  readonly name = 'Categorical';
  readonly reparameterized = false;
  readonly support: Support;
  /** The number of categories K. */
  readonly numCategories: number;
  private readonly param: CategoricalParameter;

  constructor(params: CategoricalParams, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const p = new CategoricalParameter(params, 'Categorical', owned, options.validate);
    super(p.batchShape, [], p.validate, owned);
    this.param = p;
    this.numCategories = p.k;
    this.support = integerInterval(p.k);
  }

  /** Which parameter was given. */
  get parameterization(): 'logits' | 'probs' {
    return this.param.kind;
  }

  /** The given parameter under its torch name: `{ logits }` or `{ probs }`, shape [...batch, K]. */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return { [this.param.kind]: this.param.given };
  }

  /** Normalised log-probabilities [...batch, K] (torch's `logits`), a new tensor. */
  logits(): tf.Tensor {
    return tf.tidy(() => this.param.logits());
  }

  /** Normalised probabilities [...batch, K] (torch's `probs`), a new tensor. */
  probs(): tf.Tensor {
    return tf.tidy(() => this.param.probs());
  }

  /** Draws int32 indices of shape `sampleShape + batchShape` through `random.categorical`; no gradient. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = toSampleShape(sampleShape, 'Categorical.sample');
    const key = toSeed(seed, 'seed', 'Categorical.sample');
    return tf.tidy(() => random.categorical(this.param.samplingLogits(), key, shape));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Categorical.logProb', []);
      this.checkValue(x);
      return this.param.logProbOfIndex(x);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => this.param.entropy());
  }

  /** NaN of shape `batchShape`, as in torch: the categories are labels, not numbers. */
  override mean(): tf.Tensor {
    return tf.fill(this.batchShape as number[], NaN);
  }

  /** NaN of shape `batchShape`, as in torch. */
  override variance(): tf.Tensor {
    return tf.fill(this.batchShape as number[], NaN);
  }

  /** The most probable index (the first on ties), int32 of shape `batchShape`. */
  override mode(): tf.Tensor {
    return tf.tidy(() => this.param.argmax());
  }
}

/**
 * Shorthand for `new Categorical(params, options)`.
 *
 * @example categorical({ logits: [0, 0, 0, 0] }).logProb(3).print(); // -1.3863 (log ¼)
 */
export function categorical(params: CategoricalParams, options?: DistributionOptions): Categorical {
  return new Categorical(params, options);
}
