import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkOptions, describeValue, foldIn, toSeed, type Seed } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import { analyticKlElbo } from '../elbo/analytic-kl-elbo.js';
import { checkModel, type Batch, type ElboResult, type Model } from '../elbo/model.js';
import { checkPositiveNumber } from '../elbo/options.js';
import type { Guide } from '../guides/guide.js';
import { checkOptimizer, trainStep } from './train-step.js';

/** What a loss function receives besides the model, the guide's distribution and the batch. */
export interface LossContext {
  /** The seed of this step's draws (`foldIn(svi seed, step index)`). */
  readonly seed: Seed;
  /** The factor on log p(batch | z): data size / batch size in `fit`, else the `svi` option (default 1). */
  readonly likelihoodScale: number;
}

/**
 * An SVI objective: one of the estimators of this package with its options filled in, e.g.
 * `(m, q, b, c) => importanceWeightedBound(m, q, b, { ...c, samples: 8 })`. Returns `{ loss, terms }`.
 */
export type LossFunction<B extends Batch = Batch> = (
  model: Model<B>,
  q: Distribution,
  batch: B,
  context: LossContext,
) => ElboResult;

/** Options of {@link svi}. */
export interface SviOptions<B extends Batch = Batch> {
  /** The model p(x, z). */
  readonly model: Model<B>;
  /** The guide q(z) whose variables are trained. */
  readonly guide: Guide;
  /** A tfjs-core optimizer, e.g. `tf.train.adam(0.05)`. It stays yours (dispose it yourself). */
  readonly optimizer: tf.Optimizer;
  /** The seed of every step's draws; step i uses `foldIn(seed, i)`. */
  readonly seed: Seed | number;
  /**
   * The objective (default: `analyticKlElbo` with one draw, which throws for a pair without a closed-form
   * KL: then pass `reparameterizedElbo`, or `analyticKlElbo` with `fallback: 'monte-carlo'`).
   */
  readonly loss?: LossFunction<B>;
  /** The likelihood scale of every step unless `step` is given one (default 1). */
  readonly likelihoodScale?: number;
}

/** Options of one {@link Svi.step}. */
export interface StepOptions {
  /** The likelihood scale of this step (data size / batch size), overriding the svi option. */
  readonly likelihoodScale?: number;
}

/** The SVI engine {@link svi} returns. The caller owns the loop. */
export interface Svi<B extends Batch = Batch> {
  /**
   * One optimisation step on `batch`: draws from the guide, evaluates the loss, and applies its gradient
   * with respect to the guide's variables (and the model's) with the optimizer. Returns the loss as a
   * number. Leaks no tensor.
   *
   * @throws {NonFiniteLossError} the loss, a term or a gradient is NaN or ±∞ (parameters not updated).
   */
  step(batch: B, options?: StepOptions): number;
  /** How many steps have succeeded. */
  readonly stepCount: number;
  /** The loss of the last successful step. */
  readonly lastLoss: number | undefined;
  /** The terms of the last successful step, as numbers. */
  readonly lastTerms: Readonly<Record<string, number>>;
  /** The variables trained: the guide's, then the model's. */
  readonly variables: readonly tf.Variable[];
}

const FN = 'svi';

/**
 * Stochastic variational inference (Hoffman et al. 2013; Pyro's `SVI`, TFP's `fit_surrogate_posterior`
 * loop): minimise the loss, −ELBO by default, over the guide's variables φ (and the model's θ) by
 * stochastic gradients, one {@link Svi.step} per call:
 *
 *   φ ← optimizer(φ, ∇_φ loss(φ; batch, ε)),   ε the step's draws (seed `foldIn(seed, stepCount)`).
 *
 * The same seed and batches give the same trajectory on every backend (up to float rounding).
 *
 * @throws {ArgumentError} unknown options, a missing or malformed model, guide, optimizer, seed or loss.
 * @example
 * const x = tf.tensor1d([1.2, 0.8, 1.9]);
 * const model = { prior: new Normal(0, 10), logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1) };
 * const guide = meanFieldGuide({ shape: [], seed: 0 });
 * const optimizer = tf.train.adam(0.05);
 * const engine = svi({ model, guide, optimizer, seed: 1 });
 * for (let i = 0; i < 500; i++) engine.step(undefined);
 * guide.parameters().loc.print(); // ≈ 1.30 (the posterior mean Σx/(n + 1/100))
 */
