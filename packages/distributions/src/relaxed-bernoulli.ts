import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  broadcastShapes,
  log1p,
  random,
  softplus,
  toSeed,
  type TensorInput,
} from '@elbo/core';
import { Sigmoid } from './bijectors/sigmoid.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, checkPositive, checkProbability, parameter } from './parameters.js';
import { real } from './support.js';
import { TransformedDistribution } from './transformed.js';

/** The float32 machine epsilon: torch's `clamp_probs` bound in float32. */
export const FLOAT32_EPS = 2 ** -23;

/** The Bernoulli parameter of a relaxed Bernoulli: log-odds, or probabilities. */
export type RelaxedBernoulliParams =
  | { readonly logits: TensorInput; readonly probs?: never }
  | { readonly probs: TensorInput; readonly logits?: never };

/**
 * The `{ logits } | { probs }` argument of a relaxed distribution as `{ kind, value }`, or an
 * ArgumentError naming `fn`. Internal (RelaxedBernoulli, RelaxedOneHotCategorical).
 */
export function logitsOrProbs(params: unknown, fn: string): { kind: 'logits' | 'probs'; value: TensorInput } {
  if (typeof params !== 'object' || params === null || Array.isArray(params) || params instanceof tf.Tensor) {
    throw new ArgumentError(
      `${fn}: argument 'params' is ${params === null ? 'null' : Array.isArray(params) || params instanceof tf.Tensor ? 'a bare tensor or array' : typeof params}, expected { logits } or { probs }`,
    );
  }
  const keys = Object.keys(params).filter((key) => (params as Record<string, unknown>)[key] !== undefined);
  for (const key of keys) {
    if (key !== 'logits' && key !== 'probs') {
      throw new ArgumentError(
        `${fn}: unknown parameter '${key}' (expected exactly one of 'logits', 'probs')`,
      );
    }
  }
  if (keys.length !== 1) {
    throw new ArgumentError(
      `${fn}: argument 'params' has ${keys.length === 0 ? 'neither' : 'both'} 'logits' and 'probs', expected exactly one of them`,
    );
  }
  const kind = keys[0] as 'logits' | 'probs';
  return { kind, value: (params as Record<string, TensorInput>)[kind]! };
}

/**
 * The logit of a relaxed Bernoulli, X = (ℓ + L)/τ with L = log U − log(1 − U) logistic noise
 * (U ~ Uniform(0, 1)), on ℝ (torch's `LogitRelaxedBernoulli`; Maddison, Mnih & Teh 2017, "The Concrete
 * distribution"). Its density, with ℓ the logits and τ > 0 the temperature:
 *
 *   log p(x) = log τ + (ℓ − τx) − 2 softplus(ℓ − τx).
 *
 * Reparameterised. Sampling clamps U to [ε, 1 − ε] of float32 as torch does (|L| ≤ 15.9). Logits from
 * probabilities are log p − log(1 − p) with p clamped to [ε, 1 − ε] (torch's `probs_to_logits`).
 *
 * Edge cases: temperature ≤ 0, non-finite logits or probabilities outside [0, 1] throw a DomainError
 * when validated (plain-number parameters, or `validate: true`).
 *
 * @example
 * const d = new LogitRelaxedBernoulli(0.5, { logits: 0 });
 * d.logProb(0).print(); // -2.0794415  (log ½ − 2 log 2)
 */
export class LogitRelaxedBernoulli extends Distribution {
  readonly name = 'LogitRelaxedBernoulli';
  readonly reparameterized = true;
  readonly support = real;
  /** τ > 0. */
  readonly temperature: tf.Tensor;
  /** ℓ, the log-odds. */
  readonly logits: tf.Tensor;

