import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  DomainError,
  foldIn,
  logSumExp,
  random,
  splitSeed,
  toSeed,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import { checkOptionKeys, readNumber } from '../cavi/arguments.js';
import {
  MIXTURE_PRIOR_KEYS,
  mixturePosterior,
  mixtureProblem,
  type GaussianMixturePosterior,
  type GaussianMixturePriorOptions,
  type MixtureProblem,
} from '../cavi/gaussian-mixture.js';
import { kmeansPlusPlus } from '../cavi/kmeans.js';
import {
  conjugateUpdate,
  globalBoundTerms,
  logRho,
  mixtureExpectations,
  responsibilityStats,
  type MixtureGlobals,
} from '../cavi/mixture-math.js';

/** Options of {@link gaussianMixtureSvi}. */
export interface GaussianMixtureSviOptions extends GaussianMixturePriorOptions {
  /** K, the number of components (1 ≤ K ≤ N). */
  readonly components: number;
  /** Seed of the k-means++ start and of the batch order (default 0). */
  readonly seed?: Seed | number;
  /** |B|, the minibatch size (1 ≤ |B| ≤ N; default min(N, 100)). */
  readonly batchSize?: number;
  /** κ of the step size ρ_t = (t + τ)^−κ, in (0.5, 1] (Robbins–Monro; default 0.7). */
  readonly forgettingRate?: number;
  /** τ ≥ 0 of the step size, which down-weights early steps (default 1). */
  readonly delay?: number;
}

const KEYS = [...MIXTURE_PRIOR_KEYS, 'components', 'seed', 'batchSize', 'forgettingRate', 'delay'];

/**
 * Natural-gradient stochastic variational inference (Hoffman, Blei, Wang & Paisley 2013, Algorithm 1)
 * for the variational Gaussian mixture of PRML §10.2; see {@link gaussianMixtureSvi}.
 */
export class GaussianMixtureSvi {
  private globals: MixtureGlobals;
  private t = 0;
  private order: number[] = [];
  private cursor = 0;
  private epoch = 0;
  private disposed = false;

  /** @internal Use {@link gaussianMixtureSvi}. */
  constructor(
    private readonly problem: MixtureProblem,
    globals: MixtureGlobals,
    private readonly batchSize: number,
    private readonly kappa: number,
    private readonly tau: number,
    private readonly batchSeed: Seed,
  ) {
    this.globals = globals;
  }

  /** Steps taken so far. */
  get iteration(): number {
    return this.t;
  }

  private nextBatch(): number[] {
    const n = this.problem.x.shape[0];
    if (this.cursor >= this.order.length) {
      const u = tf.tidy(() => random.uniform([n], foldIn(this.batchSeed, this.epoch)).dataSync());
      this.order = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => (u[a] as number) - (u[b] as number) || a - b,
      );
      this.cursor = 0;
      this.epoch += 1;
    }
    const batch = this.order.slice(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    return batch;
  }

  private check(what: string): void {
    if (this.disposed) throw new ArgumentError(`gaussianMixtureSvi.${what}: the run was disposed`);
  }

  /**
   * One step: the local step on the next minibatch B (responsibilities r_b given the current globals),
   * the intermediate globals λ̂ = conjugate update from B's statistics scaled by N/|B|, and the natural-
   * gradient step λ ← (1 − ρ_t) λ + ρ_t λ̂ with ρ_t = (t + τ)^−κ on the natural parameters of q(π)
   * (α) and of each q(μₖ, Λₖ) (βₖ, βₖmₖ, Wₖ⁻¹ + βₖmₖmₖᵀ, νₖ). Returns ρ_t.
   */
  step(): number {
    this.check('step');
    const fn = 'gaussianMixtureSvi.step';
    const { prior, x } = this.problem;
    const batch = this.nextBatch();
    const ex = mixtureExpectations(this.globals, prior, fn);
    const xb = tf.tidy(() => tf.gather(x, tf.tensor1d(batch, 'int32')) as tf.Tensor2D);
    const r = tf.tidy(() => tf.softmax(logRho(xb, this.globals, prior, ex)) as tf.Tensor2D);
    const stats = responsibilityStats(xb, r);
    tf.dispose([xb, r]);
    const target = conjugateUpdate(stats, prior, x.shape[0] / batch.length);
    this.t += 1;
    const rho = (this.t + this.tau) ** -this.kappa;
    this.globals = blend(this.globals, target, rho, prior.k, prior.d);
    return rho;
  }

