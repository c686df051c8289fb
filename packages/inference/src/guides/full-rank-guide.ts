import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  checkOptions,
  formatShape,
  random,
  ShapeError,
  toFloatTensor,
  toSeed,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import {
  FillScaleTriL,
  MultivariateNormalTriL,
  TransformedDistribution,
  type Bijector,
  type Distribution,
} from '@elbo/distributions';
import { checkBijector, checkShape, guideName, initialValue, owning, type Guide } from './guide.js';

/** Options of {@link fullRankGuide}. */
export interface FullRankGuideOptions {
  /** The latent's shape, [d] (a vector). */
  readonly shape: readonly number[];
  /** Initial mean [d] (unconstrained space when there is a bijector). Default: 0.1·N(0, I) from `seed`. */
  readonly loc?: TensorInput;
  /** Initial Cholesky factor L [d, d] of the covariance, or a number σ for σ·I (default 1). */
  readonly scaleTril?: TensorInput;
  /** The seed of the initial mean; required when `loc` is left out. */
  readonly seed?: Seed | number;
  /** A bijector from ℝᵈ onto the latent's support (applied elementwise or to the vector); not owned. */
  readonly bijector?: Bijector;
}

const FN = 'fullRankGuide';

/**
 * The full-rank Gaussian guide (ADVI's full-rank family, Pyro's `AutoMultivariateNormal`):
 *
 *   q(z) = N(z; μ, L Lᵀ),   L = FillScaleTriL(ρ)   (lower triangular, diagonal softplus(ρ_diag) + 10⁻⁵),
 *
 * with trainable `loc` μ [d] and unconstrained `rawScaleTril` ρ [d(d+1)/2]. It captures the posterior's
 * correlations, which the mean-field guide cannot (its variances are then the conditional ones, 1/Λᵢᵢ).
 * The distribution is a `MultivariateNormalTriL` (closed-form KL against MultivariateNormalTriL or
 * MultivariateNormalDiag priors), or a `TransformedDistribution` of it with a bijector.
 *
 * `parameters()` gives `{ loc, scaleTril }` and the covariance `{ covariance }` = L Lᵀ.
 *
 * @throws {ArgumentError} unknown options, a bad shape or bijector, neither `loc` nor `seed`.
 * @throws {ShapeError} `loc` or `scaleTril` of the wrong shape.
 * @example
 * const guide = fullRankGuide({ shape: [2], loc: [0, 0], scaleTril: [[1, 0], [0.5, 1]] });
 * guide.parameters().covariance.print(); // [[1, 0.5], [0.5, 1.25]]
 * guide.dispose();
 */
export function fullRankGuide(options: FullRankGuideOptions): Guide {
  const o = checkOptions(options, ['shape', 'loc', 'scaleTril', 'seed', 'bijector'], FN);
  const shape = checkShape(o['shape'], FN);
  const bijector = checkBijector(o['bijector'], FN);
  if (shape.length !== 1) {
    throw new ShapeError(
      `${FN}: argument 'options.shape' is ${formatShape(shape)}, expected [d] (a vector latent)`,
    );
  }
  if (o['loc'] === undefined && o['seed'] === undefined) {
    throw new ArgumentError(
      `${FN}: neither 'options.loc' nor 'options.seed' was given, expected an initial mean or a seed to draw it from`,
    );
  }
  const d = shape[0]!;
  const fill = new FillScaleTriL();
  const [initialLoc, initialRaw] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
    const l =
      o['loc'] !== undefined
        ? initialValue(o['loc'] as TensorInput, shape, 'options.loc', FN)
        : tf.mul(random.normal(shape, toSeed(o['seed'] as Seed | number, 'options.seed', FN)), 0.1);
    const given = (o['scaleTril'] as TensorInput | undefined) ?? 1;
    const t = toFloatTensor(given, 'options.scaleTril', FN);
    let tril: tf.Tensor;
    if (t.rank === 0) tril = tf.mul(tf.eye(d), t);
    else if (t.rank === 2 && t.shape[0] === d && t.shape[1] === d) tril = t;
    else {
      throw new ShapeError(
        `${FN}: argument 'options.scaleTril' has shape ${formatShape(t.shape)}, expected [${d}, ${d}] (a Cholesky factor) or a number`,
      );
    }
    return [l, fill.inverse(tril)];
  });
  const name = guideName(FN);
  const loc = tf.variable(initialLoc, true, `${name}/loc`);
  const raw = tf.variable(initialRaw, true, `${name}/rawScaleTril`);
  tf.dispose([initialLoc, initialRaw]);
  return {
    name,
    eventShape: Object.freeze([...shape]),
    variables: Object.freeze([loc, raw]),
    distribution(): Distribution {
      const tril = fill.forward(raw);
      const mvn = new MultivariateNormalTriL(loc, tril);
      if (bijector === undefined) return owning(mvn, [tril]);
      return owning(new TransformedDistribution(mvn, bijector), [tril], [mvn]);
    },
    parameters: () =>
      tf.tidy(() => {
        const tril = fill.forward(raw);
        return { loc: tf.clone(loc), scaleTril: tril, covariance: tf.matMul(tril, tril, false, true) };
      }),
    dispose: () => {
      tf.dispose([loc, raw]);
      fill.dispose();
    },
  };
}
