import * as tf from '@tensorflow/tfjs-core';
import {
  digamma,
  formatShape,
  lgamma,
  maskOf,
  random,
  ShapeError,
  toSeed,
  type TensorInput,
} from '@elbo/core';
import { disposeOnThrow, weighted } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkPositive, parameter } from './parameters.js';
import { simplex } from './support.js';

/**
 * The Dirichlet distribution on the probability simplex of ℝ^K, with concentration α ∈ (0, ∞)^K
 * (shape [...batch, K], event shape [K]) and α₀ = Σ_k α_k:
 *
 *   log p(x) = Σ_k (α_k − 1) log x_k + log Γ(α₀) − Σ_k log Γ(α_k),
 *   H = Σ_k log Γ(α_k) − log Γ(α₀) + (α₀ − K) ψ(α₀) − Σ_k (α_k − 1) ψ(α_k),
 *   E[X] = α/α₀,   Var[X_k] = α_k(α₀ − α_k) / (α₀²(α₀ + 1)),
 *   mode_k = (α_k − 1)⁺ / Σ_j (α_j − 1)⁺.
 *
 * (α_k − 1) log x_k is taken as 0 where α_k = 1 (xlogy, as later torch versions; torch 1.13 gives NaN at
 * x_k = 0). A value off the simplex (a negative entry, or entries not summing to 1 within 1e-5·K) has
 * log-density −∞, and is a DomainError with `validate`. The mode follows torch: when every α_k < 1 the
 * density is unbounded at every vertex and the first vertex e₀ is returned; when no α_k exceeds 1 but some
 * equal 1 it is NaN.
 *
 * Reparameterised: `sample` normalises Gamma(α_k, 1) draws (`random.dirichlet`), whose gradient with
 * respect to α comes from the implicit reparameterisation of the gammas (Figurnov et al. 2018).
 *
 * Edge cases: α ≤ 0, NaN or ∞ is a DomainError when validated (plain-number parameters, or
 * `validate: true`); a scalar concentration or K = 0 is always a ShapeError.
 *
 * @example
 * const d = new Dirichlet([1, 2, 3]);
 * d.logProb([0.2, 0.3, 0.5]).print(); // 1.5041 (log(60·0.3·0.25))
 * d.mean().print(); // [0.1667, 0.3333, 0.5]
 */
export class Dirichlet extends Distribution {
  readonly name = 'Dirichlet';
  readonly reparameterized = true;
  readonly support = simplex;
  /** The concentration α, shape [...batch, K]. */
  readonly concentration: tf.Tensor;

  constructor(concentration: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(concentration);
    const c = disposeOnThrow(owned, () => {
      const t = parameter(concentration, 'concentration', 'Dirichlet', owned);
      if (t.rank === 0 || t.shape[t.rank - 1] === 0) {
        throw new ShapeError(
          `Dirichlet: argument 'concentration' has shape ${formatShape(t.shape)}, expected [..., K] with K ≥ 1 categories on the last axis`,
        );
      }
      if (validate) checkPositive(t, 'concentration', 'Dirichlet');
      return t;
    });
    super(c.shape.slice(0, -1), c.shape.slice(-1), validate, owned);
    this.concentration = c;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { concentration: this.concentration };
  }

  /** Draws points of the simplex, differentiable with respect to the concentration. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'Dirichlet.sample');
    return random.dirichlet(shape, this.concentration, key);
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Dirichlet.logProb', []);
      this.checkValue(x);
      const a = this.concentration;
      const am1 = tf.sub(a, 1);
      // xlogy(α − 1, x), with the log of a clamped x so that the unused branch has no NaN gradient.
      const positive = maskOf([x], (t) => tf.greater(t, 0));
      const logX = tf.where(positive, tf.log(tf.where(positive, x, 1)), -Infinity);
      const terms = weighted(am1, logX);
      const normaliser = tf.sub(lgamma(tf.sum(a, -1)), tf.sum(lgamma(a), -1));
      const lp = tf.add(tf.sum(terms, -1), normaliser);
      return tf.where(
        maskOf([x], (t) => simplex.contains(t)),
        lp,
        -Infinity,
      );
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const k = a.shape[a.rank - 1]!;
      const a0 = tf.sum(a, -1);
      return tf.sub(
        tf.add(tf.sub(tf.sum(lgamma(a), -1), lgamma(a0)), tf.mul(tf.sub(a0, k), digamma(a0))),
        tf.sum(tf.mul(tf.sub(a, 1), digamma(a)), -1),
      );
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.div(this.concentration, tf.sum(this.concentration, -1, true)));
  }

  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const a0 = tf.sum(a, -1, true);
      return tf.div(tf.mul(a, tf.sub(a0, a)), tf.mul(tf.square(a0), tf.add(a0, 1)));
    });
  }

  /** (α − 1)⁺ normalised; e₀ when every α_k < 1 (torch's convention). */
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const a = this.concentration;
      const k = a.shape[a.rank - 1]!;
      const excess = tf.relu(tf.sub(a, 1));
      const interior = tf.div(excess, tf.sum(excess, -1, true));
      const allBelowOne = tf.all(tf.less(a, 1), -1, true);
      const firstVertex = tf.cast(tf.equal(tf.range(0, k, 1, 'float32'), 0), 'float32');
      return tf.where(allBelowOne, firstVertex, interior);
    });
  }
}

/**
 * Shorthand for `new Dirichlet(concentration, options)`.
 *
 * @example dirichlet([1, 1, 1]).entropy().print(); // -0.6931 (log ½, the uniform density 2 on the simplex)
 */
export function dirichlet(concentration: TensorInput, options?: DistributionOptions): Dirichlet {
  return new Dirichlet(concentration, options);
}
