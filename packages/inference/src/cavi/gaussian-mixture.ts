import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError, toSeed, type Seed, type TensorInput } from '@elbo/core';
import { checkOptionKeys, readNumber, toDataTensor } from './arguments.js';
import { CAVI_OPTION_KEYS, CoordinateAscent, type CaviModel, type CaviOptions } from './coordinate-ascent.js';
import { kmeansPlusPlus, lloydLabels } from './kmeans.js';
import {
  choleskyLower,
  conjugateUpdate,
  logRho,
  mixtureBound,
  mixtureExpectations,
  responsibilityStats,
  toNested,
  type MixtureExpectations,
  type MixtureGlobals,
  type MixturePrior,
  type MixtureStats,
} from './mixture-math.js';

/**
 * The prior of the variational Gaussian mixture (PRML §10.2) and its defaults, which are
 * scikit-learn's `BayesianGaussianMixture` defaults (`weight_concentration_prior_type =
 * 'dirichlet_distribution'`, `covariance_type = 'full'`).
 */
export interface GaussianMixturePriorOptions {
  /** α₀ of the symmetric Dirichlet prior of the weights (> 0; default 1/K, as scikit-learn). */
  readonly weightConcentration?: number;
  /** β₀, the precision scale of the mean prior (> 0; default 1). */
  readonly meanPrecision?: number;
  /** m₀, [D] (default the data mean). */
  readonly meanPrior?: readonly number[];
  /** W₀⁻¹, [D, D] symmetric positive definite (default the data covariance, divisor N − 1). */
  readonly covariancePrior?: readonly (readonly number[])[];
  /** ν₀, the Wishart degrees of freedom (> D − 1; default D). */
  readonly degreesOfFreedom?: number;
}

/** Options of {@link gaussianMixtureCavi}. */
export interface GaussianMixtureOptions extends GaussianMixturePriorOptions, CaviOptions {
  /** K, the number of components (1 ≤ K ≤ N). */
  readonly components: number;
  /** Seed of the k-means++ initialisation (default 0). */
  readonly seed?: Seed | number;
  /** Lloyd iterations after k-means++ seeding (default 10; 0 keeps the seeds' nearest-centre labels). */
  readonly kmeansIterations?: number;
  /** Start from these hard labels (N integers in [0, K)) instead of k-means. */
  readonly initLabels?: readonly number[];
}

/** The fitted mixture; `responsibilities` is a tensor the caller owns, the rest plain numbers. */
export interface GaussianMixturePosterior {
  /** E[πₖ] = αₖ / Σα. */
  readonly weights: number[];
  /** mₖ, [K][D]. */
  readonly means: number[][];
  /** Wₖ⁻¹/νₖ, [K][D][D] (scikit-learn's `covariances_`; E[Λₖ]⁻¹). */
  readonly covariances: number[][][];
  /** argmaxₖ rₙₖ. */
  readonly labels: number[];
  /** rₙₖ, [N, K]. */
  readonly responsibilities: tf.Tensor2D;
  /** αₖ of q(π). */
  readonly concentration: number[];
  /** βₖ of q(μₖ | Λₖ). */
  readonly meanPrecision: number[];
  /** νₖ of q(Λₖ). */
  readonly degreesOfFreedom: number[];
  /** Wₖ⁻¹ of q(Λₖ), [K][D][D]. */
  readonly scaleInverse: number[][][];
}

/** Option names of the prior, shared with natural-gradient SVI. */
export const MIXTURE_PRIOR_KEYS: readonly string[] = [
  'weightConcentration',
  'meanPrecision',
  'meanPrior',
  'covariancePrior',
  'degreesOfFreedom',
];

const KEYS = [
  ...CAVI_OPTION_KEYS,
  ...MIXTURE_PRIOR_KEYS,
  'components',
  'seed',
  'kmeansIterations',
  'initLabels',
];