  /**
   * The full-data ELBO at the current globals with the optimal local factors, PRML 10.70–10.77 with every
   * constant kept: Σₙ ln Σₖ ρₙₖ + E[ln p(π) − ln q(π)] + Σₖ E[ln p(μₖ, Λₖ) − ln q(μₖ, Λₖ)]. One pass over
   * the data.
   */
  elbo(): number {
    this.check('elbo');
    const { prior, x } = this.problem;
    const ex = mixtureExpectations(this.globals, prior, 'gaussianMixtureSvi.elbo');
    const local = tf.tidy(
      () => tf.sum(logSumExp(logRho(x, this.globals, prior, ex), 1)).dataSync()[0] as number,
    );
    const value = local + globalBoundTerms(this.globals, prior, ex);
    if (!Number.isFinite(value)) {
      throw new DomainError(
        `gaussianMixtureSvi.elbo: the ELBO is ${value} at step ${this.t}; lower the step size (raise 'delay' or 'forgettingRate')`,
      );
    }
    return value;
  }

  /** The current fit, with full-data responsibilities (a tensor the caller owns). */
  posterior(): GaussianMixturePosterior {
    this.check('posterior');
    const { prior, x } = this.problem;
    const ex = mixtureExpectations(this.globals, prior, 'gaussianMixtureSvi.posterior');
    const r = tf.tidy(() => tf.softmax(logRho(x, this.globals, prior, ex)) as tf.Tensor2D);
    try {
      return mixturePosterior(this.globals, this.problem, r);
    } finally {
      r.dispose();
    }
  }

  /** Frees the data tensor; idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.problem.x.dispose();
  }
}

/** (1 − ρ)λ + ρλ̂ in natural coordinates, mapped back to (α, β, m, W⁻¹, ν). */
function blend(g: MixtureGlobals, h: MixtureGlobals, rho: number, k: number, d: number): MixtureGlobals {
  const alpha = new Float64Array(k);
  const beta = new Float64Array(k);
  const nu = new Float64Array(k);
  const m = new Float64Array(k * d);
  const wInverse = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    alpha[c] = (1 - rho) * (g.alpha[c] as number) + rho * (h.alpha[c] as number);
    nu[c] = (1 - rho) * (g.nu[c] as number) + rho * (h.nu[c] as number);
    const a = (1 - rho) * (g.beta[c] as number);
    const b = rho * (h.beta[c] as number);
    beta[c] = a + b;
    for (let i = 0; i < d; i++) {
      m[c * d + i] = (a * (g.m[c * d + i] as number) + b * (h.m[c * d + i] as number)) / (a + b);
    }
    // C = W⁻¹ + βmmᵀ blends linearly; C_new − β_new m_new m_newᵀ = (1−ρ)W⁻¹ + ρŴ⁻¹ + ab/(a+b) δδᵀ, δ = m − m̂.
    const pooled = (a * b) / (a + b);
    for (let i = 0; i < d; i++) {
      const di = (g.m[c * d + i] as number) - (h.m[c * d + i] as number);
      for (let j = 0; j < d; j++) {
        const dj = (g.m[c * d + j] as number) - (h.m[c * d + j] as number);
        const idx = c * d * d + i * d + j;
        wInverse[idx] =
          (1 - rho) * (g.wInverse[idx] as number) + rho * (h.wInverse[idx] as number) + pooled * di * dj;
      }
    }
  }
  return { alpha, beta, m, wInverse, nu };
}

