import * as tf from '@tensorflow/tfjs-core';
import { random, toSeed, type TensorInput } from '@elbo/core';
import { CategoricalParameter, type CategoricalParams } from './categorical.js';
import {
  Distribution,
  toSampleShape,
  type DistributionOptions,
  type SampleShape,
  type SeedLike,
} from './distribution.js';
import { parameter } from './parameters.js';
import { oneHot } from './support.js';

/**
 * The categorical distribution over the K one-hot vectors e_0, …, e_{K−1} of ℝ^K, parameterised by
 * `logits` ℓ or `probs` p of shape [...batch, K] as {@link Categorical} (same normalisation, same torch
 * clamping of probs), with event shape [K]:
 *
 *   log p(e_k) = ℓ_k − log Σ_j e^{ℓ_j},   H = −Σ_k p_k log p_k,
 *   E[X] = p,   Var[X_k] = p_k(1 − p_k),   mode = e_{argmax p}.
 *
 * A value that is not a one-hot vector has log-probability −∞ (a DomainError with `validate`). Samples
 * are float32 one-hot vectors of shape `sampleShape + batchShape + [K]`; not reparameterised (for a
 * differentiable relaxation use a Gumbel-softmax / RelaxedOneHotCategorical).
 *
 * Edge cases: as {@link Categorical} (probs outside [0, 1] or not summing to 1, logits NaN, +∞ or all −∞
 * in a row are DomainErrors when validated; a scalar parameter is a ShapeError).
 *
 * @example
 * const d = new OneHotCategorical({ probs: [0.2, 0.3, 0.5] });
 * d.logProb([0, 0, 1]).print(); // -0.6931
 * d.mean().print(); // [0.2, 0.3, 0.5]
 * d.mode().print(); // [0, 0, 1]
 */
export class OneHotCategorical extends Distribution {
  readonly name = 'OneHotCategorical';
  readonly reparameterized = false;
  readonly support = oneHot;
  /** The number of categories K. */
  readonly numCategories: number;
  private readonly param: CategoricalParameter;

  constructor(params: CategoricalParams, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const p = new CategoricalParameter(params, 'OneHotCategorical', owned, options.validate);
    super(p.batchShape, [p.k], p.validate, owned);
    this.param = p;
    this.numCategories = p.k;
  }

  /** Which parameter was given. */
  get parameterization(): 'logits' | 'probs' {
    return this.param.kind;
  }

  /** The given parameter under its torch name: `{ logits }` or `{ probs }`, shape [...batch, K]. */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return { [this.param.kind]: this.param.given };
  }

  /** Normalised log-probabilities [...batch, K], a new tensor. */
  logits(): tf.Tensor {
    return tf.tidy(() => this.param.logits());
  }

  /** Normalised probabilities [...batch, K], a new tensor. */
  probs(): tf.Tensor {
    return tf.tidy(() => this.param.probs());
  }

  /** Draws float32 one-hot vectors through `random.categorical`; no gradient. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = toSampleShape(sampleShape, 'OneHotCategorical.sample');
    const key = toSeed(seed, 'seed', 'OneHotCategorical.sample');
    return tf.tidy(() =>
      // int32 then cast: the wasm OneHot kernel ignores the dtype argument (writes int32 bits into float32).
      tf.cast(
        tf.oneHot(random.categorical(this.param.samplingLogits(), key, shape), this.param.k),
        'float32',
      ),
    );
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'OneHotCategorical.logProb', []);
      this.checkValue(x);
      const lp = this.param.logProbOfIndex(tf.cast(tf.argMax(x, -1), 'float32'));
      return tf.where(oneHot.contains(x), lp, -Infinity);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => this.param.entropy());
  }

  /** The probabilities p, shape `batchShape + [K]`. */
  override mean(): tf.Tensor {
    return this.probs();
  }

  /** p_k(1 − p_k), shape `batchShape + [K]`. */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const p = this.param.probs();
      return tf.mul(p, tf.sub(1, p));
    });
  }

  /** The one-hot vector of the most probable category (the first on ties), float32. */
  override mode(): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.oneHot(this.param.argmax(), this.param.k), 'float32'));
  }
}

/**
 * Shorthand for `new OneHotCategorical(params, options)`.
 *
 * @example oneHotCategorical({ logits: [0, 0] }).logProb([1, 0]).print(); // -0.6931
 */
export function oneHotCategorical(
  params: CategoricalParams,
  options?: DistributionOptions,
): OneHotCategorical {
  return new OneHotCategorical(params, options);
}