  constructor(temperature: TensorInput, params: RelaxedBernoulliParams, options: DistributionOptions = {}) {
    const fn = 'LogitRelaxedBernoulli';
    const { kind, value } = logitsOrProbs(params, fn);
    const owned: tf.Tensor[] = [];
    const t = parameter(temperature, 'temperature', fn, owned);
    const p = parameter(value, kind, fn, owned);
    const batch = broadcastShapes(t.shape, p.shape, fn, 'temperature', kind);
    const validate = options.validate ?? allPlain(temperature, value);
    if (validate) {
      try {
        checkPositive(t, 'temperature', fn);
        if (kind === 'logits') checkFinite(p, 'logits', fn);
        else checkProbability(p, 'probs', fn);
      } catch (error) {
        tf.dispose(owned);
        throw error;
      }
    }
    let logits = p;
    if (kind === 'probs') {
      logits = tf.tidy(() => {
        const clamped = tf.clipByValue(p, FLOAT32_EPS, 1 - FLOAT32_EPS);
        return tf.sub(tf.log(clamped), log1p(tf.neg(clamped)));
      });
      owned.push(logits);
    }
    super(batch, [], validate, owned);
    this.temperature = t;
    this.logits = logits;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { temperature: this.temperature, logits: this.logits };
  }

  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', `${this.name}.sample`);
    return tf.tidy(() => {
      const u = tf.clipByValue(random.uniform(shape, key), FLOAT32_EPS, 1 - FLOAT32_EPS);
      const logistic = tf.sub(tf.log(u), log1p(tf.neg(u)));
      return tf.div(tf.add(this.logits, logistic), this.temperature);
    });
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', `${this.name}.logProb`, []);
      this.checkValue(x);
      const diff = tf.sub(this.logits, tf.mul(x, this.temperature));
      return tf.sub(tf.add(tf.log(this.temperature), diff), tf.mul(2, softplus(diff)));
    });
  }
}

/**
 * The relaxed Bernoulli (binary Concrete) distribution on (0, 1) (torch's `RelaxedBernoulli`; Maddison,
 * Mnih & Teh 2017; Jang, Gu & Poole 2017): Y = σ((ℓ + L)/τ) with L logistic noise, a differentiable
 * stand-in for a Bernoulli(σ(ℓ)) draw. As in torch it is the `LogitRelaxedBernoulli` pushed through the
 * `Sigmoid` bijector, so with x = logit(y):
 *
 *   log p(y) = log τ + (ℓ − τx) − 2 softplus(ℓ − τx) − log σ(x) − log σ(−x).
 *
 * Reparameterised: gradients flow through samples into the logits and the temperature. P(Y > ½) =
 * σ(ℓ) at every temperature; as τ → 0 the draws approach {0, 1}, and as τ grows they gather at ½.
 * Draws are clamped to [1.2e-38, 1 − 1.2e-7] as torch does.
 *
 * Edge cases: temperature ≤ 0, non-finite logits or probabilities outside [0, 1] throw a DomainError
 * when validated (plain-number parameters, or `validate: true`); exactly one of `logits`, `probs`.
 *
 * @example
 * const d = new RelaxedBernoulli(0.5, { probs: 0.3 });
 * d.sample(4, 0); // four draws in (0, 1), mostly near 0 or 1
 * new RelaxedBernoulli(1, { logits: 0 }).logProb(0.5).print(); // 0  (the uniform density)
 */
export class RelaxedBernoulli extends TransformedDistribution {
  constructor(temperature: TensorInput, params: RelaxedBernoulliParams, options: DistributionOptions = {}) {
    super(new LogitRelaxedBernoulli(temperature, params, options), new Sigmoid());
  }

  override get name(): string {
    return 'RelaxedBernoulli';
  }

  /** τ > 0. */
  get temperature(): tf.Tensor {
    return (this.base as LogitRelaxedBernoulli).temperature;
  }

  /** ℓ, the log-odds. */
  get logits(): tf.Tensor {
    return (this.base as LogitRelaxedBernoulli).logits;
  }

  /** Frees the parameter tensors created from plain numbers. Tensors passed in stay yours. */
  override dispose(): void {
    super.dispose();
    this.base.dispose();
  }
}

/**
 * Shorthand for `new RelaxedBernoulli(temperature, params, options)`.
 *
 * @example relaxedBernoulli(0.1, { logits: 2 }).sample([3], 7).shape; // [3]
 */
export function relaxedBernoulli(
  temperature: TensorInput,
  params: RelaxedBernoulliParams,
  options?: DistributionOptions,
): RelaxedBernoulli {
  return new RelaxedBernoulli(temperature, params, options);
}
