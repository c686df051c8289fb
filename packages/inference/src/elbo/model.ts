import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  checkOptions,
  describeValue,
  formatShape,
  ShapeError,
  stopGradient,
  toSeed,
  type Seed,
} from '@elbo/core';
import { Distribution } from '@elbo/distributions';
import { checkInteger, checkPositiveNumber } from './options.js';

/**
 * What a model's likelihood is evaluated on: a tensor whose first axis indexes data points, a record of
 * such tensors sharing that axis (`{ x, y }`), or nothing (a model that closes over its data).
 */
export type Batch = tf.Tensor | Readonly<Record<string, tf.Tensor>> | undefined;

/**
 * A latent-variable model p(x, z) = p(z) · p(x | z), written explicitly (TFP/Pyro style):
 *
 * - `prior` is p(z), a Distribution whose event shape is the latent's shape;
 * - `logLikelihood(z, batch)` is log p(batch | z) for a stack of draws z of shape
 *   `[k, ...q.batchShape, ...eventShape]`, returned with shape `[k, ...q.batchShape]`: one value per
 *   draw (and per member of the guide's batch, for local latents as in a VAE), summed over the data
 *   points of the batch. It may build a Distribution and return its `logProb` summed; it runs inside a
 *   `tf.tidy`, so intermediates need no care.
 * - `variables` are the model's own trainable parameters (a decoder's weights), trained by `svi`
 *   together with the guide's.
 *
 * @example
 * // x_i ~ N(μ, 1), μ ~ N(0, 10²)
 * const x = tf.tensor1d([1.2, 0.8, 1.9]);
 * const model: Model = {
 *   prior: new Normal(0, 10),
 *   logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1),
 * };
 */
export interface Model<B extends Batch = Batch> {
  /** The prior p(z). */
  readonly prior: Distribution;
  /** log p(batch | z), shape `[k, ...q.batchShape]` for z of shape `[k, ...q.batchShape, ...eventShape]`. */
  readonly logLikelihood: (z: tf.Tensor, batch: B) => tf.Tensor;
  /** The model's trainable parameters, if any. */
  readonly variables?: readonly tf.Variable[];
}

/** Options every ELBO estimator accepts. */
export interface EstimatorOptions {
  /** The seed of the draws z ~ q (a `Seed` or a non-negative integer). Randomness is an argument. */
  readonly seed: Seed | number;
  /** How many draws k from the guide (default 1). */
  readonly samples?: number;
  /**
   * The factor multiplying log p(batch | z): the data size over the batch size for a minibatch, so that
   * the estimate is unbiased for the full data's ELBO (default 1).
   */
  readonly likelihoodScale?: number;
}

/**
 * What every estimator returns. `loss` is −(the bound), a scalar the caller owns; `terms` are scalar
 * tensors the caller owns too (dispose them, or call the estimator inside `tf.tidy`), each summed over the
 * guide's batch axes and averaged over the draws. `klMethod` says how the KL term was computed where
 * there is one.
 */
export interface ElboResult {
  /** −bound, a scalar tensor. */
  readonly loss: tf.Scalar;
  /** The named terms of the bound (see each estimator), scalar tensors. */
  readonly terms: Readonly<Record<string, tf.Scalar>>;
  /** `'analytic'` (closed form from the KL table) or `'monte-carlo'` (mean of log q(z) − log p(z)). */
  readonly klMethod?: 'analytic' | 'monte-carlo';
}

/** The checked common options. */
export interface EstimatorSettings {
  readonly seed: Seed;
  readonly samples: number;
  readonly likelihoodScale: number;
}

/** Checks the model, the guide's distribution and the common options of estimator `fn`. */
export function readEstimatorArguments(
  model: unknown,
  q: unknown,
  options: unknown,
  fn: string,
  extra: readonly string[] = [],
): { settings: EstimatorSettings; record: Record<string, unknown> } {
  checkModel(model, fn);
  if (!(q instanceof Distribution)) {
    throw new ArgumentError(
      `${fn}: argument 'q' is ${describeValue(q)}, expected a Distribution (the guide's, e.g. guide.distribution())`,
    );
  }
  const m = model as Model;
  if (
    m.prior.eventShape.length !== q.eventShape.length ||
    m.prior.eventShape.some((d, i) => d !== q.eventShape[i])
  ) {
    throw new ShapeError(
      `${fn}: the guide q (${q.name}) has event shape ${formatShape(q.eventShape)} and the prior (${m.prior.name}) has ${formatShape(m.prior.eventShape)}, expected equal event shapes (both are densities of the latent z)`,
    );
  }
  if (options === undefined) {
    throw new ArgumentError(
      `${fn}: argument 'options' is missing, expected { seed, samples?, likelihoodScale? }`,
    );
  }
  const record = checkOptions(options, ['seed', 'samples', 'likelihoodScale', ...extra], fn);
  if (record['seed'] === undefined) {
    throw new ArgumentError(
      `${fn}: argument 'options.seed' is missing, expected a Seed or a non-negative integer (randomness is an argument)`,
    );
  }
  const seed = toSeed(record['seed'] as Seed | number, 'options.seed', fn);
  const samples = checkInteger(record['samples'], 'options.samples', fn, 1);
  const likelihoodScale = checkPositiveNumber(record['likelihoodScale'], 'options.likelihoodScale', fn, 1);
  return { settings: { seed, samples, likelihoodScale }, record };
}

