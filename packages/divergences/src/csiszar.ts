import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, expm1, log1p, log1pExp, maskOf, toFloatTensor, type TensorInput } from '@elbo/core';
import { checkBoolean, checkFiniteNumber } from './options.js';
import { expm1MinusX, exponentialSeries, seriesNearZero } from './stable.js';

/**
 * A Csiszár function f, written as a function of log u: it takes a tensor of log u and returns f(u)
 * elementwise. With u = q(x)/p(x) and x ~ p, the f-divergence is D_f(p, q) = E_p[f(q(X)/p(X))]
 * ({@link monteCarloDivergence}); f convex with f(1) = 0 makes D_f ≥ 0 with equality when p = q.
 * The caller owns the returned tensor.
 */
export type CsiszarFunction = (logu: tf.Tensor) => tf.Tensor;

/** Options of the Csiszár functions that have a self-normalised form. */
export interface CsiszarOptions {
  /**
   * Add the multiple of (u − 1) that makes f(1) = 0 and f′(1) = 0 (TFP's `self_normalized`). It does not
   * change D_f when q is a normalised density (E_p[u − 1] = 0) but lowers the variance of Monte Carlo
   * estimates near p = q, and keeps D_f ≥ 0 for unnormalised q. Default false, as in TFP.
   */
  readonly selfNormalized?: boolean;
}

function selfNormalized(options: CsiszarOptions | undefined, fn: string): boolean {
  const o = checkOptions(options, ['selfNormalized'], fn);
  return checkBoolean(o['selfNormalized'], 'options.selfNormalized', fn) ?? false;
}

/**
 * Evaluates `fn` where log u > −∞ and gives `atZero` (the limit of f(u) as u → 0⁺) where log u = −∞,
 * i.e. where q(x) = 0, keeping NaN out of both the value and the gradient.
 */
function withZero(t: tf.Tensor, atZero: number, fn: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const zero = maskOf([t], (x) => tf.equal(x, -Infinity));
  return tf.where(zero, tf.fill(t.shape, atZero), fn(tf.where(zero, tf.zerosLike(t), t)));
}

/**
 * The reverse Kullback-Leibler Csiszár function f(u) = −log u, or −log u + (u − 1) when self-normalised
 * (TFP's `kl_reverse`). With u = q(x)/p(x), x ~ p: E_p[f(U)] = E_p[log p(X) − log q(X)] = KL(p‖q), "reverse"
 * because p, the distribution sampled (a variational q in TFP's naming), comes first. −log u is exact;
 * u − 1 − log u is computed as eˡ − 1 − l (l = log u) by its Taylor series near 0, so it keeps float32
 * relative precision where the naive form cancels. f(0) = +∞.
 *
 * @param logu log u = log q(x) − log p(x), any shape.
 * @returns f(u), a new tensor of the same shape, owned by the caller.
 * @example klReverse([0, Math.log(2)]).print(); // [0, -0.6931]
 */
export function klReverse(logu: TensorInput, options?: CsiszarOptions): tf.Tensor {
  const normalised = selfNormalized(options, 'klReverse');
  return tf.tidy(() => {
    const t = toFloatTensor(logu, 'logu', 'klReverse');
    return normalised ? expm1MinusX(t) : tf.neg(t);
  });
}

// u log u − (u − 1) = Σₙ≥₂ (n − 1) tⁿ/n! with t = log u.
const KL_FORWARD_SERIES = exponentialSeries(14, (n) => n - 1);

/**
 * The forward Kullback-Leibler Csiszár function f(u) = u log u, or u log u − (u − 1) when self-normalised
 * (TFP's `kl_forward`). With u = q(x)/p(x), x ~ p: E_p[f(U)] = E_q[log q(X) − log p(X)] = KL(q‖p). Computed
 * as l·eˡ (l = log u); the self-normalised form by its Taylor series near l = 0. f(0) = 0 (1 when
 * self-normalised); it overflows to +∞ for log u beyond about 84.
 *
 * @param logu log u = log q(x) − log p(x), any shape.
 * @returns f(u), a new tensor of the same shape, owned by the caller.
 * @example klForward([0, Math.log(2)]).print(); // [0, 1.3863]
 */
export function klForward(logu: TensorInput, options?: CsiszarOptions): tf.Tensor {
  const normalised = selfNormalized(options, 'klForward');
  return tf.tidy(() => {
    const t = toFloatTensor(logu, 'logu', 'klForward');
    if (!normalised) return withZero(t, 0, (s) => tf.mul(s, tf.exp(s)));
    return withZero(t, 1, (s) =>
      seriesNearZero(s, 0.5, KL_FORWARD_SERIES, (x) => tf.sub(tf.mul(x, tf.exp(x)), expm1(x))),
    );
  });
}

