import * as tf from '@tensorflow/tfjs-core';
import {
  broadcastShapes,
  DomainError,
  formatShape,
  logAbsDetTriangular,
  random,
  ShapeError,
  toSeed,
  triangularSolve,
  type TensorInput,
} from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, formatFloat32, parameter } from './parameters.js';
import { realVector } from './support.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Checks that `t` [..., n, n] is square, or throws a ShapeError naming the argument. Returns n. Internal
 * to the families with a `scaleTril`.
 */
export function squareOrder(t: tf.Tensor, arg: string, family: string): number {
  const n = t.shape[t.rank - 1];
  if (t.rank < 2 || n !== t.shape[t.rank - 2]) {
    throw new ShapeError(
      `${family}: argument '${arg}' has shape ${formatShape(t.shape)}, expected [..., n, n] (a square matrix or a batch of them)`,
    );
  }
  return n!;
}

/**
 * Throws a DomainError naming the argument unless every matrix of `t` [..., n, n] is a Cholesky factor:
 * finite, zero above the diagonal, positive on it (torch's `lower_cholesky` constraint). One download.
 */
export function checkScaleTril(t: tf.Tensor, arg: string, family: string): void {
  const n = t.shape[t.rank - 1]!;
  const values = t.dataSync();
  for (let index = 0; index < values.length; index++) {
    const v = values[index]!;
    const i = Math.floor(index / n) % n;
    const j = index % n;
    const matrix = Math.floor(index / (n * n));
    const where = `entry (${i}, ${j}) of matrix ${matrix} of the flattened batch`;
    if (!Number.isFinite(v)) {
      throw new DomainError(
        `${family}: argument '${arg}' has ${formatFloat32(v)} at ${where}, expected a finite number`,
      );
    }
    if (j > i && v !== 0) {
      throw new DomainError(
        `${family}: argument '${arg}' has ${formatFloat32(v)} above the diagonal at ${where}, expected a lower-triangular matrix (zero above the diagonal); pass the Cholesky factor, not the covariance`,
      );
    }
    if (j === i && !(v > 0)) {
      throw new DomainError(
        `${family}: argument '${arg}' has ${formatFloat32(v)} on the diagonal at ${where}, expected a positive diagonal (a Cholesky factor)`,
      );
    }
  }
}

/**
 * L·z for L [...batchL, k, k] and z [...lead, ...batch, k], batched as one matrix product with the
 * draws as columns: z is reshaped to [B, k, P] (B = size of `batch`, P = size of `lead`), so memory stays
 * O(B·k·(k + P)). `batch` is the full batch shape, which batchL broadcasts to. Call inside tf.tidy.
 */
export function triangularTimesVectors(l: tf.Tensor, z: tf.Tensor, batch: readonly number[]): tf.Tensor {
  const k = l.shape[l.rank - 1]!;
  const b = batch.reduce((p, d) => p * d, 1);
  const lead = z.shape.slice(0, z.rank - batch.length - 1);
  const p = lead.reduce((q, d) => q * d, 1);
  const lb = tf.reshape(tf.broadcastTo(l, [...batch, k, k]), [b, k, k]);
  const columns = tf.transpose(tf.reshape(z, [p, b, k]), [1, 2, 0]);
  const product = tf.matMul(lb, columns as tf.Tensor3D);
  return tf.reshape(tf.transpose(product, [2, 0, 1]), z.shape);
}

/**
 * The multivariate normal N(μ, L Lᵀ) on ℝ^k parameterised by its mean `loc` μ [...batch, k] and the
 * Cholesky factor of its covariance `scaleTril` L [...batch, k, k] (torch name `scale_tril`: lower
 * triangular, positive diagonal), batch axes broadcast; event shape [k]:
 *
 *   log p(x) = −½ ‖L⁻¹(x − μ)‖² − Σ_i log L_ii − (k/2) log 2π,
 *   H = Σ_i log L_ii + (k/2)(1 + log 2π),   E[X] = mode = μ,   Var[X_i] = Σ_j L_ij² = (L Lᵀ)_ii.
 *
 * `logProb` solves the triangular system with `triangularSolve` and takes log|det L| from the diagonal
 * (`logAbsDetTriangular`); both have gradients. Reparameterised: x = μ + L ε with ε ~ N(0, I).
 *
 * Edge cases: when validated (plain-number parameters, or `validate: true`), a non-finite `loc`, or a
 * `scaleTril` that is not finite, has an entry above the diagonal or a diagonal entry ≤ 0, is a
 * DomainError naming the argument. Unvalidated, the upper triangle is assumed zero. Mismatched shapes
 * (`loc` [3] with `scaleTril` [2, 2], a non-square `scaleTril`, batch axes that do not broadcast) are
 * always ShapeErrors.
 *
 * @example
 * const d = new MultivariateNormalTriL([0, 0], [[1, 0], [0.5, 2]]);
 * d.logProb([0, 0]).print(); // -2.5310 (−log 2 − log 2π)
 * d.variance().print(); // [1, 4.25]
 */
