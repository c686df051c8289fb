import * as tf from '@tensorflow/tfjs-core';
import type { TensorInput } from '@elbo/core';
import { checkOptionKeys, readNumber, toDataTensor } from './arguments.js';
import { CAVI_OPTION_KEYS, CoordinateAscent, type CaviModel, type CaviOptions } from './coordinate-ascent.js';
import { lgammaAndDigamma } from './special-values.js';

/** The Normal-Gamma prior of PRML §10.1.3: μ | τ ~ N(mu0, 1/(lambda0·τ)), τ ~ Gamma(a0, rate b0). */
export interface NormalGammaPrior {
  /** Prior mean of μ (finite). */
  readonly mu0: number;
  /** Prior precision scale of μ, in units of τ (> 0). */
  readonly lambda0: number;
  /** Gamma shape of τ (> 0). */
  readonly a0: number;
  /** Gamma rate of τ (> 0). */
  readonly b0: number;
}

/** The factorised posterior q(μ) q(τ) = N(μ | muN, 1/lambdaN) · Gamma(τ | aN, rate bN). */
export interface NormalGammaPosterior {
  readonly muN: number;
  readonly lambdaN: number;
  readonly aN: number;
  readonly bN: number;
}

const PRIOR_KEYS = ['mu0', 'lambda0', 'a0', 'b0'];
const LOG_2PI = Math.log(2 * Math.PI);

interface Summary {
  n: number;
  mean: number;
  /** Σ (xₙ − x̄)². */
  scatter: number;
}

function readPrior(prior: unknown, fn: string): NormalGammaPrior {
  const record = checkOptionKeys(prior, PRIOR_KEYS, fn, 'prior');
  return {
    mu0: readNumber(record, 'mu0', 'finite', fn, undefined, 'prior'),
    lambda0: readNumber(record, 'lambda0', 'positive', fn, undefined, 'prior'),
    a0: readNumber(record, 'a0', 'positive', fn, undefined, 'prior'),
    b0: readNumber(record, 'b0', 'positive', fn, undefined, 'prior'),
  };
}

function summarise(data: TensorInput, fn: string): Summary {
  return tf.tidy(() => {
    const x = toDataTensor(data, 1, fn);
    const mean = tf.mean(x);
    const scatter = tf.sum(tf.square(tf.sub(x, mean)));
    const [m, s] = tf.stack([mean, scatter]).dataSync() as unknown as [number, number];
    return { n: x.shape[0] as number, mean: m, scatter: s };
  });
}

/**
 * The CAVI model of PRML §10.1.3. Sufficient statistics are reduced once with tensors; the updates
 * themselves are scalar and run in float64.
 */
class NormalGammaModel implements CaviModel<NormalGammaPosterior> {
  readonly name = 'normalGammaCavi';
  private expectedTau: number;
  private readonly aN: number;
  private muN = Number.NaN;
  private lambdaN = Number.NaN;
  private bN = Number.NaN;
  private readonly lgammaA0: number;
  private readonly lgammaAN: number;
  private readonly digammaAN: number;

  constructor(
    private readonly s: Summary,
    private readonly prior: NormalGammaPrior,
  ) {
    this.expectedTau = prior.a0 / prior.b0;
    this.aN = prior.a0 + (s.n + 1) / 2;
    const special = lgammaAndDigamma([prior.a0, this.aN]);
    this.lgammaA0 = special.lgamma[0] as number;
    this.lgammaAN = special.lgamma[1] as number;
    this.digammaAN = special.digamma[1] as number;
  }

  /** E_q[Σ (xₙ − μ)²] = Σ (xₙ − x̄)² + N (x̄ − muN)² + N / lambdaN. */
  private expectedDataSquares(): number {
    const { n, mean, scatter } = this.s;
    return scatter + n * (mean - this.muN) ** 2 + n / this.lambdaN;
  }

  /** E_q[(μ − mu0)²] = (muN − mu0)² + 1 / lambdaN. */
  private expectedPriorSquare(): number {
    return (this.muN - this.prior.mu0) ** 2 + 1 / this.lambdaN;
  }

  sweep(): void {
    const { n, mean } = this.s;
    const { mu0, lambda0, b0 } = this.prior;
    this.muN = (lambda0 * mu0 + n * mean) / (lambda0 + n);
    this.lambdaN = (lambda0 + n) * this.expectedTau;
    this.bN = b0 + 0.5 * (this.expectedDataSquares() + lambda0 * this.expectedPriorSquare());
    this.expectedTau = this.aN / this.bN;
  }