/**
 * The Amari α Csiszár function (TFP's `amari_alpha`), returned as a {@link CsiszarFunction}:
 *
 *     f(u) = (u^α − 1) / (α(α − 1))                    α ∉ {0, 1}
 *     f(u) = −log u  (α = 0, KL(p‖q))    u log u  (α = 1, KL(q‖p))
 *
 * and, self-normalised, [(u^α − 1) − α(u − 1)] / (α(α − 1)), −log u + (u − 1), u log u − (u − 1). For
 * α ∉ {0, 1}, E_p[f(U)] = (∫p^{1−α}q^α − 1)/(α(α − 1)) (Amari's α-divergence up to the sign convention
 * of α). u^α − 1 is `expm1(α log u)`; the self-normalised form is a Taylor series near log u = 0, where
 * the two terms cancel. Not continuous in α at 1 without self-normalisation (the (u − 1) term matters).
 *
 * @param alpha any finite number.
 * @throws {ArgumentError} `amariAlpha: argument 'alpha' is NaN, expected a finite number`.
 * @example amariAlpha(0.5)(tf.tensor([Math.log(4)])).print(); // [-4]   ((√4 − 1)/(0.5·(−0.5)))
 */
export function amariAlpha(alpha: number, options?: CsiszarOptions): CsiszarFunction {
  const a = checkFiniteNumber(alpha, 'alpha', 'amariAlpha');
  const normalised = selfNormalized(options, 'amariAlpha');
  if (a === 0) return (logu) => klReverse(logu, { selfNormalized: normalised });
  if (a === 1) return (logu) => klForward(logu, { selfNormalized: normalised });
  const denominator = a * (a - 1);
  // [(eᵅᵗ − 1) − α(eᵗ − 1)]/(α(α − 1)) = Σₙ≥₂ (1 + α + … + αⁿ⁻²) tⁿ/n!.
  const series = exponentialSeries(14, (n) => {
    let s = 0;
    for (let k = 0; k <= n - 2; k++) s += a ** k;
    return s;
  });
  const radius = 0.5 / Math.max(1, Math.abs(a));
  return (logu) =>
    tf.tidy(() => {
      const t = toFloatTensor(logu, 'logu', 'amariAlpha');
      if (!normalised) return tf.div(expm1(tf.mul(t, a)), denominator);
      return seriesNearZero(t, radius, series, (x) =>
        tf.div(tf.sub(expm1(tf.mul(x, a)), tf.mul(expm1(x), a)), denominator),
      );
    });
}

/** u·log(1 + 1/u) = eᵗ·softplus(−t), which tends to 1 as t → ∞ (where eᵗ overflows). */
function uLog1pInverse(t: tf.Tensor): tf.Tensor {
  const positive = maskOf([t], (x) => tf.greater(x, 0));
  const tNeg = tf.where(positive, tf.zerosLike(t), t);
  const tPos = tf.where(positive, t, tf.onesLike(t));
  const atNegative = tf.mul(tf.exp(tNeg), log1pExp(tf.neg(tNeg)));
  // t > 0: with s = e^{−t} ∈ (0, 1), log1p(s)/s; its series 1 − s/2 + s²/3 − … below s = 0.1.
  const s = tf.exp(tf.neg(tPos));
  const log1pRatio = seriesNearZero(
    s,
    0.1,
    Array.from({ length: 10 }, (_, n) => (n % 2 === 0 ? 1 : -1) / (n + 1)),
    (x) => tf.div(log1p(x), x),
  );
  return tf.where(positive, log1pRatio, atNegative);
}

/** log cosh(x) for |x| ≤ ½: log1p((eˣ − 1)²e⁻ˣ/2), exact in float32 near 0. */
function logCoshSmall(x: tf.Tensor): tf.Tensor {
  const e = expm1(x);
  return log1p(tf.mul(tf.div(tf.square(e), tf.exp(x)), 0.5));
}

/**
 * The Jensen-Shannon Csiszár function (TFP's `jensen_shannon`):
 *
 *     f(u) = u log u − (1 + u) log(1 + u)             (default)
 *     f(u) = u log u − (1 + u) log((1 + u)/2)         (self-normalised)
 *
 * With u = q(x)/p(x), x ~ p and m = (p + q)/2, the self-normalised form gives
 * E_p[f(U)] = KL(p‖m) + KL(q‖m) = 2·JS(p, q) ∈ [0, 2 log 2], TFP's convention (twice the usual
 * Jensen-Shannon divergence); the default form gives that minus 2 log 2. Computed in log space as
 * −softplus(l) − eˡ softplus(−l) (l = log u) (+ (1 + eˡ) log 2), and near l = 0 as
 * (l/2)(eˡ − 1) − (1 + eˡ) log cosh(l/2), so that neither form cancels or overflows before u does.
 * f(0) = 0 (log 2 when self-normalised).
 *
 * @param logu log u = log q(x) − log p(x), any shape.
 * @returns f(u), a new tensor of the same shape, owned by the caller.
 * @example jensenShannon([0], { selfNormalized: true }).print(); // [0]
 */
