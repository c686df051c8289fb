import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  DomainError,
  log1p,
  logSigmoid,
  maskOf,
  random,
  softplus,
  toSeed,
  type TensorInput,
} from '@elbo/core';
import {
  Distribution,
  toSampleShape,
  type DistributionOptions,
  type SampleShape,
  type SeedLike,
} from './distribution.js';
import { allPlain, checkProbability, formatFloat32, parameter } from './parameters.js';
import { booleanSupport } from './support.js';

/** float32 machine epsilon 2^-23: torch's `clamp_probs` bound for float32 probabilities. */
const FLOAT32_EPS = 2 ** -23;

/** The parameter of a {@link Bernoulli}: exactly one of `logits` (log-odds) or `probs` (P(X = 1)). */
export type BernoulliParams =
  | { readonly logits: TensorInput; readonly probs?: never }
  | { readonly probs: TensorInput; readonly logits?: never };

/**
 * Reads a `{ logits }` or `{ probs }` argument: exactly one of the two keys, nothing else. Internal to the
 * discrete families; throws an ArgumentError naming the family.
 */
export function readProbabilityParams(
  params: unknown,
  family: string,
): { kind: 'logits' | 'probs'; value: TensorInput } {
  if (params === null || typeof params !== 'object' || Array.isArray(params) || params instanceof tf.Tensor) {
    throw new ArgumentError(
      `${family}: argument 'params' is ${params === null ? 'null' : Array.isArray(params) ? 'an array' : params instanceof tf.Tensor ? 'a tensor' : `a ${typeof params}`}, expected an object { logits } or { probs }`,
    );
  }
  const record = params as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'logits' && key !== 'probs') {
      throw new ArgumentError(
        `${family}: unknown parameter '${key}', expected exactly one of 'logits' or 'probs'`,
      );
    }
  }
  const hasLogits = record['logits'] !== undefined;
  const hasProbs = record['probs'] !== undefined;
  if (hasLogits === hasProbs) {
    throw new ArgumentError(
      `${family}: expected exactly one of 'logits' or 'probs', got ${hasLogits ? 'both' : 'neither'}`,
    );
  }
  return hasLogits
    ? { kind: 'logits', value: record['logits'] as TensorInput }
    : { kind: 'probs', value: record['probs'] as TensorInput };
}

/** Throws a DomainError naming the argument for a NaN or +∞ logit (−∞ is a probability of 0). */
export function checkLogits(t: tf.Tensor, arg: string, family: string, allowMinusInfinity: boolean): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || v === Infinity || (!allowMinusInfinity && v === -Infinity)) {
      throw new DomainError(
        `${family}: argument '${arg}' has ${formatFloat32(v)} at flat index ${i}, expected ${allowMinusInfinity ? 'a number below +Infinity (−Infinity marks a probability of 0)' : 'a finite number'}`,
      );
    }
  }
}

/**
 * Runs a constructor's conversions and checks, freeing the tensors it created (`owned`) if one throws, so
 * that a rejected parameter leaks nothing. Internal to the families of this package.
 */
export function disposeOnThrow<T>(owned: tf.Tensor[], body: () => T): T {
  try {
    return body();
  } catch (error) {
    tf.dispose(owned);
    owned.length = 0;
    throw error;
  }
}

/** v·a, but 0 where v = 0 (so that 0·(−∞) = 0, as in xlogy). Internal; call inside `tf.tidy`. */
export function weighted(v: tf.Tensor, a: tf.Tensor): tf.Tensor {
  return tf.where(
    maskOf([v], (t) => tf.equal(t, 0)),
    0,
    tf.mul(v, a),
  );
}

/**
 * The Bernoulli distribution on {0, 1}, parameterised by `logits` ℓ (log-odds) or `probs` p = σ(ℓ):
 *
 *   log p(x) = x log σ(ℓ) + (1 − x) log σ(−ℓ),   H = softplus(ℓ) − p ℓ,
 *   E[X] = p,   Var[X] = p(1 − p),   mode = 1 if p > ½, 0 if p < ½, NaN at p = ½.
 *
 * As in torch, `logProb` evaluates this formula for any x in [0, 1] (the cross-entropy used as a
 * likelihood for grey-level pixels); outside [0, 1] it is −∞, and with `validate` a value other than 0 or
 * 1 is a DomainError. Given `probs`, the logits are torch's ℓ = log p̃ − log(1 − p̃) with p̃ clamped to
 * [2^-23, 1 − 2^-23] (float32 epsilon): log p(1) for p = 0 is ≈ −15.94, not −∞, so gradients stay finite.
 * Not reparameterised: samples are 0/1 draws with no gradient.
 *
 * Tensors: the distribution keeps the parameter you gave (logits or probs) and derives the other one in
 * every method, so a `tf.Variable` parameter stays current. `logits()` and `probs()` return new tensors.
 *
 * Edge cases: with validation (plain-number parameters, or `validate: true`) probs outside [0, 1] or NaN,
 * and logits NaN or +∞, are DomainErrors; logits −∞ (p = 0) are allowed.
 *
 * @example
 * const d = new Bernoulli({ probs: 0.3 });
 * d.logProb(1).print(); // -1.2040 (log 0.3)
 * d.entropy().print(); // 0.6109
 * new Bernoulli({ logits: [0, 2] }).mean().print(); // [0.5, 0.8808]
 */