export function svi<B extends Batch = Batch>(options: SviOptions<B>): Svi<B> {
  const o = checkOptions(options, ['model', 'guide', 'optimizer', 'seed', 'loss', 'likelihoodScale'], FN);
  checkModel(o['model'], FN);
  const model = o['model'] as Model<B>;
  const guide = o['guide'] as Guide;
  if (
    guide === null ||
    typeof guide !== 'object' ||
    typeof guide.distribution !== 'function' ||
    !Array.isArray(guide.variables)
  ) {
    throw new ArgumentError(
      `${FN}: argument 'options.guide' is ${describeValue(guide)}, expected a Guide (meanFieldGuide(...), fullRankGuide(...), ...)`,
    );
  }
  const optimizer = checkOptimizer(o['optimizer'], FN);
  if (o['seed'] === undefined) {
    throw new ArgumentError(
      `${FN}: argument 'options.seed' is missing, expected a Seed or a non-negative integer`,
    );
  }
  const seed = toSeed(o['seed'] as Seed | number, 'options.seed', FN);
  const loss: LossFunction<B> =
    (o['loss'] as LossFunction<B> | undefined) ??
    ((m, q, b, c) => analyticKlElbo(m, q, b, { seed: c.seed, likelihoodScale: c.likelihoodScale }));
  if (typeof loss !== 'function') {
    throw new ArgumentError(
      `${FN}: argument 'options.loss' is ${describeValue(loss)}, expected a function (model, q, batch, { seed, likelihoodScale }) => { loss, terms }`,
    );
  }
  const defaultScale = checkPositiveNumber(o['likelihoodScale'], 'options.likelihoodScale', FN, 1);
  const variables = Object.freeze([...guide.variables, ...(model.variables ?? [])]);
  let stepCount = 0;
  let lastGood: { loss: number; step: number } | undefined;
  let lastTerms: Readonly<Record<string, number>> = {};
  return {
    step(batch: B, stepOptions?: StepOptions): number {
      const so = checkOptions(stepOptions, ['likelihoodScale'], 'svi.step');
      const likelihoodScale = checkPositiveNumber(
        so['likelihoodScale'],
        'options.likelihoodScale',
        'svi.step',
        defaultScale,
      );
      const context: LossContext = { seed: foldIn(seed, stepCount), likelihoodScale };
      const result = trainStep(
        () => {
          // Inside variableGrads' tidy: q's derived tensors are freed with the step's intermediates.
          const q = guide.distribution();
          const r = loss(model, q, batch, context);
          if (r === null || typeof r !== 'object' || !(r.loss instanceof tf.Tensor) || r.loss.rank !== 0) {
            throw new ArgumentError(
              `svi.step: argument 'options.loss' returned ${describeValue(r)}${r?.loss instanceof tf.Tensor ? ` with a loss of shape [${r.loss.shape.join(', ')}]` : ''}, expected { loss: a scalar tensor, terms }`,
            );
          }
          return r;
        },
        variables,
        optimizer,
        stepCount + 1,
        'svi.step',
        lastGood,
      );
      stepCount += 1;
      lastGood = { loss: result.loss, step: stepCount };
      lastTerms = result.terms;
      return result.loss;
    },
    get stepCount() {
      return stepCount;
    },
    get lastLoss() {
      return lastGood?.loss;
    },
    get lastTerms() {
      return lastTerms;
    },
    variables,
  };
}
