import * as tf from '@tensorflow/tfjs-core';
import {
  broadcastShapes,
  cholesky,
  digamma,
  DomainError,
  logAbsDetTriangular,
  logDetFromCholesky,
  maskOf,
  mvlgamma,
  random,
  splitSeed,
  toSeed,
  triangularSolve,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { checkScaleTril, squareOrder } from './multivariate-normal-tril.js';
import { allPlain, checkGreaterThan, parameter } from './parameters.js';
import { positiveDefinite } from './support.js';

const LOG_TWO = Math.log(2);
/** float32 machine epsilon 2^-23: torch's floor for the Bartlett diagonal. */
const FLOAT32_EPS = 2 ** -23;

/**
 * The multivariate digamma ψ_p(a) = Σ_{i=0}^{p−1} ψ(a − i/2) = d log Γ_p(a)/da, elementwise, from
 * `digamma` of `@elbo/core` (torch's `_mvdigamma`). Defined for a > (p − 1)/2. Call inside tf.tidy.
 */
function multivariateDigamma(a: tf.Tensor, p: number): tf.Tensor {
  const offsets = tf.tensor1d(Array.from({ length: p }, (_, i) => -i / 2));
  return tf.sum(digamma(tf.add(tf.expandDims(a, -1), offsets)), -1);
}

/**
 * The Wishart distribution W_p(ν, Σ) on symmetric positive-definite p × p matrices, in torch's
 * parameterisation: degrees of freedom `df` ν > p − 1 (shape [...batch]) and the Cholesky factor
 * `scaleTril` L of the scale matrix Σ = L Lᵀ (torch name `scale_tril`, shape [...batch, p, p]), batch axes
 * broadcast; event shape [p, p]. With log|Σ| = 2 Σ_i log L_ii and Γ_p the multivariate gamma function:
 *
 *   log p(X) = ((ν − p − 1)/2) log|X| − ½ tr(Σ⁻¹X) − (νp/2) log 2 − (ν/2) log|Σ| − log Γ_p(ν/2),
 *   H = ((p + 1)/2) log|Σ| + (p(p + 1)/2) log 2 + log Γ_p(ν/2) − ((ν − p − 1)/2) ψ_p(ν/2) + νp/2,
 *   E[X] = νΣ,   Var[X_ij] = ν(Σ_ij² + Σ_ii Σ_jj),   mode = (ν − p − 1)Σ for ν > p + 1 (NaN otherwise).
 *
 * `logProb` factors X = C Cᵀ (`cholesky`), so log|X| = 2 Σ log C_ii and tr(Σ⁻¹X) = ‖L⁻¹C‖²_F (one
 * `triangularSolve`); a value that is not positive definite is a DomainError naming `value` (the
 * factorisation reads its pivots back: one download per call).
 *
 * Sampling is Bartlett's decomposition, as torch: X = (L A)(L A)ᵀ with A lower triangular,
 * A_ii = √χ²(ν − i) (i = 0, …, p − 1, from `random.gamma`: χ²(m) = 2·Gamma(m/2, 1), floored at 2^-23
 * like torch) and A_ij ~ N(0, 1) below the diagonal. Reparameterised: gradients reach L directly and ν
 * through the implicit gamma gradients. For p − 1 < ν < p the draws are often numerically singular
 * (torch warns likewise); torch's re-drawing of singular samples is not done.
 *
 * Edge cases: when validated (plain-number parameters, or `validate: true`), df ≤ p − 1 or non-finite,
 * or a `scaleTril` that is not finite, not lower triangular or not positive on its diagonal, is a
 * DomainError naming the argument; a non-square `scaleTril` or batch axes that do not broadcast are
 * always ShapeErrors.
 *
 * @example
 * const d = new Wishart(4, [[1, 0], [0, 1]]);
 * d.mean().print(); // [[4, 0], [0, 4]]
 * d.logProb([[2, 0], [0, 2]]).print(); // -4.5310
 * d.sample([3], 0).shape; // [3, 2, 2]
 */
export class Wishart extends Distribution {
  readonly name = 'Wishart';
  readonly reparameterized = true;
  readonly support = positiveDefinite;
  /** The degrees of freedom ν > p − 1, [...batch]. */
  readonly df: tf.Tensor;
  /** The Cholesky factor L of the scale matrix, [...batch, p, p]. */
  readonly scaleTril: tf.Tensor;

  constructor(df: TensorInput, scaleTril: TensorInput, options: DistributionOptions = {}) {
    const family = 'Wishart';
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(df, scaleTril);
    const { d, s, batch, p } = disposeOnThrow(owned, () => {
      const dt = parameter(df, 'df', family, owned);
      const st = parameter(scaleTril, 'scaleTril', family, owned);
      const n = squareOrder(st, 'scaleTril', family);
      const b = broadcastShapes(dt.shape, st.shape.slice(0, -2), family, 'df', 'scaleTril');
      if (validate) {
        checkGreaterThan(dt, n - 1, 'df', family);
        checkScaleTril(st, 'scaleTril', family);
      }
      return { d: dt, s: st, batch: b, p: n };
    });
    super(batch, [p, p], validate, owned);
    this.df = d;
    this.scaleTril = s;
  }

  /** `{ df, scale_tril }` (torch names). */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return { df: this.df, scale_tril: this.scaleTril };
  }

  private get order(): number {
    return this.eventShape[0]!;
  }

  /** Bartlett draws, differentiable in `df` (implicit gamma gradients) and `scaleTril`. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const [gammaSeed, normalSeed] = splitSeed(toSeed(seed, 'seed', 'Wishart.sample'), 2) as [Seed, Seed];
    return tf.tidy(() => {
      const p = this.order;
      const vectorShape = shape.slice(0, -1); // [...sample, ...batch, p]
      // χ²(ν − i) = 2·Gamma((ν − i)/2, 1) for i = 0, …, p − 1.
      const halfDof = tf.div(tf.sub(tf.expandDims(this.df, -1), tf.range(0, p, 1, 'float32')), 2);
      const chi2 = tf.mul(2, random.gamma(vectorShape, halfDof, gammaSeed));
      const diagonal = tf.maximum(tf.sqrt(chi2), FLOAT32_EPS);
      const strictlyLower = tf.tensor2d(
        Array.from({ length: p * p }, (_, index) => (index % p < Math.floor(index / p) ? 1 : 0)),
        [p, p],
      );
      const a = tf.add(
        tf.mul(tf.expandDims(diagonal, -1), tf.eye(p)),
        tf.mul(random.normal(shape, normalSeed), strictlyLower),
      );
      const c = tf.matMul(tf.broadcastTo(this.scaleTril, shape), a);
      return tf.matMul(c, c, false, true);
    });
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Wishart.logProb', []);
      this.checkValue(x);
      const p = this.order;
      const nu = this.df;
      let factor: tf.Tensor;
      try {
        factor = cholesky(x);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        throw new DomainError(
          `Wishart.logProb: argument 'value' is not positive definite, expected symmetric positive-definite matrices (${error.message})`,
          { cause: error },
        );
      }
      const logDetX = logDetFromCholesky(factor);
      const trace = tf.sum(tf.square(triangularSolve(this.scaleTril, factor)), [-2, -1]);
      const logDetScale = tf.mul(2, logAbsDetTriangular(this.scaleTril));
      const normaliser = tf.add(
        tf.add(tf.mul(nu, (p * LOG_TWO) / 2), tf.mul(tf.div(nu, 2), logDetScale)),
        mvlgamma(tf.div(nu, 2), p),
      );
      return tf.sub(tf.sub(tf.mul(tf.div(tf.sub(nu, p + 1), 2), logDetX), tf.mul(0.5, trace)), normaliser);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const p = this.order;
      const nu = this.df;
      const halfNu = tf.div(nu, 2);
      const logDetScale = tf.mul(2, logAbsDetTriangular(this.scaleTril));
      const h = tf.add(
        tf.sub(
          tf.add(tf.mul((p + 1) / 2, logDetScale), mvlgamma(halfNu, p)),
          tf.mul(tf.div(tf.sub(nu, p + 1), 2), multivariateDigamma(halfNu, p)),
        ),
        tf.add(tf.mul(nu, p / 2), (p * (p + 1) * LOG_TWO) / 2),
      );
      return tf.broadcastTo(h, this.batchShape as number[]);
    });
  }

  /** The scale matrix Σ = L Lᵀ, shape `batchShape + [p, p]` (torch's `covariance_matrix`). */
  covarianceMatrix(): tf.Tensor {
    return tf.tidy(() => {
      const full = tf.broadcastTo(this.scaleTril, [...this.batchShape, ...this.eventShape]);
      return tf.matMul(full, full, false, true);
    });
  }

  /** Scales a [...batch] tensor onto [...batch, p, p] matrices. */
  private perMatrix(t: tf.Tensor): tf.Tensor {
    return tf.expandDims(tf.expandDims(tf.broadcastTo(t, this.batchShape as number[]), -1), -1);
  }

  /** νΣ. */
  override mean(): tf.Tensor {
    return tf.tidy(() => tf.mul(this.perMatrix(this.df), this.covarianceMatrix()));
  }

  /** ν(Σ_ij² + Σ_ii Σ_jj). */
  override variance(): tf.Tensor {
    return tf.tidy(() => {
      const sigma = this.covarianceMatrix();
      const diagonal = tf.sum(tf.square(this.scaleTril), -1); // Σ_ii = Σ_j L_ij²
      const outer = tf.mul(tf.expandDims(diagonal, -1), tf.expandDims(diagonal, -2));
      return tf.mul(this.perMatrix(this.df), tf.add(tf.square(sigma), outer));
    });
  }

  /** (ν − p − 1)Σ where ν > p + 1; NaN otherwise (torch's convention). */
  override mode(): tf.Tensor {
    return tf.tidy(() => {
      const factor = tf.sub(this.df, this.order + 1);
      const safe = tf.where(
        maskOf([factor], (t) => tf.greater(t, 0)),
        factor,
        NaN,
      );
      return tf.mul(this.perMatrix(safe), this.covarianceMatrix());
    });
  }
}

/**
 * Shorthand for `new Wishart(df, scaleTril, options)`.
 *
 * @example wishart(3, [[1]]).variance().print(); // [[6]] (2ν for p = 1, Σ = 1: a χ²(3))
 */
export function wishart(df: TensorInput, scaleTril: TensorInput, options?: DistributionOptions): Wishart {
  return new Wishart(df, scaleTril, options);
}
