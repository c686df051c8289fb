// The implicit reparameterisation gradient of Gamma(α, 1) samples (Figurnov, Mohamed & Mnih, "Implicit
// Reparameterization Gradients", NeurIPS 2018), in float64. Internal to random/: gamma(), beta() and
// dirichlet() attach it to their samples with tf.customGrad.
import { logMinusDigamma64 } from './special64.js';

/** Relative size of the neglected terms at which the series stops. */
const SERIES_EPS = 1e-17;
/** |Δ − 1| at which the continued fraction stops: one unit in the last place of a double. */
const FRACTION_EPS = 2 * Number.EPSILON;
/** Guards against a non-terminating loop on non-finite input; never reached for valid input. */
const MAX_ITERATIONS = 10_000_000;
/** Lentz's stand-in for zero. */
const TINY = 1e-300;

/**
 * d(log z)/dα for a sample z of Gamma(α, 1), from log z: with P(α, z) the regularised lower incomplete
 * gamma function (the CDF) and p(z; α) = z^{α−1} e^{−z} / Γ(α) the density, the implicit function
 * theorem on P(α, z(α)) = u gives dz/dα = −(∂P/∂α)(α, z) / p(z; α), and this returns that divided by z.
 *
 * - z < α + 1: the series P = z^α e^{−z} Σ_n z^n / Γ(α + n + 1), differentiated term by term, divided by
 *   z·p: d log z/dα = −Σ_n s_n (log z − ψ(α + n + 1)) with s_0 = 1/α, s_n = s_{n−1} z / (α + n).
 * - z ≥ α + 1: Legendre's continued fraction Q = 1 − P = z p(z; α) F(α, z), evaluated by the modified
 *   Lentz method in dual numbers to carry ∂F/∂α along; then d log z/dα = (log z − ψ(α)) F + ∂F/∂α.
 *
 * Both converge for every α > 0; near the bulk of a large-α gamma they need O(√α) terms (measured:
 * 8 µs per element at α = 1e4, 120 µs at α = 1e8), and the float64 relative error grows like α·ε
 * (1e-14 at α ≤ 100, 1e-11 at α = 1e4), far below float32 resolution.
 *
 * @example gammaLogSampleGradient(1, 0) // 1.1735630272247…, d log z/dα at z = 1, α = 1
 */
export function gammaLogSampleGradient(alpha: number, logz: number): number {
  const z = Math.exp(logz);
  return z < alpha + 1 ? seriesBranch(alpha, z, logz) : continuedFractionBranch(alpha, z, logz);
}

/**
 * dz/dα for a sample z of Gamma(α, 1): z · {@link gammaLogSampleGradient}(α, log z), and 0 at z = 0.
 *
 * @example gammaSampleGradient(1, 1) // 1.1735630272247… (mpmath: −∂P/∂α(1, 1) · e)
 */
export function gammaSampleGradient(alpha: number, z: number): number {
  if (!(z > 0)) return 0;
  return z * gammaLogSampleGradient(alpha, Math.log(z));
}

function seriesBranch(alpha: number, z: number, logz: number): number {
  let delta = logMinusDigamma64(logz, z, alpha + 1); // log z − ψ(α + n + 1), n = 0
  let s = 1 / alpha;
  let sum = s * delta;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    const an = alpha + n;
    s *= z / an;
    delta -= 1 / an;
    sum += s * delta;
    // Once z < α + n the terms shrink at least geometrically; stop when the next ones are negligible.
    if (z < an && s * Math.max(Math.abs(delta), 1) <= SERIES_EPS * Math.abs(sum)) break;
    if (s === 0) break;
  }
  return -sum;
}

function continuedFractionBranch(alpha: number, z: number, logz: number): number {
  // Modified Lentz on F = 1/(b0 + a1/(b1 + a2/(b2 + …))), b_i = z + 1 − α + 2i, a_i = −i(i − α),
  // each quantity paired with its derivative in α (db/dα = −1, da_i/dα = i).
  let b = z + 1 - alpha;
  const db = -1;
  let c = 1 / TINY;
  let dc = 0;
  let d = 1 / b;
  let dd = 1 / (b * b);
  let h = d;
  let dh = dd;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - alpha);
    const dan = i;
    b += 2;
    let dn = an * d + b;
    const ddn = dan * d + an * dd + db;
    if (Math.abs(dn) < TINY) dn = TINY;
    let cn = b + an / c;
    const dcn = db + dan / c - (an * dc) / (c * c);
    if (Math.abs(cn) < TINY) cn = TINY;
    d = 1 / dn;
    dd = -ddn / (dn * dn);
    c = cn;
    dc = dcn;
    const del = d * c;
    const ddel = dd * c + d * dc;
    const hOld = h;
    h = hOld * del;
    dh = dh * del + hOld * ddel;
    if (Math.abs(del - 1) <= FRACTION_EPS && Math.abs(hOld * ddel) <= FRACTION_EPS * Math.abs(dh)) break;
  }
  return logMinusDigamma64(logz, z, alpha) * h + dh;
}
