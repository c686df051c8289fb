import * as tf from '@tensorflow/tfjs-core';
import { DomainError } from '@elbo/core';
import { lgammaAndDigamma } from './special-values.js';

/**
 * The conjugate algebra of the variational Gaussian mixture of PRML §10.2, shared by CAVI
 * (`gaussianMixtureCavi`) and natural-gradient SVI (`gaussianMixtureSvi`). Internal.
 *
 * The O(N·K·D²) work (responsibilities, weighted moments) runs in float32 tensors on the active backend;
 * the O(K·D³) bookkeeping of the K Dirichlet/Gauss-Wishart factors (updates, D×D Cholesky factors, the
 * bound) runs in float64 JavaScript on numbers read back once per sweep. Matrices are row-major
 * Float64Arrays, D×D per component.
 */

const LOG_2PI = Math.log(2 * Math.PI);

/** p(π) = Dir(α₀·1), p(μₖ, Λₖ) = N(μₖ | m₀, (β₀Λₖ)⁻¹) W(Λₖ | W₀, ν₀). */
export interface MixturePrior {
  readonly k: number;
  readonly d: number;
  readonly alpha0: number;
  readonly beta0: number;
  readonly m0: Float64Array;
  /** W₀⁻¹, D×D. */
  readonly wInverse0: Float64Array;
  readonly nu0: number;
}

/** q(π) = Dir(α), q(μₖ, Λₖ) = N(μₖ | mₖ, (βₖΛₖ)⁻¹) W(Λₖ | Wₖ, νₖ). */
export interface MixtureGlobals {
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** K×D. */
  readonly m: Float64Array;
  /** Wₖ⁻¹, K×D×D. */
  readonly wInverse: Float64Array;
  readonly nu: Float64Array;
}

/** Responsibility-weighted statistics: Nₖ, x̄ₖ (K×D), NₖSₖ = Σₙ rₙₖ (xₙ − x̄ₖ)(xₙ − x̄ₖ)ᵀ, Σ r log r. */
export interface MixtureStats {
  readonly n: Float64Array;
  readonly mean: Float64Array;
  readonly scatter: Float64Array;
  readonly rLogR: number;
}

/** Expectations under q that the E-step and the bound need, per component. */
export interface MixtureExpectations {
  /** ln π̃ₖ = ψ(αₖ) − ψ(Σα). */
  readonly logPi: Float64Array;
  /** ln Λ̃ₖ = Σᵢ ψ((νₖ + 1 − i)/2) + D ln 2 + ln|Wₖ|. */
  readonly logLambda: Float64Array;
  /** Lower Cholesky factor Lₖ of Wₖ⁻¹ and its inverse, K×D×D. */
  readonly factor: Float64Array;
  readonly factorInverse: Float64Array;
  /** ln|Wₖ⁻¹|. */
  readonly logDetWInverse: Float64Array;
  /** ln B(W, ν) (PRML B.79) of the prior and of each factor. */
  readonly logB0: number;
  readonly logB: Float64Array;
  /** ln C(α₀·1) and ln C(α) (PRML B.23). */
  readonly logC0: number;
  readonly logC: number;
}

/** Lower Cholesky factor of a D×D symmetric positive-definite matrix, or null if it is not one. */
export function choleskyLower(a: Float64Array, d: number, offset = 0): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[offset + j * d + j] as number;
    for (let p = 0; p < j; p++) s -= (l[j * d + p] as number) ** 2;
    if (!(s > 0)) return null;
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[offset + i * d + j] as number;
      for (let p = 0; p < j; p++) t -= (l[i * d + p] as number) * (l[j * d + p] as number);
      l[i * d + j] = t / ljj;
    }
  }
  return l;
}

/** Inverse of a lower-triangular D×D matrix (forward substitution on the identity). */
function lowerInverse(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let p = c; p < i; p++) s -= (l[i * d + p] as number) * (inv[p * d + c] as number);
      inv[i * d + c] = s / (l[i * d + i] as number);
    }
  }
  return inv;
}

/** vᵀ W v with W = (L Lᵀ)⁻¹ given L⁻¹: ‖L⁻¹ v‖². */
function quadratic(lInv: Float64Array, off: number, v: ArrayLike<number>, d: number): number {
  let total = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let p = 0; p <= i; p++) s += (lInv[off + i * d + p] as number) * (v[p] as number);
    total += s * s;
  }
  return total;
}

