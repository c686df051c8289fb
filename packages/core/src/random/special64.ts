// Float64 scalar log-gamma and digamma for the samplers and the implicit gamma gradient (internal to
// random/; the tensor versions for users live in special/).

// B_{2k} / (2k (2k − 1)), k = 1..8: the Stirling series of log Γ.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
// B_{2k} / (2k), k = 1..7: the asymptotic series of ψ.
const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];
const HALF_LOG_TWO_PI = 0.9189385332046728;
/** Below this the argument is shifted up by the recurrences before the asymptotic series is used. */
const SHIFT = 10;

/**
 * log Γ(x) for x > 0 in float64 (absolute error ≈ 1e-15): the Stirling series
 * log Γ(x) = (x − ½) log x − x + ½ log 2π + Σ_k B_{2k} / (2k(2k−1) x^{2k−1}) for x ≥ 10, and
 * log Γ(x) = log Γ(x + n) − log(x (x+1) ⋯ (x+n−1)) below.
 */
export function logGamma64(x: number): number {
  let shift = 0;
  let product = 1;
  while (x < SHIFT) {
    product *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + (STIRLING[k] as number);
  const value = (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series * inv;
  return shift > 0 ? value - Math.log(product) : value;
}

/**
 * ψ(x) = d/dx log Γ(x) for x > 0 in float64: ψ(x) = ψ(x + n) − Σ_{i<n} 1/(x + i) up to x + n ≥ 10, then
 * ψ(x) = log x − 1/(2x) − Σ_k B_{2k} / (2k x^{2k}).
 */
export function digamma64(x: number): number {
  let result = 0;
  while (x < SHIFT) {
    result -= 1 / x;
    x += 1;
  }
  return result + Math.log(x) + digammaTail(x);
}

/** ψ(x) − log x = −1/(2x) − Σ_k B_{2k} / (2k x^{2k}) for x ≥ 10. */
function digammaTail(x: number): number {
  const inv2 = 1 / (x * x);
  let series = 0;
  for (let k = DIGAMMA_SERIES.length - 1; k >= 0; k--) series = series * inv2 + (DIGAMMA_SERIES[k] as number);
  return -0.5 / x - series * inv2;
}

/**
 * log z − ψ(x) for z > 0, x > 0 given z and log z. For x ≥ 10 it is log(z/x) − (ψ(x) − log x), with
 * log(z/x) = log1p((z − x)/x) when z is within x/2 of x, so that the difference of two nearly equal
 * logarithms (z in the bulk of a large-α gamma) loses no digits.
 */
export function logMinusDigamma64(logz: number, z: number, x: number): number {
  if (x < SHIFT) return logz - digamma64(x);
  const logRatio = Math.abs(z - x) < 0.5 * x ? Math.log1p((z - x) / x) : logz - Math.log(x);
  return logRatio - digammaTail(x);
}