/** Throws an ArgumentError unless `model` is a {@link Model}. */
export function checkModel(model: unknown, fn: string): void {
  if (model === null || typeof model !== 'object') {
    throw new ArgumentError(
      `${fn}: argument 'model' is ${describeValue(model)}, expected { prior: Distribution, logLikelihood: (z, batch) => tf.Tensor }`,
    );
  }
  const m = model as Record<string, unknown>;
  checkOptions(model, ['prior', 'logLikelihood', 'variables'], fn, 'model');
  if (!(m['prior'] instanceof Distribution)) {
    throw new ArgumentError(
      `${fn}: argument 'model.prior' is ${describeValue(m['prior'])}, expected a Distribution (p(z))`,
    );
  }
  if (typeof m['logLikelihood'] !== 'function') {
    throw new ArgumentError(
      `${fn}: argument 'model.logLikelihood' is ${describeValue(m['logLikelihood'])}, expected a function (z, batch) => log p(batch | z)`,
    );
  }
}

/** The log densities of k draws, each of shape [k, ...q.batchShape]. */
export interface DrawLogDensities {
  /** The draws z, [k, ...q.batchShape, ...eventShape]. */
  readonly z: tf.Tensor;
  /** likelihoodScale · log p(batch | z). */
  readonly logLikelihood: tf.Tensor;
  /** log p(z). */
  readonly logPrior: tf.Tensor;
  /** log q(z). */
  readonly logQ: tf.Tensor;
}

/**
 * Draws k values z ~ q (through stopGradient when `detach`) and evaluates the three log densities,
 * checking that the model's log-likelihood has shape [k, ...q.batchShape]. Call inside tf.tidy.
 */
export function evaluateDraws<B extends Batch>(
  model: Model<B>,
  q: Distribution,
  batch: B,
  settings: EstimatorSettings,
  fn: string,
  detach: boolean,
): DrawLogDensities {
  const k = settings.samples;
  const drawn = q.sample(k, settings.seed);
  const z = detach ? stopGradient(drawn) : drawn;
  const expected = [k, ...q.batchShape];
  const logLikelihood = logLikelihoodOfDraws(model, z, batch, settings, fn, expected);
  const logPrior = tf.broadcastTo(model.prior.logProb(z), expected);
  const logQ = q.logProb(z);
  return { z, logLikelihood, logPrior, logQ };
}

/**
 * likelihoodScale · log p(batch | z) for draws z, checked to be a tensor of shape `expected`
 * ([k, ...q.batchShape]). Call inside tf.tidy.
 */
export function logLikelihoodOfDraws<B extends Batch>(
  model: Model<B>,
  z: tf.Tensor,
  batch: B,
  settings: EstimatorSettings,
  fn: string,
  expected: readonly number[],
): tf.Tensor {
  const ll = model.logLikelihood(z, batch) as unknown;
  if (!(ll instanceof tf.Tensor)) {
    throw new ArgumentError(
      `${fn}: argument 'model.logLikelihood' returned ${describeValue(ll)}, expected a tensor of shape ${formatShape(expected)}`,
    );
  }
  if (ll.rank !== expected.length || ll.shape.some((d: number, i: number) => d !== expected[i])) {
    throw new ShapeError(
      `${fn}: argument 'model.logLikelihood' returned shape ${formatShape(ll.shape)} for z of shape ${formatShape(z.shape)}, expected ${formatShape(expected)} (one value per draw and guide batch member, summed over the data points)`,
    );
  }
  return settings.likelihoodScale === 1 ? ll : tf.mul(ll, settings.likelihoodScale);
}

/** Throws an ArgumentError unless q is reparameterised (the estimator differentiates through its draws). */
export function requireReparameterized(q: Distribution, fn: string): void {
  if (!q.reparameterized) {
    throw new ArgumentError(
      `${fn}: the guide q (${q.name}) is not reparameterised, expected one whose draws gradients flow through (Normal, MultivariateNormalTriL, ...); for discrete latents use scoreFunctionElbo`,
    );
  }
}

/** mean over the draws (axis 0), summed over the guide's batch axes: a scalar. Call inside tf.tidy. */
export function meanOverDraws(x: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mean(x, 0)) as tf.Scalar;
}