/** tr(W M) with W = (L Lᵀ)⁻¹ = L⁻ᵀL⁻¹ given L⁻¹; M symmetric. */
function traceProduct(lInv: Float64Array, off: number, mat: Float64Array, moff: number, d: number): number {
  let total = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let w = 0;
      for (let p = Math.max(i, j); p < d; p++)
        w += (lInv[off + p * d + i] as number) * (lInv[off + p * d + j] as number);
      total += w * (mat[moff + i * d + j] as number);
    }
  }
  return total;
}

/**
 * Reads Nₖ, x̄ₖ, NₖSₖ and Σ r log r from data `x` [N, D] and responsibilities `r` [N, K] in one
 * download. An empty component (Nₖ ≈ 0) gets x̄ₖ = 0 and NₖSₖ = 0.
 */
export function responsibilityStats(x: tf.Tensor2D, r: tf.Tensor2D): MixtureStats {
  const d = x.shape[1];
  const k = r.shape[1];
  const values = tf.tidy(() => {
    const nk = tf.sum(r, 0);
    const sums = tf.matMul(r, x, true, false);
    const mean = tf.div(sums, tf.expandDims(tf.maximum(nk, 1e-30), 1));
    const diff = tf.sub(tf.expandDims(x, 0), tf.expandDims(mean, 1)) as tf.Tensor3D;
    const weighted = tf.mul(diff, tf.expandDims(tf.transpose(r), 2)) as tf.Tensor3D;
    const scatter = tf.matMul(weighted, diff, true, false);
    const rLogR = tf.sum(tf.mul(r, tf.log(tf.maximum(r, 1e-30))));
    return tf
      .concat([nk, tf.reshape(mean, [-1]), tf.reshape(scatter, [-1]), tf.reshape(rLogR, [1])])
      .dataSync();
  });
  const all = Float64Array.from(values);
  return {
    n: all.slice(0, k),
    mean: all.slice(k, k + k * d),
    scatter: all.slice(k + k * d, k + k * d + k * d * d),
    rLogR: all[k + k * d + k * d * d] as number,
  };
}

/**
 * The conjugate update of the global factors from statistics (PRML 10.58–10.63), each count scaled by
 * `scale` (N/|B| for a minibatch):
 * αₖ = α₀ + Nₖ, βₖ = β₀ + Nₖ, νₖ = ν₀ + Nₖ, mₖ = (β₀m₀ + Nₖx̄ₖ)/βₖ,
 * Wₖ⁻¹ = W₀⁻¹ + NₖSₖ + β₀Nₖ/(β₀ + Nₖ) (x̄ₖ − m₀)(x̄ₖ − m₀)ᵀ.
 */
export function conjugateUpdate(stats: MixtureStats, prior: MixturePrior, scale = 1): MixtureGlobals {
  const { k, d, alpha0, beta0, m0, wInverse0, nu0 } = prior;
  const alpha = new Float64Array(k);
  const beta = new Float64Array(k);
  const nu = new Float64Array(k);
  const m = new Float64Array(k * d);
  const wInverse = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const nk = scale * (stats.n[c] as number);
    alpha[c] = alpha0 + nk;
    beta[c] = beta0 + nk;
    nu[c] = nu0 + nk;
    const shrink = (beta0 * nk) / (beta0 + nk);
    for (let i = 0; i < d; i++) {
      const xi = stats.mean[c * d + i] as number;
      m[c * d + i] = (beta0 * (m0[i] as number) + nk * xi) / (beta[c] as number);
      for (let j = 0; j < d; j++) {
        const ei = xi - (m0[i] as number);
        const ej = (stats.mean[c * d + j] as number) - (m0[j] as number);
        wInverse[c * d * d + i * d + j] =
          (wInverse0[i * d + j] as number) +
          scale * (stats.scatter[c * d * d + i * d + j] as number) +
          shrink * ei * ej;
      }
    }
  }
  return { alpha, beta, m, wInverse, nu };
}

/** ln Γ_D(ν/2) summands index: (ν + 1 − i)/2, i = 1..D. */
function halfArguments(nu: number, d: number): number[] {
  return Array.from({ length: d }, (_, i) => (nu - i) / 2);
}