export class Bernoulli extends Distribution {
  readonly name = 'Bernoulli';
  readonly reparameterized = false;
  readonly support = booleanSupport;
  /** Which parameter was given. */
  readonly parameterization: 'logits' | 'probs';
  private readonly given: tf.Tensor;

  constructor(params: BernoulliParams, options: DistributionOptions = {}) {
    const { kind, value } = readProbabilityParams(params, 'Bernoulli');
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(value);
    const t = disposeOnThrow(owned, () => {
      const converted = parameter(value, kind, 'Bernoulli', owned);
      if (validate) {
        if (kind === 'probs') checkProbability(converted, 'probs', 'Bernoulli');
        else checkLogits(converted, 'logits', 'Bernoulli', true);
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

  /** The log-odds ℓ = log p − log(1 − p) (torch's clamped form when built from probs), a new tensor. */
  logits(): tf.Tensor {
    return tf.tidy(() => tf.clone(this.logitsTensor()));
  }

  /** The probability p = σ(ℓ) of a one, a new tensor. */
  probs(): tf.Tensor {
    return tf.tidy(() => tf.clone(this.probsTensor()));
  }

  /** Logits, not copied (the given tensor or a derived one); call inside tf.tidy. */
  private logitsTensor(): tf.Tensor {
    if (this.parameterization === 'logits') return this.given;
    const p = tf.clipByValue(this.given, FLOAT32_EPS, 1 - FLOAT32_EPS);
    return tf.sub(tf.log(p), log1p(tf.neg(p)));
  }

  /** Probabilities, not copied; call inside tf.tidy. */
  private probsTensor(): tf.Tensor {
    return this.parameterization === 'probs' ? this.given : tf.sigmoid(this.given);
  }

  /** 1 − p, as σ(−ℓ) when built from logits (exact for p near 1); call inside tf.tidy. */
  private complementTensor(): tf.Tensor {
    return this.parameterization === 'probs' ? tf.sub(1, this.given) : tf.sigmoid(tf.neg(this.given));
  }

  /** Draws 0/1 values (float32) through `random.bernoulli`; no gradient. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = toSampleShape(sampleShape, 'Bernoulli.sample');
    const key = toSeed(seed, 'seed', 'Bernoulli.sample');
    return tf.tidy(() => random.bernoulli(this.probsTensor(), key, shape));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Bernoulli.logProb', []);
      this.checkValue(x);
      const l = this.logitsTensor();
      const lp = tf.add(weighted(x, logSigmoid(l)), weighted(tf.sub(1, x), logSigmoid(tf.neg(l))));
      const inside = maskOf([x], (t) => tf.logicalAnd(tf.greaterEqual(t, 0), tf.lessEqual(t, 1)));
      return tf.where(inside, lp, -Infinity);
    });
  }

  /**
   * H = softplus(ℓ) − p ℓ (torch's binary cross-entropy of p with itself), computed as
   * p·softplus(−ℓ) + (1 − p)·softplus(ℓ), which keeps its relative accuracy for |ℓ| large and is 0 at ℓ = ±∞.
   */
  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const l = this.logitsTensor();
      return tf.add(
        weighted(this.probsTensor(), softplus(tf.neg(l))),
        weighted(this.complementTensor(), softplus(l)),
      );
    });
  }

  override mean(): tf.Tensor {
    return this.probs();
  }

  /** p(1 − p), as σ(ℓ)σ(−ℓ) when built from logits (accurate for p near 1). */
  override variance(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.probsTensor(), this.complementTensor()));
  }

  /** 1 where p > ½, 0 where p < ½, NaN where p = ½ (torch's convention). */
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const centred = this.parameterization === 'logits' ? this.given : tf.sub(this.given, 0.5);
      return tf.where(tf.equal(centred, 0), NaN, tf.cast(tf.greater(centred, 0), 'float32'));
    });
  }
}

/**
 * Shorthand for `new Bernoulli(params, options)`.
 *
 * @example bernoulli({ logits: 0 }).logProb(1).print(); // -0.6931
 */
export function bernoulli(params: BernoulliParams, options?: DistributionOptions): Bernoulli {
  return new Bernoulli(params, options);
}