/**
 * Data and prior of a mixture fit, with the data centred at its mean (the bound is invariant under a
 * joint shift of the data and m₀, and float32 algebra is better conditioned near the origin). Internal.
 */
export interface MixtureProblem {
  /** x − x̄, [N, D]. */
  readonly x: tf.Tensor2D;
  /** x̄, [D]. */
  readonly shift: Float64Array;
  readonly prior: MixturePrior;
}

function readVector(value: unknown, d: number, fn: string, key: string): Float64Array {
  if (!Array.isArray(value) || value.length !== d) {
    throw new ShapeError(
      `${fn}: option '${key}' is ${Array.isArray(value) ? `an array of length ${value.length}` : `a ${typeof value}`}, expected ${d} numbers (one per data column)`,
    );
  }
  return Float64Array.from(value as number[], (v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DomainError(`${fn}: option '${key}'[${i}] is ${String(v)}, expected a finite number`);
    }
    return v;
  });
}

/** Validates the data and options and builds the centred problem. Internal. */
export function mixtureProblem(
  data: TensorInput,
  record: Record<string, unknown>,
  fn: string,
): MixtureProblem {
  const k = readNumber(record, 'components', 'positiveInteger', fn);
  const alpha0 = readNumber(record, 'weightConcentration', 'positive', fn, 1 / k);
  const beta0 = readNumber(record, 'meanPrecision', 'positive', fn, 1);
  const raw = toDataTensor(data, 2, fn);
  const [n, d] = raw.shape as [number, number];
  try {
    if (k > n) {
      throw new DomainError(
        `${fn}: option 'components' is ${k}, expected at most the number of observations N = ${n}`,
      );
    }
    const nu0 = readNumber(record, 'degreesOfFreedom', 'finite', fn, d);
    if (!(nu0 > d - 1)) {
      throw new DomainError(
        `${fn}: option 'degreesOfFreedom' is ${nu0}, expected a number > D − 1 = ${d - 1}`,
      );
    }
    const m0User =
      record['meanPrior'] === undefined ? null : readVector(record['meanPrior'], d, fn, 'meanPrior');
    let covUser: Float64Array | null = null;
    if (record['covariancePrior'] !== undefined) {
      const rows = record['covariancePrior'];
      if (!Array.isArray(rows) || rows.length !== d) {
        throw new ShapeError(
          `${fn}: option 'covariancePrior' is not a [${d}, ${d}] array, expected a D×D matrix`,
        );
      }
      covUser = new Float64Array(d * d);
      rows.forEach((row: unknown, i) => covUser?.set(readVector(row, d, fn, `covariancePrior[${i}]`), i * d));
    }
    if (covUser === null && n < 2) {
      throw new DomainError(
        `${fn}: the default covariance prior needs N ≥ 2 observations, got 1; pass 'covariancePrior'`,
      );
    }
    const mean = tf.tidy(() => tf.mean(raw, 0));
    const shift = Float64Array.from(mean.dataSync());
    const x = tf.tidy(() => tf.sub(raw, mean) as tf.Tensor2D);
    mean.dispose();
    const cov = Float64Array.from(
      tf.tidy(() => tf.div(tf.matMul(x, x, true, false), Math.max(1, n - 1)).dataSync() as Float32Array),
    );
    const wInverse0 = covUser ?? cov;
    if (choleskyLower(wInverse0, d) === null) {
      x.dispose();
      throw new DomainError(
        `${fn}: the covariance prior W₀⁻¹ (${covUser === null ? 'the data covariance' : "option 'covariancePrior'"}) is not symmetric positive definite; ${covUser === null ? "the data lie in a subspace: pass 'covariancePrior'" : 'pass a positive-definite matrix'}`,
      );
    }
    const m0 = new Float64Array(d);
    if (m0User !== null) for (let i = 0; i < d; i++) m0[i] = (m0User[i] as number) - (shift[i] as number);
    return { x, shift, prior: { k, d, alpha0, beta0, m0, wInverse0, nu0 } };
  } finally {
    raw.dispose();
  }
}

