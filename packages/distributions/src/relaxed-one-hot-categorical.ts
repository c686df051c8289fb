import * as tf from '@tensorflow/tfjs-core';
import {
  broadcastShapes,
  formatShape,
  logSumExp,
  random,
  ShapeError,
  toSeed,
  type TensorInput,
} from '@elbo/core';
import { Exp } from './bijectors/exp.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, checkPositive, checkProbability, parameter } from './parameters.js';
import { FLOAT32_EPS, logitsOrProbs } from './relaxed-bernoulli.js';
import { realVector, simplex, type Support } from './support.js';
import { TransformedDistribution } from './transformed.js';

/** The categorical parameter of a relaxed one-hot categorical: logits or probabilities [..., K]. */
export type RelaxedCategoricalParams =
  | { readonly logits: TensorInput; readonly probs?: never }
  | { readonly probs: TensorInput; readonly logits?: never };

/** log Γ(k) = log (k − 1)! for an integer k ≥ 1, summed in float64. */
function logFactorialBelow(k: number): number {
  let sum = 0;
  for (let i = 2; i < k; i++) sum += Math.log(i);
  return sum;
}

/**
 * The log of a relaxed one-hot categorical (torch's `ExpRelaxedCategorical`; Maddison, Mnih & Teh 2017):
 * X = log softmax((ℓ + G)/τ) with G i.i.d. Gumbel(0, 1) noise, G = −log(−log U), on the log-simplex in
 * ℝᴷ. With ℓ the logits [..., K] and τ > 0 the temperature (shape broadcasting with the batch):
 *
 *   log p(x) = log Γ(K) + (K − 1) log τ + Σₖ (sₖ − logSumExp(s)),   s = ℓ − τx.
 *
 * Reparameterised. Sampling clamps U to [ε, 1 − ε] of float32 as torch does. Logits from probabilities
 * are log(p / Σp) with the ratio clamped to [ε, 1 − ε] (torch's `probs_to_logits`); logits need not be
 * normalised (the density and the draws do not change when a constant is added).
 *
 * Edge cases: temperature ≤ 0, non-finite logits or probabilities outside [0, 1] throw a DomainError
 * when validated (plain-number parameters, or `validate: true`); K ≥ 1 categories.
 *
 * @example
 * const d = new ExpRelaxedCategorical(1, { logits: [0, 0] });
 * d.logProb([Math.log(0.5), Math.log(0.5)]).print(); // -1.3862944
 */
export class ExpRelaxedCategorical extends Distribution {
  readonly name = 'ExpRelaxedCategorical';
  readonly reparameterized = true;
  readonly support = realVector;
  /** τ > 0, with a shape that broadcasts with the batch shape. */
  readonly temperature: tf.Tensor;
  /** ℓ [..., K], unnormalised log-probabilities. */
  readonly logits: tf.Tensor;

  constructor(temperature: TensorInput, params: RelaxedCategoricalParams, options: DistributionOptions = {}) {
    const fn = 'ExpRelaxedCategorical';
    const { kind, value } = logitsOrProbs(params, fn);
    const owned: tf.Tensor[] = [];
    const t = parameter(temperature, 'temperature', fn, owned);
    const p = parameter(value, kind, fn, owned);
    const fail = (message: string): never => {
      tf.dispose(owned);
      throw new ShapeError(message);
    };
    if (p.rank === 0 || p.shape[p.rank - 1] === 0) {
      fail(
        `${fn}: argument '${kind}' has shape ${formatShape(p.shape)}, expected [...batch, K] with K ≥ 1 categories`,
      );
    }
    let batch: number[] = [];
    try {
      batch = broadcastShapes(
        t.shape,
        p.shape.slice(0, -1),
        fn,
        'temperature',
        `${kind} (without its last axis)`,
      );
    } catch (error) {
      tf.dispose(owned);
      throw error;
    }
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
      logits = tf.tidy(() =>
        tf.log(tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), FLOAT32_EPS, 1 - FLOAT32_EPS)),
      );
      owned.push(logits);
    }
    super(batch, [p.shape[p.rank - 1]!], validate, owned);
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
      const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
      const scores = tf.div(tf.add(this.logits, gumbel), tf.expandDims(this.temperature, -1));
      return tf.sub(scores, logSumExp(scores, -1, true));
    });
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', `${this.name}.logProb`, []);
      this.checkValue(x);
      const k = this.eventShape[0]!;
      const score = tf.sub(this.logits, tf.mul(x, tf.expandDims(this.temperature, -1)));
      const normalised = tf.sum(tf.sub(score, logSumExp(score, -1, true)), -1);
      const logScale = tf.add(logFactorialBelow(k), tf.mul(k - 1, tf.log(this.temperature)));
      return tf.add(normalised, logScale);
    });
  }
}

