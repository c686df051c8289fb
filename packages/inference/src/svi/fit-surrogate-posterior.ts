import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  checkOptions,
  describeValue,
  foldIn,
  formatShape,
  ShapeError,
  toSeed,
  type Seed,
} from '@elbo/core';
import { klReverse, type CsiszarFunction } from '@elbo/divergences';
import { meanOverDraws, requireReparameterized } from '../elbo/model.js';
import { checkInteger } from '../elbo/options.js';
import type { Guide } from '../guides/guide.js';
import { relativeChangeConvergence, type ConvergenceOptions, type ConvergenceTest } from './convergence.js';
import { checkOptimizer, trainStep } from './train-step.js';

/** What `trace` receives after every step of {@link fitSurrogatePosterior}. */
export interface SurrogateTraceInfo {
  /** The step, counted from 1. */
  readonly step: number;
  /** The step's loss (the divergence estimate). */
  readonly loss: number;
  /** The surrogate, with its variables after this step (read them with `surrogate.parameters()`). */
  readonly surrogate: Guide;
}

/** Options of {@link fitSurrogatePosterior}. */
export interface FitSurrogatePosteriorOptions {
  /** A tfjs-core optimizer, e.g. `tf.train.adam(0.05)`; it stays yours. */
  readonly optimizer: tf.Optimizer;
  /** How many steps. */
  readonly steps: number;
  /** The seed of the draws; step i uses `foldIn(seed, i)`. */
  readonly seed: Seed | number;
  /** Draws per step (default 1). */
  readonly samples?: number;
  /**
   * The Csiszár function f of log u, u = p̃(z)/q(z) with z ~ q (default `klReverse`, giving
   * E_q[log q − log p̃] = KL(q‖p) − log Z): `klForward` gives Z·KL(p‖q) + Z log Z (mass-covering, the
   * moment-matched q), `amariAlpha(α)` interpolates. See `@elbo/divergences`.
   */
  readonly divergence?: CsiszarFunction;
  /** Called after every step; returning `false` stops. */
  readonly trace?: (info: SurrogateTraceInfo) => void | boolean;
  /** Stop early when the loss has converged (see `relativeChangeConvergence`). */
  readonly convergence?: ConvergenceOptions | ConvergenceTest;
}

/** What {@link fitSurrogatePosterior} returns. */
export interface FitSurrogatePosteriorResult {
  /** Every step's loss. */
  readonly losses: number[];
  /** Whether the convergence test passed. */
  readonly converged: boolean;
}

const FN = 'fitSurrogatePosterior';

/**
 * Fits a surrogate posterior q to an unnormalised target density p̃ (TFP's `vi.fit_surrogate_posterior`)
 * by minimising the Csiszár f-divergence D_f(p̃, q) = E_q[f(p̃(z)/q(z))], estimated each step with
 * `samples` reparameterised draws z ~ q:
 *
 *   loss = (1/k) Σⱼ f(log p̃(zⱼ) − log q(zⱼ)),   summed over the surrogate's batch axes.
 *
 * With the default reverse KL (f(u) = −log u) the loss is −ELBO and q seeks a mode; with forward KL
 * (f(u) = u log u) q covers the mass and lands on the target's moment-matched Normal (its gradient is
 * self-normalised importance sampling, noisy when q is narrow); Amari α in between.
 *
 * @param targetLogProb log p̃(z) for draws z of shape [k, ...q.batchShape, ...eventShape], returning
 *   [k, ...q.batchShape]; it runs inside a tidy scope.
 * @param surrogate the guide to fit (its variables are trained in place).
 * @returns the loss of every step.
 * @throws {ArgumentError} unknown or malformed options; a surrogate that is not reparameterised.
 * @throws {ShapeError} targetLogProb returns the wrong shape.
 * @throws {NonFiniteLossError} a non-finite loss (term `targetLogProb`, `surrogateLogProb` or `loss`) or
 *   gradient, naming the step and the last good loss.
 * @example
 * const target = new MixtureSameFamily([0, 0], new Normal([-2, 2], [0.6, 0.6]));
 * const q = meanFieldGuide({ shape: [], loc: 0.5, scale: 1 });
 * const { losses } = fitSurrogatePosterior((z) => target.logProb(z), q, {
 *   optimizer: tf.train.adam(0.05), steps: 300, samples: 32, seed: 0, divergence: klForward,
 *   trace: ({ step, surrogate }) => record(step, surrogate.parameters()),
 * });
 */