/** One-hot responsibilities, [N, K]. Internal. */
export function oneHotResponsibilities(labels: ArrayLike<number>, k: number): tf.Tensor2D {
  return tf.tidy(
    () => tf.cast(tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), k), 'float32') as tf.Tensor2D,
  );
}

/** The snapshot of {@link GaussianMixturePosterior} from globals and responsibilities. Internal. */
export function mixturePosterior(
  globals: MixtureGlobals,
  problem: MixtureProblem,
  responsibilities: tf.Tensor2D,
): GaussianMixturePosterior {
  const { k, d } = problem.prior;
  let total = 0;
  for (const a of globals.alpha) total += a;
  const means = new Float64Array(globals.m);
  for (let c = 0; c < k; c++)
    for (let i = 0; i < d; i++)
      means[c * d + i] = (means[c * d + i] as number) + (problem.shift[i] as number);
  const covariances = Float64Array.from(
    globals.wInverse,
    (v, idx) => v / (globals.nu[Math.floor(idx / (d * d))] as number),
  );
  const labels = tf.tidy(() => Array.from(tf.argMax(responsibilities, 1).dataSync()));
  return {
    weights: Array.from(globals.alpha, (a) => a / total),
    means: toNested(means, k, d, false) as number[][],
    covariances: toNested(covariances, k, d, true) as number[][][],
    labels,
    responsibilities: tf.clone(responsibilities),
    concentration: Array.from(globals.alpha),
    meanPrecision: Array.from(globals.beta),
    degreesOfFreedom: Array.from(globals.nu),
    scaleInverse: toNested(globals.wInverse, k, d, true) as number[][][],
  };
}

/** Hard labels from k-means++ (and Lloyd) or the user's labels. Internal. */
export function initialLabels(
  problem: MixtureProblem,
  record: Record<string, unknown>,
  fn: string,
  lloyd: number,
): ArrayLike<number> {
  const { k } = problem.prior;
  const n = problem.x.shape[0];
  const given = record['initLabels'];
  if (given !== undefined) {
    if (!Array.isArray(given) || given.length !== n) {
      throw new ShapeError(
        `${fn}: option 'initLabels' is ${Array.isArray(given) ? `an array of length ${given.length}` : `a ${typeof given}`}, expected N = ${n} labels`,
      );
    }
    given.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= k) {
        throw new DomainError(
          `${fn}: option 'initLabels'[${i}] is ${String(v)}, expected an integer in [0, ${k - 1}]`,
        );
      }
    });
    return given as number[];
  }
  const s = toSeed((record['seed'] as Seed | number | undefined) ?? 0, 'seed', fn);
  return lloydLabels(problem.x, kmeansPlusPlus(problem.x, k, s), lloyd);
}

class GaussianMixtureModel implements CaviModel<GaussianMixturePosterior> {
  readonly name = 'gaussianMixtureCavi';
  private stats: MixtureStats;
  private globals: MixtureGlobals;
  private ex: MixtureExpectations;

  constructor(
    private readonly problem: MixtureProblem,
    private r: tf.Tensor2D,
  ) {
    this.stats = responsibilityStats(problem.x, r);
    this.globals = conjugateUpdate(this.stats, problem.prior);
    this.ex = mixtureExpectations(this.globals, problem.prior, this.name);
  }

  /** E-step (10.46–10.49) with the current globals, then M-step (10.51–10.63). */
  sweep(): void {
    const next = tf.tidy(
      () => tf.softmax(logRho(this.problem.x, this.globals, this.problem.prior, this.ex)) as tf.Tensor2D,
    );
    this.r.dispose();
    this.r = next;
    this.stats = responsibilityStats(this.problem.x, this.r);
    this.globals = conjugateUpdate(this.stats, this.problem.prior);
    this.ex = mixtureExpectations(this.globals, this.problem.prior, this.name);
  }