export class MultivariateNormalTriL extends Distribution {
  readonly name = 'MultivariateNormalTriL';
  readonly reparameterized = true;
  readonly support = realVector;
  /** The mean μ, [...batch, k]. */
  readonly loc: tf.Tensor;
  /** The lower-triangular Cholesky factor L of the covariance, [...batch, k, k]. */
  readonly scaleTril: tf.Tensor;

  constructor(loc: TensorInput, scaleTril: TensorInput, options: DistributionOptions = {}) {
    const family = 'MultivariateNormalTriL';
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(loc, scaleTril);
    const { l, s, batch, k } = disposeOnThrow(owned, () => {
      const lt = parameter(loc, 'loc', family, owned);
      const st = parameter(scaleTril, 'scaleTril', family, owned);
      const n = squareOrder(st, 'scaleTril', family);
      if (lt.rank === 0 || lt.shape[lt.rank - 1] !== n) {
        throw new ShapeError(
          `${family}: argument 'loc' has shape ${formatShape(lt.shape)}, expected [..., ${n}] to match 'scaleTril' ${formatShape(st.shape)}`,
        );
      }
      const b = broadcastShapes(lt.shape.slice(0, -1), st.shape.slice(0, -2), family, 'loc', 'scaleTril');
      if (validate) {
        checkFinite(lt, 'loc', family);
        checkScaleTril(st, 'scaleTril', family);
      }
      return { l: lt, s: st, batch: b, k: n };
    });
    super(batch, [k], validate, owned);
    this.loc = l;
    this.scaleTril = s;
  }

  /** `{ loc, scale_tril }` (torch names). */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return { loc: this.loc, scale_tril: this.scaleTril };
  }

  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'MultivariateNormalTriL.sample');
    return tf.tidy(() => {
      const eps = random.normal(shape, key);
      return tf.add(this.loc, triangularTimesVectors(this.scaleTril, eps, this.batchShape));
    });
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'MultivariateNormalTriL.logProb', []);
      this.checkValue(x);
      const k = this.eventShape[0]!;
      const diff = tf.sub(x, this.loc);
      // The draws as columns: diff [...lead, ...batch, k] → [B, k, P], one solve per batch member.
      const full = tf.broadcastTo(
        diff,
        broadcastShapes(
          diff.shape,
          [...this.batchShape, k],
          'MultivariateNormalTriL.logProb',
          'value',
          'loc',
        ),
      );
      const lead = full.shape.slice(0, full.rank - this.batchShape.length - 1);
      const batch = full.shape.slice(lead.length, -1);
      const b = batch.reduce((p, d) => p * d, 1);
      const p = lead.reduce((q, d) => q * d, 1);
      const lb = tf.reshape(tf.broadcastTo(this.scaleTril, [...batch, k, k]), [b, k, k]);
      const columns = tf.transpose(tf.reshape(full, [p, b, k]), [1, 2, 0]);
      const z = triangularSolve(lb, columns);
      const mahalanobis = tf.reshape(tf.transpose(tf.sum(tf.square(z), 1)), [...lead, ...batch]);
      const halfLogDet = logAbsDetTriangular(this.scaleTril);
      return tf.sub(tf.sub(tf.mul(-0.5, mahalanobis), halfLogDet), k * HALF_LOG_TWO_PI);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => {
      const k = this.eventShape[0]!;
      const h = tf.add(logAbsDetTriangular(this.scaleTril), k * (0.5 + HALF_LOG_TWO_PI));
      return tf.broadcastTo(h, this.batchShape as number[]);
    });
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]));
  }

  override mode(): tf.Tensor {
    return this.mean();
  }

  /** The diagonal of the covariance, Σ_j L_ij². */
  override variance(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.sum(tf.square(this.scaleTril), -1), [...this.batchShape, ...this.eventShape]),
    );
  }

  /** The covariance Σ = L Lᵀ, shape `batchShape + [k, k]` (torch's `covariance_matrix`). */
  covarianceMatrix(): tf.Tensor {
    return tf.tidy(() => {
      const k = this.eventShape[0]!;
      const full = tf.broadcastTo(this.scaleTril, [...this.batchShape, k, k]);
      return tf.matMul(full, full, false, true);
    });
  }
}

/**
 * Shorthand for `new MultivariateNormalTriL(loc, scaleTril, options)`.
 *
 * @example multivariateNormalTriL([0], [[2]]).entropy().print(); // 2.1121 (log 2 + ½(1 + log 2π))
 */
export function multivariateNormalTriL(
  loc: TensorInput,
  scaleTril: TensorInput,
  options?: DistributionOptions,
): MultivariateNormalTriL {
  return new MultivariateNormalTriL(loc, scaleTril, options);
}