export function fitSurrogatePosterior(
  targetLogProb: (z: tf.Tensor) => tf.Tensor,
  surrogate: Guide,
  options: FitSurrogatePosteriorOptions,
): FitSurrogatePosteriorResult {
  if (typeof targetLogProb !== 'function') {
    throw new ArgumentError(
      `${FN}: argument 'targetLogProb' is ${describeValue(targetLogProb)}, expected a function z => log p̃(z)`,
    );
  }
  if (surrogate === null || typeof surrogate !== 'object' || typeof surrogate.distribution !== 'function') {
    throw new ArgumentError(
      `${FN}: argument 'surrogate' is ${describeValue(surrogate)}, expected a Guide (meanFieldGuide(...), ...)`,
    );
  }
  if (options === undefined) {
    throw new ArgumentError(
      `${FN}: argument 'options' is missing, expected { optimizer, steps, seed, samples?, divergence?, trace? }`,
    );
  }
  const o = checkOptions(
    options,
    ['optimizer', 'steps', 'seed', 'samples', 'divergence', 'trace', 'convergence'],
    FN,
  );
  const optimizer = checkOptimizer(o['optimizer'], FN);
  const steps = checkInteger(o['steps'], 'options.steps', FN);
  const samples = checkInteger(o['samples'], 'options.samples', FN, 1);
  if (o['seed'] === undefined) {
    throw new ArgumentError(
      `${FN}: argument 'options.seed' is missing, expected a Seed or a non-negative integer`,
    );
  }
  const seed = toSeed(o['seed'] as Seed | number, 'options.seed', FN);
  const f = (o['divergence'] as CsiszarFunction | undefined) ?? ((logu: tf.Tensor) => klReverse(logu));
  if (typeof f !== 'function') {
    throw new ArgumentError(
      `${FN}: argument 'options.divergence' is ${describeValue(f)}, expected a Csiszár function of log u (klReverse, klForward, amariAlpha(0.5))`,
    );
  }
  const trace = o['trace'] as FitSurrogatePosteriorOptions['trace'];
  if (trace !== undefined && typeof trace !== 'function') {
    throw new ArgumentError(
      `${FN}: argument 'options.trace' is ${describeValue(trace)}, expected a function ({ step, loss, surrogate }) => void | boolean`,
    );
  }
  const c = o['convergence'];
  const test: ConvergenceTest | undefined =
    c === undefined
      ? undefined
      : typeof (c as ConvergenceTest).update === 'function'
        ? (c as ConvergenceTest)
        : relativeChangeConvergence(c as ConvergenceOptions);
  const losses: number[] = [];
  let lastGood: { loss: number; step: number } | undefined;
  for (let i = 0; i < steps; i++) {
    const result = trainStep(
      () => {
        const q = surrogate.distribution();
        requireReparameterized(q, FN);
        const z = q.sample(samples, foldIn(seed, i));
        const expected = [samples, ...q.batchShape];
        const target = targetLogProb(z) as unknown;
        if (!(target instanceof tf.Tensor)) {
          throw new ArgumentError(
            `${FN}: argument 'targetLogProb' returned ${describeValue(target)}, expected a tensor of shape ${formatShape(expected)}`,
          );
        }
        if (
          target.rank !== expected.length ||
          target.shape.some((d: number, j: number) => d !== expected[j])
        ) {
          throw new ShapeError(
            `${FN}: argument 'targetLogProb' returned shape ${formatShape(target.shape)} for z of shape ${formatShape(z.shape)}, expected ${formatShape(expected)}`,
          );
        }
        const logQ = q.logProb(z);
        const fu = f(tf.sub(target, logQ));
        return {
          loss: meanOverDraws(fu),
          terms: { targetLogProb: meanOverDraws(target), surrogateLogProb: meanOverDraws(logQ) },
        };
      },
      surrogate.variables,
      optimizer,
      i + 1,
      FN,
      lastGood,
    );
    lastGood = { loss: result.loss, step: i + 1 };
    losses.push(result.loss);
    if (trace !== undefined && trace({ step: i + 1, loss: result.loss, surrogate }) === false) break;
    if (test?.update(result.loss) === true) break;
  }
  return { losses, converged: test?.converged ?? false };
}
