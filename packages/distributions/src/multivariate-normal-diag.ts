import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, formatShape, random, ShapeError, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, checkPositive, parameter } from './parameters.js';
import { realVector } from './support.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The multivariate normal N(μ, diag(σ²)) on ℝ^k with a diagonal covariance: `loc` μ and `scaleDiag` σ
 * (torch name `scale_diag`), each of shape [...batch, k], their batch axes broadcast; event shape [k]. It
 * is torch's `Independent(Normal(loc, scale_diag), 1)`:
 *
 *   log p(x) = −½ Σ_i ((x_i − μ_i)/σ_i)² − Σ_i log σ_i − (k/2) log 2π,
 *   H = Σ_i log σ_i + (k/2)(1 + log 2π),   E[X] = mode = μ,   Var[X_i] = σ_i².
 *
 * Reparameterised: x = μ + σ ⊙ ε with ε ~ N(0, I), so gradients reach μ and σ.
 *
 * Edge cases: when validated (plain-number parameters, or `validate: true`) a non-finite `loc` or a
 * `scaleDiag` ≤ 0 is a DomainError; rank-0 parameters, different k, or batch axes that do not broadcast
 * are always ShapeErrors.
 *
 * @example
 * const d = new MultivariateNormalDiag([0, 0], [1, 2]);
 * d.logProb([0, 0]).print(); // -2.5310 (−log 2 − log 2π)
 * d.sample([5], 0).shape; // [5, 2]
 */
export class MultivariateNormalDiag extends Distribution {
  readonly name = 'MultivariateNormalDiag';
  readonly reparameterized = true;
  readonly support = realVector;
  /** The mean μ, [...batch, k]. */
  readonly loc: tf.Tensor;
  /** The standard deviations σ > 0, [...batch, k]. */
  readonly scaleDiag: tf.Tensor;

  constructor(loc: TensorInput, scaleDiag: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(loc, scaleDiag);
    const { l, s, batch, k } = disposeOnThrow(owned, () => {
      const lt = parameter(loc, 'loc', 'MultivariateNormalDiag', owned);
      const st = parameter(scaleDiag, 'scaleDiag', 'MultivariateNormalDiag', owned);
      if (lt.rank === 0 || st.rank === 0 || lt.shape[lt.rank - 1] !== st.shape[st.rank - 1]) {
        throw new ShapeError(
          `MultivariateNormalDiag: arguments 'loc' ${formatShape(lt.shape)} and 'scaleDiag' ${formatShape(st.shape)} must both be [..., k] with the same k (the event size)`,
        );
      }
      const b = broadcastShapes(
        lt.shape.slice(0, -1),
        st.shape.slice(0, -1),
        'MultivariateNormalDiag',
        'loc',
        'scaleDiag',
      );
      if (validate) {
        checkFinite(lt, 'loc', 'MultivariateNormalDiag');
        checkPositive(st, 'scaleDiag', 'MultivariateNormalDiag');
      }
      return { l: lt, s: st, batch: b, k: lt.shape[lt.rank - 1]! };
    });
    super(batch, [k], validate, owned);
    this.loc = l;
    this.scaleDiag = s;
  }

  /** `{ loc, scale_diag }` (torch names). */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return { loc: this.loc, scale_diag: this.scaleDiag };
  }

  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'MultivariateNormalDiag.sample');
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scaleDiag, random.normal(shape, key))));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'MultivariateNormalDiag.logProb', []);
      this.checkValue(x);
      const z = tf.div(tf.sub(x, this.loc), this.scaleDiag);
      const k = this.eventShape[0]!;
      return tf.sub(
        tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), -1)), tf.sum(tf.log(this.scaleDiag), -1)),
        k * HALF_LOG_TWO_PI,
      );
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const k = this.eventShape[0]!;
      const h = tf.add(tf.sum(tf.log(this.scaleDiag), -1), k * (0.5 + HALF_LOG_TWO_PI));
      return tf.broadcastTo(h, this.batchShape as number[]);
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]));
  }

  override mode(): tf.Tensor {
    return this.mean();
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.square(this.scaleDiag), [...this.batchShape, ...this.eventShape]));
  }
}

/**
 * Shorthand for `new MultivariateNormalDiag(loc, scaleDiag, options)`.
 *
 * @example multivariateNormalDiag([0, 0, 0], [1, 1, 1]).entropy().print(); // 4.2568 (3/2 (1 + log 2π))
 */
export function multivariateNormalDiag(
  loc: TensorInput,
  scaleDiag: TensorInput,
  options?: DistributionOptions,
): MultivariateNormalDiag {
  return new MultivariateNormalDiag(loc, scaleDiag, options);
}