/** The expectations of {@link MixtureExpectations}, with one read-back of ln Γ and ψ values. */
export function mixtureExpectations(
  globals: MixtureGlobals,
  prior: MixturePrior,
  fn: string,
): MixtureExpectations {
  const { k, d, alpha0, nu0 } = prior;
  let alphaSum = 0;
  for (const a of globals.alpha) alphaSum += a;
  const args = [...globals.alpha, alphaSum, k * alpha0, alpha0, ...halfArguments(nu0, d)];
  for (const nu of globals.nu) args.push(...halfArguments(nu, d));
  const { lgamma, digamma } = lgammaAndDigamma(args);
  const at = (a: number[], i: number) => a[i] as number;
  const base = k + 3 + d;
  const logPi = new Float64Array(k);
  const logLambda = new Float64Array(k);
  const logB = new Float64Array(k);
  const logDetWInverse = new Float64Array(k);
  const factor = new Float64Array(k * d * d);
  const factorInverse = new Float64Array(k * d * d);
  const mvConstant = ((d * (d - 1)) / 4) * Math.log(Math.PI);
  const logBOf = (logDetInv: number, nu: number, offset: number) => {
    let mv = mvConstant;
    for (let i = 0; i < d; i++) mv += at(lgamma, offset + i);
    return 0.5 * nu * logDetInv - 0.5 * nu * d * Math.LN2 - mv;
  };
  const l0 = choleskyLower(prior.wInverse0, d);
  if (l0 === null) throw new DomainError(`${fn}: the covariance prior W₀⁻¹ is not positive definite`);
  let logDet0 = 0;
  for (let i = 0; i < d; i++) logDet0 += 2 * Math.log(l0[i * d + i] as number);
  const logB0 = logBOf(logDet0, nu0, k + 3);
  let logC = at(lgamma, k);
  for (let c = 0; c < k; c++) {
    logC -= at(lgamma, c);
    logPi[c] = at(digamma, c) - at(digamma, k);
    const l = choleskyLower(globals.wInverse, d, c * d * d);
    if (l === null) {
      throw new DomainError(
        `${fn}: the Wishart scale inverse of component ${c} is not positive definite (ν = ${globals.nu[c]}); the data or the prior are degenerate`,
      );
    }
    factor.set(l, c * d * d);
    factorInverse.set(lowerInverse(l, d), c * d * d);
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(l[i * d + i] as number);
    logDetWInverse[c] = logDet;
    let psi = 0;
    for (let i = 0; i < d; i++) psi += at(digamma, base + c * d + i);
    logLambda[c] = psi + d * Math.LN2 - logDet;
    logB[c] = logBOf(logDet, globals.nu[c] as number, base + c * d);
  }
  const logC0 = at(lgamma, k + 1) - k * at(lgamma, k + 2);
  return { logPi, logLambda, factor, factorInverse, logDetWInverse, logB0, logB, logC0, logC };
}

/**
 * The terms of the bound that do not involve the data (PRML 10.73, 10.74, 10.76, 10.77 less 10.72's
 * share): E[ln p(π)] − E[ln q(π)] + Σₖ E[ln p(μₖ, Λₖ)] − E[ln q(μₖ, Λₖ)].
 */
export function globalBoundTerms(
  globals: MixtureGlobals,
  prior: MixturePrior,
  ex: MixtureExpectations,
): number {
  const { k, d, alpha0, beta0, m0, nu0 } = prior;
  let value = ex.logC0 - ex.logC;
  const diff = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    value += (alpha0 - (globals.alpha[c] as number)) * (ex.logPi[c] as number);
    const beta = globals.beta[c] as number;
    const nu = globals.nu[c] as number;
    for (let i = 0; i < d; i++) diff[i] = (globals.m[c * d + i] as number) - (m0[i] as number);
    const off = c * d * d;
    value +=
      0.5 * d * Math.log(beta0 / beta) -
      (0.5 * d * beta0) / beta +
      0.5 * d -
      0.5 * beta0 * nu * quadratic(ex.factorInverse, off, diff, d) +
      ex.logB0 -
      (ex.logB[c] as number) +
      0.5 * (nu0 - nu) * (ex.logLambda[c] as number) -
      0.5 * nu * traceProduct(ex.factorInverse, off, prior.wInverse0, 0, d) +
      0.5 * nu * d;
  }
  return value;
}

