import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  checkOptions,
  cholesky,
  formatShape,
  random,
  ShapeError,
  softplus,
  softplusInverse,
  splitSeed,
  toSeed,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import {
  MultivariateNormalTriL,
  TransformedDistribution,
  type Bijector,
  type Distribution,
} from '@elbo/distributions';
import { checkInteger } from '../elbo/options.js';
import {
  checkBijector,
  checkPositiveValues,
  checkShape,
  guideName,
  initialValue,
  owning,
  type Guide,
} from './guide.js';

/** Options of {@link lowRankGuide}. */
export interface LowRankGuideOptions {
  /** The latent's shape, [d]. */
  readonly shape: readonly number[];
  /** The rank r ≥ 1 of the factor V [d, r]. */
  readonly rank: number;
  /** Initial mean [d]. Default: 0.1·N(0, I) from `seed`. */
  readonly loc?: TensorInput;
  /** Initial √D, the standard deviations of the diagonal part, > 0 (default 1). */
  readonly scaleDiag?: TensorInput;
  /** Initial factor V [d, r]. Default: 0.1·N(0, I) from `seed` (V = 0 is a stationary point). */
  readonly factor?: TensorInput;
  /** The seed of the initial values left out. */
  readonly seed?: Seed | number;
  /** A bijector onto the latent's support; not owned. */
  readonly bijector?: Bijector;
}

const FN = 'lowRankGuide';

/**
 * The low-rank-plus-diagonal Gaussian guide (Pyro's `AutoLowRankMultivariateNormal`):
 *
 *   q(z) = N(z; μ, D + V Vᵀ),   D = diag(softplus(ρ)²),   V ∈ ℝ^{d×r},
 *
 * with trainable `loc` μ [d], `rawScaleDiag` ρ [d] and `factor` V [d, r]: d(r + 2) parameters instead of
 * the full-rank d(d + 3)/2, and correlations along r directions. The distribution is the
 * `MultivariateNormalTriL` of the Cholesky factor of D + V Vᵀ (`cholesky` of `@elbo/core`, with its
 * gradient; O(d³) per step, fine for the moderate d this is for), so the KL table has its closed forms.
 *
 * `parameters()` gives `{ loc, scaleDiag, factor, covariance }`.
 *
 * @throws {ArgumentError} unknown options, a bad shape, rank or bijector, missing initial values and seed.
 * @throws {ShapeError} initial values of the wrong shape.
 * @example
 * const guide = lowRankGuide({ shape: [4], rank: 1, seed: 0 });
 * guide.distribution().eventShape; // [4]
 * guide.dispose();
 */
export function lowRankGuide(options: LowRankGuideOptions): Guide {
  const o = checkOptions(options, ['shape', 'rank', 'loc', 'scaleDiag', 'factor', 'seed', 'bijector'], FN);
  const shape = checkShape(o['shape'], FN);
  if (shape.length !== 1) {
    throw new ShapeError(
      `${FN}: argument 'options.shape' is ${formatShape(shape)}, expected [d] (a vector latent)`,
    );
  }
  const d = shape[0]!;
  const r = checkInteger(o['rank'], 'options.rank', FN);
  const bijector = checkBijector(o['bijector'], FN);
  if ((o['loc'] === undefined || o['factor'] === undefined) && o['seed'] === undefined) {
    throw new ArgumentError(
      `${FN}: 'options.seed' is missing, expected a seed to draw the initial ${o['loc'] === undefined ? 'loc' : 'factor'} from (or give 'loc' and 'factor')`,
    );
  }
  const [sLoc, sFactor] =
    o['seed'] === undefined
      ? [undefined, undefined]
      : splitSeed(toSeed(o['seed'] as Seed | number, 'options.seed', FN), 2);
  const init = tf.tidy((): [tf.Tensor, tf.Tensor, tf.Tensor] => {
    const l =
      o['loc'] !== undefined
        ? initialValue(o['loc'] as TensorInput, shape, 'options.loc', FN)
        : tf.mul(random.normal(shape, sLoc!), 0.1);
    const v =
      o['factor'] !== undefined
        ? initialValue(o['factor'] as TensorInput, [d, r], 'options.factor', FN)
        : tf.mul(random.normal([d, r], sFactor!), 0.1);
    const s = initialValue((o['scaleDiag'] as TensorInput | undefined) ?? 1, shape, 'options.scaleDiag', FN);
    checkPositiveValues(s, 'options.scaleDiag', FN);
    return [l, softplusInverse(s), v];
  });
  const name = guideName(FN);
  const loc = tf.variable(init[0], true, `${name}/loc`);
  const raw = tf.variable(init[1], true, `${name}/rawScaleDiag`);
  const factor = tf.variable(init[2], true, `${name}/factor`);
  tf.dispose(init);
  const covariance = (): tf.Tensor =>
    tf.tidy(() =>
      tf.add(tf.mul(tf.eye(d), tf.square(softplus(raw))), tf.matMul(factor, factor, false, true)),
    );
  return {
    name,
    eventShape: Object.freeze([...shape]),
    variables: Object.freeze([loc, raw, factor]),
    distribution(): Distribution {
      const tril = tf.tidy(() => cholesky(covariance()));
      const mvn = new MultivariateNormalTriL(loc, tril);
      if (bijector === undefined) return owning(mvn, [tril]);
      return owning(new TransformedDistribution(mvn, bijector), [tril], [mvn]);
    },
    parameters: () => ({
      loc: tf.clone(loc),
      scaleDiag: softplus(raw),
      factor: tf.clone(factor),
      covariance: covariance(),
    }),
    dispose: () => tf.dispose([loc, raw, factor]),
  };
}