/**
 * The relaxed one-hot categorical (Concrete / Gumbel-softmax) distribution on the simplex (torch's
 * `RelaxedOneHotCategorical`; Maddison, Mnih & Teh 2017; Jang, Gu & Poole 2017):
 * Y = softmax((ℓ + G)/τ) with G i.i.d. Gumbel(0, 1), a differentiable stand-in for a one-hot
 * Categorical(softmax(ℓ)) draw. As in torch it is the `ExpRelaxedCategorical` pushed through `Exp`, so
 * with x = log y:
 *
 *   log p(y) = log Γ(K) + (K − 1) log τ + Σₖ (sₖ − logSumExp(s)) − Σₖ log yₖ,   s = ℓ − τ log y.
 *
 * Reparameterised: gradients flow through samples into the logits and the temperature. The index of
 * the largest entry is Categorical(softmax(ℓ)) at every temperature (the Gumbel-max trick); as τ → 0
 * the draws approach one-hot vectors, and as τ grows they gather at the centre (1/K, ..., 1/K).
 *
 * Edge cases: temperature ≤ 0, non-finite logits or probabilities outside [0, 1] throw a DomainError
 * when validated (plain-number parameters, or `validate: true`); exactly one of `logits`, `probs`. At
 * very low temperatures entries of a draw may underflow to 0, where the log density is −∞.
 *
 * @example
 * const d = new RelaxedOneHotCategorical(0.5, { probs: [0.2, 0.3, 0.5] });
 * d.sample(2, 0).shape; // [2, 3], each row on the simplex
 * new RelaxedOneHotCategorical(1, { logits: [0, 0] }).logProb([0.5, 0.5]).print(); // 0
 */
export class RelaxedOneHotCategorical extends TransformedDistribution {
  constructor(temperature: TensorInput, params: RelaxedCategoricalParams, options: DistributionOptions = {}) {
    super(new ExpRelaxedCategorical(temperature, params, options), new Exp());
  }

  override get name(): string {
    return 'RelaxedOneHotCategorical';
  }

  /** The probability simplex. */
  override get support(): Support {
    return simplex;
  }

  /** τ > 0. */
  get temperature(): tf.Tensor {
    return (this.base as ExpRelaxedCategorical).temperature;
  }

  /** ℓ [..., K]. */
  get logits(): tf.Tensor {
    return (this.base as ExpRelaxedCategorical).logits;
  }

  /** Frees the parameter tensors created from plain numbers. Tensors passed in stay yours. */
  override dispose(): void {
    super.dispose();
    this.base.dispose();
  }
}

/**
 * Shorthand for `new RelaxedOneHotCategorical(temperature, params, options)`.
 *
 * @example relaxedOneHotCategorical(0.1, { logits: [1, 2, 3] }).sample([5], 7).shape; // [5, 3]
 */
export function relaxedOneHotCategorical(
  temperature: TensorInput,
  params: RelaxedCategoricalParams,
  options?: DistributionOptions,
): RelaxedOneHotCategorical {
  return new RelaxedOneHotCategorical(temperature, params, options);
}