/**
 * The full bound (PRML 10.70–10.77, every constant kept) at responsibilities summarised by `stats` and
 * globals `globals`: Σₖ [Nₖ(ln π̃ₖ + ½ ln Λ̃ₖ − (D/2) ln 2π − D/(2βₖ)) − (νₖ/2) tr(Wₖ(NₖSₖ + Nₖ(x̄ₖ − mₖ)(x̄ₖ − mₖ)ᵀ))]
 * − Σ r ln r + {@link globalBoundTerms}.
 */
export function mixtureBound(
  stats: MixtureStats,
  globals: MixtureGlobals,
  prior: MixturePrior,
  ex: MixtureExpectations,
): number {
  const { k, d } = prior;
  let value = -stats.rLogR;
  const spread = new Float64Array(d * d);
  for (let c = 0; c < k; c++) {
    const nk = stats.n[c] as number;
    const beta = globals.beta[c] as number;
    const nu = globals.nu[c] as number;
    for (let i = 0; i < d; i++) {
      const ei = (stats.mean[c * d + i] as number) - (globals.m[c * d + i] as number);
      for (let j = 0; j < d; j++) {
        const ej = (stats.mean[c * d + j] as number) - (globals.m[c * d + j] as number);
        spread[i * d + j] = (stats.scatter[c * d * d + i * d + j] as number) + nk * ei * ej;
      }
    }
    value +=
      nk *
        ((ex.logPi[c] as number) + 0.5 * (ex.logLambda[c] as number) - 0.5 * d * LOG_2PI - (0.5 * d) / beta) -
      0.5 * nu * traceProduct(ex.factorInverse, c * d * d, spread, 0, d);
  }
  return value + globalBoundTerms(globals, prior, ex);
}

/**
 * ln ρₙₖ = ln π̃ₖ + ½ ln Λ̃ₖ − (D/2) ln 2π − ½(D/βₖ + νₖ (xₙ − mₖ)ᵀWₖ(xₙ − mₖ))  (PRML 10.46, 10.64–10.66),
 * [N, K], a tensor the caller owns; rₙₖ = softmax over k.
 */
export function logRho(
  x: tf.Tensor2D,
  globals: MixtureGlobals,
  prior: MixturePrior,
  ex: MixtureExpectations,
): tf.Tensor2D {
  const { k, d } = prior;
  const constant = new Float32Array(k);
  // Aₖ = √νₖ L⁻ᵀ, so that (x − m)ᵀAₖ = √νₖ (L⁻¹(x − m))ᵀ and its squared norm is νₖ (x − m)ᵀWₖ(x − m).
  const a = new Float32Array(k * d * d);
  for (let c = 0; c < k; c++) {
    constant[c] =
      (ex.logPi[c] as number) +
      0.5 * (ex.logLambda[c] as number) -
      0.5 * d * LOG_2PI -
      (0.5 * d) / (globals.beta[c] as number);
    const root = Math.sqrt(globals.nu[c] as number);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++)
        a[c * d * d + i * d + j] = root * (ex.factorInverse[c * d * d + j * d + i] as number);
    }
  }
  return tf.tidy(() => {
    const means = tf.tensor3d(Float32Array.from(globals.m), [k, 1, d]);
    const diff = tf.sub(tf.expandDims(x, 0), means) as tf.Tensor3D;
    const projected = tf.matMul(diff, tf.tensor3d(a, [k, d, d]));
    const q = tf.sum(tf.square(projected), 2);
    return tf.transpose(tf.sub(tf.tensor2d(constant, [k, 1]), tf.mul(0.5, q))) as tf.Tensor2D;
  });
}

/** Nested arrays of a K×D or K×D×D Float64Array. */
export function toNested(
  values: Float64Array,
  k: number,
  d: number,
  matrix: boolean,
): number[][] | number[][][] {
  if (!matrix) return Array.from({ length: k }, (_, c) => Array.from(values.subarray(c * d, c * d + d)));
  return Array.from({ length: k }, (_, c) =>
    Array.from({ length: d }, (_, i) =>
      Array.from(values.subarray(c * d * d + i * d, c * d * d + i * d + d)),
    ),
  );
}