  elbo(): number {
    return mixtureBound(this.stats, this.globals, this.problem.prior, this.ex);
  }

  posterior(): GaussianMixturePosterior {
    return mixturePosterior(this.globals, this.problem, this.r);
  }

  dispose(): void {
    this.r.dispose();
    this.problem.x.dispose();
  }
}

/**
 * CAVI for the variational Gaussian mixture of Bishop, PRML §10.2: full covariances,
 * π ~ Dir(α₀·1), (μₖ, Λₖ) ~ N(m₀, (β₀Λₖ)⁻¹) W(W₀, ν₀), zₙ ~ Cat(π), xₙ | zₙ = k ~ N(μₖ, Λₖ⁻¹), with
 * q = q(Z) q(π) ∏ₖ q(μₖ, Λₖ). The start is k-means++ (from `seed`) plus Lloyd iterations, or
 * `initLabels`; one-hot responsibilities give the first global update. Each sweep is
 *
 *   E-step  ln ρₙₖ = E[ln πₖ] + ½E[ln|Λₖ|] − (D/2) ln 2π − ½E[(xₙ − μₖ)ᵀΛₖ(xₙ − μₖ)],  rₙₖ = ρₙₖ/Σⱼρₙⱼ  (10.46–10.49, 10.64–10.66)
 *   M-step  αₖ = α₀ + Nₖ, βₖ = β₀ + Nₖ, mₖ = (β₀m₀ + Nₖx̄ₖ)/βₖ, νₖ = ν₀ + Nₖ,
 *           Wₖ⁻¹ = W₀⁻¹ + NₖSₖ + β₀Nₖ/(β₀ + Nₖ)(x̄ₖ − m₀)(x̄ₖ − m₀)ᵀ                           (10.51–10.63)
 *
 * and the ELBO is the bound 10.70–10.77 with every constant kept (unlike scikit-learn's, which drops
 * them). Defaults of the prior are scikit-learn's (see {@link GaussianMixturePriorOptions}). The N×K
 * algebra runs in float32 tensors; the K Dirichlet/Gauss-Wishart factors are updated in float64.
 *
 * @param data - observations, [N, D], finite.
 * @param options - {@link GaussianMixtureOptions}: `components` (required), prior options, `seed`,
 *   `kmeansIterations`, `initLabels`, and {@link CaviOptions}.
 * @returns a {@link CoordinateAscent} run; its posterior is a {@link GaussianMixturePosterior} whose
 *   `responsibilities` tensor the caller owns.
 * @throws {ShapeError} data not [N, D] or empty, prior options of the wrong size. `DomainError`
 *   non-finite data, K outside [1, N], a prior out of its domain, a singular covariance prior.
 *   `ArgumentError` unknown options.
 * @example
 * const { posterior, converged } = gaussianMixtureCavi(points, { components: 6, weightConcentration: 0.01, seed: 0 }).fit();
 * posterior.weights;             // components the data do not need get weights ≈ 0
 * posterior.responsibilities.dispose();
 */
export function gaussianMixtureCavi(
  data: TensorInput,
  options: GaussianMixtureOptions,
): CoordinateAscent<GaussianMixturePosterior> {
  const fn = 'gaussianMixtureCavi';
  const record = checkOptionKeys(options, KEYS, fn);
  const lloyd = readNumber(record, 'kmeansIterations', 'nonNegative', fn, 10);
  const caviOptions: Record<string, unknown> = {};
  for (const key of CAVI_OPTION_KEYS) if (record[key] !== undefined) caviOptions[key] = record[key];
  const problem = mixtureProblem(data, record, fn);
  try {
    const labels = initialLabels(problem, record, fn, Math.floor(lloyd));
    const r = oneHotResponsibilities(labels, problem.prior.k);
    return new CoordinateAscent(new GaussianMixtureModel(problem, r), caviOptions as CaviOptions);
  } catch (e) {
    problem.x.dispose();
    throw e;
  }
}