export function jensenShannon(logu: TensorInput, options?: CsiszarOptions): tf.Tensor {
  const normalised = selfNormalized(options, 'jensenShannon');
  return tf.tidy(() => {
    const t = toFloatTensor(logu, 'logu', 'jensenShannon');
    const direct = (x: tf.Tensor): tf.Tensor => tf.neg(tf.add(log1pExp(x), uLog1pInverse(x)));
    if (!normalised) return withZero(t, 0, direct);
    return withZero(t, Math.LN2, (s) => {
      const near = maskOf([s], (x) => tf.less(tf.abs(x), 1));
      const sNear = tf.where(near, s, tf.zerosLike(s));
      const sFar = tf.where(near, tf.fill(s.shape, 2), s);
      const nearValue = tf.sub(
        tf.mul(tf.mul(sNear, 0.5), expm1(sNear)),
        tf.mul(tf.add(tf.exp(sNear), 1), logCoshSmall(tf.mul(sNear, 0.5))),
      );
      const farValue = tf.add(tf.mul(tf.add(tf.exp(sFar), 1), Math.LN2), direct(sFar));
      return tf.where(near, nearValue, farValue);
    });
  });
}

/**
 * The squared Hellinger Csiszár function f(u) = (√u − 1)² (TFP's `squared_hellinger`), computed as
 * expm1(log u / 2)². E_p[f(U)] = ∫(√q − √p)² = 2(1 − ∫√(pq)) ∈ [0, 2] (twice the squared Hellinger
 * distance H² = 1 − ∫√(pq) of some texts). f(0) = 1.
 *
 * @param logu log u = log q(x) − log p(x), any shape.
 * @returns f(u), a new tensor of the same shape, owned by the caller.
 * @example squaredHellinger([Math.log(4)]).print(); // [1]
 */
export function squaredHellinger(logu: TensorInput): tf.Tensor {
  return tf.tidy(() => tf.square(expm1(tf.mul(toFloatTensor(logu, 'logu', 'squaredHellinger'), 0.5))));
}

/**
 * The total variation Csiszár function f(u) = ½|u − 1| (TFP's `total_variation`), computed as
 * ½·sign(e)·e with e = expm1(log u). E_p[f(U)] = ½∫|q − p| = sup_A |P(A) − Q(A)| ∈ [0, 1]. f(0) = ½.
 * Its derivative d f / d log u = ½·sign(u − 1)·u is 0 at u = 1, where f has its minimum (TensorFlow's
 * convention for |x| at 0; tfjs's own `abs` gradient would give −½ there, a spurious pull at p = q).
 *
 * @param logu log u = log q(x) − log p(x), any shape.
 * @returns f(u), a new tensor of the same shape, owned by the caller.
 * @example totalVariation([Math.log(3)]).print(); // [1]
 */
export function totalVariation(logu: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const e = expm1(toFloatTensor(logu, 'logu', 'totalVariation'));
    return tf.mul(tf.mul(e, tf.sign(e)), 0.5);
  });
}

/**
 * The Pearson χ² Csiszár function f(u) = (u − 1)² (TFP's `pearson`), computed as expm1(log u)².
 * E_p[f(U)] = ∫(q − p)²/p = χ²(q‖p), the Pearson χ² divergence of q from p (finite only when q/p is
 * square-integrable under p). f(0) = 1.
 *
 * @param logu log u = log q(x) − log p(x), any shape.
 * @returns f(u), a new tensor of the same shape, owned by the caller.
 * @example pearson([Math.log(3)]).print(); // [4]
 */
export function pearson(logu: TensorInput): tf.Tensor {
  return tf.tidy(() => tf.square(expm1(toFloatTensor(logu, 'logu', 'pearson'))));
}

/**
 * The Jeffreys Csiszár function f(u) = ½(u log u − log u) = ½(u − 1) log u (TFP's `jeffreys`), computed
 * as ½·expm1(log u)·log u. E_p[f(U)] = ½KL(p‖q) + ½KL(q‖p), the symmetrised KL. f(0) = +∞.
 *
 * @param logu log u = log q(x) − log p(x), any shape.
 * @returns f(u), a new tensor of the same shape, owned by the caller.
 * @example jeffreys([Math.log(2)]).print(); // [0.3466]
 */
export function jeffreys(logu: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const t = toFloatTensor(logu, 'logu', 'jeffreys');
    return tf.mul(tf.mul(expm1(t), t), 0.5);
  });
}