/**
 * Natural-gradient stochastic variational inference (SVI; Hoffman, Blei, Wang & Paisley 2013,
 * "Stochastic Variational Inference", Algorithm 1) for the variational Gaussian mixture of PRML §10.2
 * (the model and prior of `gaussianMixtureCavi`, with scikit-learn's default prior). Step t draws the
 * next minibatch B (a fresh permutation of the data each epoch, from `seed`), computes its local
 * responsibilities r_b given the global factors, forms the intermediate global parameters λ̂ as if the
 * data were N/|B| copies of B,
 *
 *   α̂ₖ = α₀ + (N/|B|) Σ_b r_bk,  β̂ₖ = β₀ + N̂ₖ,  ν̂ₖ = ν₀ + N̂ₖ,  β̂ₖm̂ₖ = β₀m₀ + (N/|B|) Σ_b r_bk x_b,
 *   Ŵₖ⁻¹ + β̂ₖm̂ₖm̂ₖᵀ = W₀⁻¹ + β₀m₀m₀ᵀ + (N/|B|) Σ_b r_bk x_b x_bᵀ,
 *
 * and moves the natural parameters λ ← (1 − ρ_t)λ + ρ_t λ̂, ρ_t = (t + τ)^−κ, κ ∈ (0.5, 1]: the natural
 * gradient of the ELBO is λ̂ − λ. The start is the prior with the means moved to k-means++ seeds:
 * mₖ = a seed row, βₖ = β₀, νₖ = ν₀, Wₖ⁻¹ = W₀⁻¹, αₖ = α₀ + N/K (every other statistic is learnt).
 *
 * @param data - observations [N, D], finite.
 * @param options - {@link GaussianMixtureSviOptions}.
 * @returns a {@link GaussianMixtureSvi}: `step()` (returns ρ_t), `elbo()` (full data), `posterior()`,
 *   `dispose()`.
 * @throws {ShapeError}, `DomainError`, `ArgumentError` as `gaussianMixtureCavi`, and for
 *   `batchSize` outside [1, N], κ outside (0.5, 1], τ < 0.
 * @example
 * const svi = gaussianMixtureSvi(points, { components: 3, batchSize: 50, seed: 1 });
 * for (let t = 0; t < 200; t++) svi.step();
 * const fit = svi.posterior(); fit.responsibilities.dispose();
 * console.log(svi.elbo());
 * svi.dispose();
 */
export function gaussianMixtureSvi(
  data: TensorInput,
  options: GaussianMixtureSviOptions,
): GaussianMixtureSvi {
  const fn = 'gaussianMixtureSvi';
  const record = checkOptionKeys(options, KEYS, fn);
  const kappa = readNumber(record, 'forgettingRate', 'finite', fn, 0.7);
  if (!(kappa > 0.5 && kappa <= 1)) {
    throw new DomainError(
      `${fn}: option 'forgettingRate' is ${kappa}, expected κ in (0.5, 1] so that Σρ_t = ∞ and Σρ_t² < ∞`,
    );
  }
  const tau = readNumber(record, 'delay', 'nonNegative', fn, 1);
  const s = toSeed((record['seed'] as Seed | number | undefined) ?? 0, 'seed', fn);
  const problem = mixtureProblem(data, record, fn);
  try {
    const n = problem.x.shape[0];
    const batchSize = readNumber(record, 'batchSize', 'positiveInteger', fn, Math.min(n, 100));
    if (batchSize > n)
      throw new DomainError(`${fn}: option 'batchSize' is ${batchSize}, expected at most N = ${n}`);
    const [sInit, sBatch] = splitSeed(s, 2) as [Seed, Seed];
    const { k, d, alpha0, beta0, wInverse0, nu0 } = problem.prior;
    const seeds = kmeansPlusPlus(problem.x, k, sInit);
    const rows = tf.tidy(() => tf.gather(problem.x, tf.tensor1d(seeds, 'int32')).dataSync());
    const start: MixtureGlobals = {
      alpha: new Float64Array(k).fill(alpha0 + n / k),
      beta: new Float64Array(k).fill(beta0),
      m: Float64Array.from(rows),
      wInverse: Float64Array.from({ length: k * d * d }, (_, i) => wInverse0[i % (d * d)] as number),
      nu: new Float64Array(k).fill(nu0),
    };
    return new GaussianMixtureSvi(problem, start, batchSize, kappa, tau, sBatch);
  } catch (e) {
    problem.x.dispose();
    throw e;
  }
}
