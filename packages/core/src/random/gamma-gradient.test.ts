import { describe, expect, it } from 'vitest';
import fixture from './fixtures/random.json' with { type: 'json' };
import { gammaLogSampleGradient, gammaSampleGradient } from './gamma-gradient.js';

const { cases, maxRelErrorVsMpmath } = fixture.gammaGradient;

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('gammaSampleGradient (implicit reparameterisation, dz/dα = −∂P/∂α / p)', () => {
  it('covers α from 0.01 to 1e4 and both the series and the continued-fraction branches', () => {
    expect(cases.length).toBeGreaterThan(100);
    expect(cases.some((c) => c.z < c.alpha + 1)).toBe(true);
    expect(cases.some((c) => c.z >= c.alpha + 1)).toBe(true);
  });

  it('matches finite differences of scipy gammainc/gammaincc (Richardson), within their own error', () => {
    // The reference's error is bounded by its disagreement with mpmath, recorded in the fixture.
    expect(maxRelErrorVsMpmath).toBeLessThan(1e-9);
    let worst = 0;
    for (const c of cases)
      worst = Math.max(worst, relativeError(gammaSampleGradient(c.alpha, c.z), c.dzdalpha));
    expect(worst).toBeLessThan(2 * maxRelErrorVsMpmath + 1e-12);
  });

  it('matches the 40-digit mpmath derivative to 1e-13 + 2e-15·α relative', () => {
    // The series and the continued fraction sum O(√α) terms near the bulk, so float64 rounding grows
    // with α: measured 2e-14 at α ≤ 1, 5e-14 at α = 100, 1.3e-11 at α = 1e4 (float32 resolution: 6e-8).
    for (const c of cases) {
      const bound = 1e-13 + 2e-15 * c.alpha;
      expect(
        relativeError(gammaSampleGradient(c.alpha, c.z), c.dzdalphaMpmath),
        JSON.stringify(c),
      ).toBeLessThan(bound);
    }
  });

  it('works from log z where z underflows a double, and is 0 at z = 0', () => {
    // For α = 0.01 and log z = −2000 (z = e^−2000), the series is dominated by its first term:
    // d log z / dα ≈ −(log z − ψ(α + 1)) / α.
    const g = gammaLogSampleGradient(0.01, -2000);
    expect(g).toBeGreaterThan(1.9e5);
    expect(g).toBeLessThan(2.01e5);
    expect(gammaSampleGradient(0.5, 0)).toBe(0);
  });

  it('is positive (Gamma(α) grows stochastically with α) on a wide grid', () => {
    for (const alpha of [1e-3, 0.3, 1, 7, 300, 5e4]) {
      for (const z of [1e-30, 1e-5, 0.01, 0.5, 1, 3, 10, 100, 1000, 1e5]) {
        const g = gammaSampleGradient(alpha, z);
        expect(Number.isFinite(g) && g > 0, `alpha ${alpha}, z ${z}: ${g}`).toBe(true);
      }
    }
  });
});