  elbo(): number {
    const { n } = this.s;
    const { lambda0, a0, b0 } = this.prior;
    const tau = this.aN / this.bN;
    const logTau = this.digammaAN - Math.log(this.bN);
    const likelihood = (n / 2) * (logTau - LOG_2PI) - (tau / 2) * this.expectedDataSquares();
    const priorMu =
      0.5 * (Math.log(lambda0) + logTau - LOG_2PI) - ((lambda0 * tau) / 2) * this.expectedPriorSquare();
    const priorTau = a0 * Math.log(b0) - this.lgammaA0 + (a0 - 1) * logTau - b0 * tau;
    const entropyMu = 0.5 * (1 + LOG_2PI - Math.log(this.lambdaN));
    const entropyTau = this.aN - Math.log(this.bN) + this.lgammaAN + (1 - this.aN) * this.digammaAN;
    return likelihood + priorMu + priorTau + entropyMu + entropyTau;
  }

  posterior(): NormalGammaPosterior {
    return { muN: this.muN, lambdaN: this.lambdaN, aN: this.aN, bN: this.bN };
  }

  dispose(): void {}
}

/**
 * CAVI for the Normal-Gamma model of Bishop, PRML §10.1.3: xₙ ~ N(μ, 1/τ), μ | τ ~ N(μ₀, 1/(λ₀τ)),
 * τ ~ Gamma(a₀, rate b₀), with q(μ, τ) = q(μ) q(τ). Starting from E[τ] = a₀/b₀, each sweep updates
 *
 *   q(μ) = N(μ_N, 1/λ_N):   μ_N = (λ₀μ₀ + N x̄)/(λ₀ + N),   λ_N = (λ₀ + N) E[τ]          (10.26–10.27)
 *   q(τ) = Gamma(a_N, b_N):  a_N = a₀ + (N + 1)/2,
 *                            b_N = b₀ + ½ E_μ[Σ (xₙ − μ)² + λ₀(μ − μ₀)²]                 (10.29–10.30)
 *
 * and the ELBO is E[log p(x | μ, τ)] + E[log p(μ | τ)] + E[log p(τ)] + H[q(μ)] + H[q(τ)] with every
 * constant kept, so it stays below {@link normalGammaLogEvidence}.
 *
 * @param data - the observations, [N] (N ≥ 1, finite).
 * @param prior - `{ mu0, lambda0, a0, b0 }`.
 * @param options - {@link CaviOptions}.
 * @returns a {@link CoordinateAscent} run: `step()` returns the ELBO, `fit()` the posterior
 *   `{ muN, lambdaN, aN, bN }` (plain numbers).
 * @throws {ShapeError} `data` is not a non-empty vector. `DomainError` non-finite data or a prior
 *   out of its domain. `ArgumentError` an unknown key in `prior` or `options`.
 * @example
 * const { posterior, elbo } = normalGammaCavi([0.9, 1.4, 1.1, 0.7], { mu0: 0, lambda0: 1, a0: 2, b0: 1 }).fit();
 * posterior.muN; // (1·0 + 4·1.025)/(1 + 4) = 0.82
 */
export function normalGammaCavi(
  data: TensorInput,
  prior: NormalGammaPrior,
  options: CaviOptions = {},
): CoordinateAscent<NormalGammaPosterior> {
  const fn = 'normalGammaCavi';
  const p = readPrior(prior, fn);
  checkOptionKeys(options, CAVI_OPTION_KEYS, fn);
  return new CoordinateAscent(new NormalGammaModel(summarise(data, fn), p), options);
}

/**
 * The exact log evidence log p(x) of the Normal-Gamma model (the conjugate marginal likelihood), an
 * upper bound of every ELBO:
 *
 *   log p(x) = ln Γ(a) − ln Γ(a₀) + a₀ ln b₀ − a ln b + ½ ln(λ₀/λ) − (N/2) ln 2π,
 *   λ = λ₀ + N,  a = a₀ + N/2,  b = b₀ + ½ Σ (xₙ − x̄)² + λ₀ N (x̄ − μ₀)² / (2λ).
 *
 * @throws as {@link normalGammaCavi}.
 * @example normalGammaLogEvidence([0.9, 1.4, 1.1, 0.7], { mu0: 0, lambda0: 1, a0: 2, b0: 1 }) // ≈ −4.452
 */
export function normalGammaLogEvidence(data: TensorInput, prior: NormalGammaPrior): number {
  const fn = 'normalGammaLogEvidence';
  const p = readPrior(prior, fn);
  const { n, mean, scatter } = summarise(data, fn);
  const lambda = p.lambda0 + n;
  const a = p.a0 + n / 2;
  const b = p.b0 + 0.5 * scatter + (p.lambda0 * n * (mean - p.mu0) ** 2) / (2 * lambda);
  const [lgA, lgA0] = lgammaAndDigamma([a, p.a0]).lgamma as [number, number];
  return (
    lgA -
    lgA0 +
    p.a0 * Math.log(p.b0) -
    a * Math.log(b) +
    0.5 * Math.log(p.lambda0 / lambda) -
    (n / 2) * LOG_2PI
  );
}
