import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  broadcastShapes,
  checkOptions,
  formatShape,
  ShapeError,
  shapesEqual,
  stopGradient,
  toSeed,
  type Seed,
} from '@elbo/core';
import { Distribution } from '@elbo/distributions';
import type { CsiszarFunction } from './csiszar.js';
import { checkCount } from './options.js';

/** Options of {@link monteCarloDivergence} (and of `klDivergence`'s `monteCarlo`). */
export interface MonteCarloOptions {
  /** How many draws x ~ p (an integer ≥ 1); the standard error falls as 1/√samples. */
  readonly samples: number;
  /** The seed of the draws (a `Seed` or a non-negative integer): the same seed gives the same estimate. */
  readonly seed: Seed | number;
  /**
   * How gradients flow: `'reparameterization'` differentiates through the draws (p must be
   * reparameterised); `'score-function'` treats the draws as constants and adds the score term
   * E_p[f·∇log p(X)] (the DiCE surrogate f + ⊥(f)(log p − ⊥(log p)), whose value is f). Default: the
   * first when `p.reparameterized`, else the second.
   */
  readonly gradient?: 'reparameterization' | 'score-function';
}

/** The checked form of {@link MonteCarloOptions}. */
export interface MonteCarloSettings {
  readonly samples: number;
  readonly seed: Seed;
  readonly gradient: 'reparameterization' | 'score-function';
}

/** Checks p and q and returns their broadcast batch shape; names `fn` in errors. */
export function checkPair(p: unknown, q: unknown, fn: string): number[] {
  for (const [arg, d] of [
    ['p', p],
    ['q', q],
  ] as const) {
    if (!(d instanceof Distribution)) {
      throw new ArgumentError(
        `${fn}: argument '${arg}' is ${d === null ? 'null' : typeof d === 'object' ? (d.constructor?.name ?? 'an object') : `a ${typeof d}`}, expected a Distribution of @elbo/distributions`,
      );
    }
  }
  const pd = p as Distribution;
  const qd = q as Distribution;
  if (!shapesEqual(pd.eventShape, qd.eventShape)) {
    throw new ShapeError(
      `${fn}: p (${pd.name}) has event shape ${formatShape(pd.eventShape)} and q (${qd.name}) has ${formatShape(qd.eventShape)}, expected equal event shapes (both densities must live on the same space)`,
    );
  }
  return broadcastShapes(pd.batchShape, qd.batchShape, fn, 'p.batchShape', 'q.batchShape');
}

/** Checks the Monte Carlo options of `fn` (`arg` names them in errors). */
export function readMonteCarloOptions(
  options: unknown,
  p: Distribution,
  fn: string,
  arg: string,
): MonteCarloSettings {
  if (options === undefined) {
    throw new ArgumentError(`${fn}: argument '${arg}' is missing, expected { samples, seed }`);
  }
  const o = checkOptions(options, ['samples', 'seed', 'gradient'], fn, arg);
  const samples = checkCount(o['samples'], `${arg}.samples`, fn);
  if (o['seed'] === undefined) {
    throw new ArgumentError(
      `${fn}: argument '${arg}.seed' is missing, expected a Seed or a non-negative integer (randomness is an argument)`,
    );
  }
  const seed = toSeed(o['seed'] as Seed | number, `${arg}.seed`, fn);
  const gradient = o['gradient'] ?? (p.reparameterized ? 'reparameterization' : 'score-function');
  if (gradient !== 'reparameterization' && gradient !== 'score-function') {
    throw new ArgumentError(
      `${fn}: argument '${arg}.gradient' is ${JSON.stringify(gradient)}, expected 'reparameterization' or 'score-function'`,
    );
  }
  if (gradient === 'reparameterization' && !p.reparameterized) {
    throw new ArgumentError(
      `${fn}: argument '${arg}.gradient' is 'reparameterization' but p (${p.name}) is not reparameterised, expected 'score-function' (or leave it out)`,
    );
  }
  return { samples, seed, gradient };
}

/** The estimate itself, for checked arguments (shared with klDivergence). */
export function monteCarloEstimate(
  p: Distribution,
  q: Distribution,
  f: CsiszarFunction,
  batch: readonly number[],
  settings: MonteCarloSettings,
  fn: string,
): tf.Tensor {
  return tf.tidy(() => {
    const n = settings.samples;
    let x = p.sample(n, settings.seed);
    // Align x's batch axes with the broadcast batch (q may have more of them than p).
    const extra = batch.length - p.batchShape.length;
    if (extra > 0) x = tf.reshape(x, [n, ...new Array<number>(extra).fill(1), ...x.shape.slice(1)]);
    const score = settings.gradient === 'score-function';
    if (score) x = stopGradient(x);
    const logp = p.logProb(x);
    const logu = tf.sub(q.logProb(x), logp);
    let fx = f(logu);
    if (!(fx instanceof tf.Tensor) || !shapesEqual(fx.shape, logu.shape)) {
      throw new ShapeError(
        `${fn}: argument 'f' returned ${fx instanceof tf.Tensor ? `shape ${formatShape(fx.shape)}` : 'a non-tensor'} for log u of shape ${formatShape(logu.shape)}, expected a tensor of the same shape (f acts elementwise)`,
      );
    }
    if (score) fx = tf.add(fx, tf.mul(stopGradient(fx), tf.sub(logp, stopGradient(logp))));
    return tf.broadcastTo(tf.mean(fx, 0), [...batch]);
  });
}

/**
 * The Csiszár f-divergence D_f(p, q) = E_{X~p}[f(q(X)/p(X))], estimated by the mean over `samples`
 * draws x ~ p of f evaluated at log u = log q(x) − log p(x) (TFP's `monte_carlo_variational_loss` with
 * p as the surrogate). With `f = klReverse` it is KL(p‖q); with `klForward`, KL(q‖p). Unbiased, with
 * standard error sd(f(U))/√samples. Gradients: through the draws when p is reparameterised, else by the
 * score function (see {@link MonteCarloOptions.gradient}); both are unbiased for ∇D_f.
 *
 * Draws have shape [samples, ...p.batchShape, ...eventShape]; when q has more batch axes than p, the draws
 * are shared along the extra ones (each entry stays an unbiased estimate).
 *
 * @param p the distribution sampled (its density is the denominator of u).
 * @param q the other distribution, with the same event shape; batch shapes broadcast.
 * @param f a Csiszár function of log u ({@link klReverse}, `amariAlpha(0.5)`, or your own elementwise one).
 * @returns a tensor of the broadcast batch shape, owned by the caller.
 * @throws {ArgumentError} p or q is not a Distribution, or an option is missing, unknown or malformed.
 * @throws {ShapeError} event shapes differ or batch shapes do not broadcast.
 * @example
 * const d = monteCarloDivergence(new Normal(0, 1), new Normal(1, 1), klReverse, { samples: 10000, seed: 0 });
 * d.print(); // ≈ 0.5 (= KL(N(0,1)‖N(1,1)))
 */
export function monteCarloDivergence(
  p: Distribution,
  q: Distribution,
  f: CsiszarFunction,
  options: MonteCarloOptions,
): tf.Tensor {
  const fn = 'monteCarloDivergence';
  const batch = checkPair(p, q, fn);
  if (typeof f !== 'function') {
    throw new ArgumentError(
      `${fn}: argument 'f' is ${f === null ? 'null' : `a ${typeof f}`}, expected a Csiszár function of log u such as klReverse or amariAlpha(0.5)`,
    );
  }
  const settings = readMonteCarloOptions(options, p, fn, 'options');
  return monteCarloEstimate(p, q, f, batch, settings, fn);
}
