// Distribution tests of every sampler with fixed seeds: sample mean and variance against the exact
// moments, and a Kolmogorov–Smirnov statistic against the exact CDF, all from scipy (fixtures/random.json).
//
// Bounds. Mean: |m − μ| ≤ 5σ/√n. Variance: Var(s²) ≈ σ⁴(κ + 2)/n for excess kurtosis κ, so
// |s² − σ²| ≤ 5σ²√((κ + 2)/n). Kolmogorov–Smirnov: P(√n·D_n > 1.95) ≈ 0.001 under the null (Kolmogorov's
// limit law), so D ≤ 1.95/√n; D is evaluated at the 199 quantiles x_j = F⁻¹(j/200) (continuous laws) or
// at every support point with mass above 1e-13 (discrete laws, where the test is conservative), and a
// sup over fewer points is no larger than D_n, so the bound stays valid. With fixed seeds the outcome is
// deterministic; a biased sampler (a wrong boost, a wrong PTRS constant, an off-by-one CDF) fails these.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { bernoulli } from './bernoulli.js';
import { beta } from './beta.js';
import { categorical } from './categorical.js';
import { dirichlet } from './dirichlet.js';
import fixture from './fixtures/random.json' with { type: 'json' };
import { gamma } from './gamma.js';
import { normal } from './normal.js';
import { poisson } from './poisson.js';
import { seed } from './seed.js';
import { uniform } from './uniform.js';

const refs = fixture.distributions;
const KS_CRITICAL = 1.95;

interface Moments {
  readonly mean: number;
  readonly variance: number;
  readonly excessKurtosis: number;
}

/** Downloads a tensor, disposes it, and returns its values sorted ascending (float64). */
function takeSorted(t: tf.Tensor): Float64Array {
  const values = Float64Array.from(t.dataSync());
  t.dispose();
  return values.sort();
}

/** The number of sorted values ≤ x. */
function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function expectMoments(values: ArrayLike<number>, ref: Moments, label: string): void {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2;
  const variance = squares / (n - 1);
  const sd = Math.sqrt(ref.variance);
  expect(Math.abs(mean - ref.mean), `${label}: mean ${mean} vs ${ref.mean}`).toBeLessThanOrEqual(
    (5 * sd) / Math.sqrt(n),
  );
  expect(
    Math.abs(variance - ref.variance),
    `${label}: variance ${variance} vs ${ref.variance}`,
  ).toBeLessThanOrEqual(5 * ref.variance * Math.sqrt((ref.excessKurtosis + 2) / n));
}

/** max_j |F_n(x_j) − p_j| over the reference quantiles. */
function ksContinuous(sorted: Float64Array, ref: { p: number[]; quantiles: number[] }): number {
  let d = 0;
  ref.quantiles.forEach((x, j) => {
    d = Math.max(d, Math.abs(countAtMost(sorted, x) / sorted.length - (ref.p[j] as number)));
  });
  return d;
}

/** max_k |F_n(k) − F(k)| over k0 − 1 … k0 + len − 1 (F(k0 − 1) < 1e-13 is taken as 0). */
function ksDiscrete(sorted: Float64Array, k0: number, cdf: number[]): number {
  let d = countAtMost(sorted, k0 - 1) / sorted.length;
  cdf.forEach((f, j) => {
    d = Math.max(d, Math.abs(countAtMost(sorted, k0 + j) / sorted.length - f));
  });
  // Nothing may lie above the last support point but mass below 1e-13.
  return Math.max(d, 1 - countAtMost(sorted, k0 + cdf.length - 1) / sorted.length - 1e-13);
}

function expectKs(d: number, n: number, label: string): void {
  expect(d, `${label}: Kolmogorov–Smirnov D = ${d.toFixed(5)}, n = ${n}`).toBeLessThanOrEqual(
    KS_CRITICAL / Math.sqrt(n),
  );
}

describeEachBackend('sampler distributions', () => {
  it('uniform on [−2, 3): moments and KS against scipy.stats.uniform', async () => {
    await expectNoLeaks(() => {
      const ref = refs.uniform;
      const n = 100_000;
      const sorted = takeSorted(uniform([n], seed(101), { low: ref.low, high: ref.high }));
      expectMoments(sorted, ref, 'uniform');
      expectKs(ksContinuous(sorted, ref), n, 'uniform');
      expect(sorted[0]).toBeGreaterThanOrEqual(ref.low);
      expect(sorted[n - 1]).toBeLessThan(ref.high);
    });
  });

  it('normal: moments and KS against scipy.stats.norm', async () => {
    await expectNoLeaks(() => {
      const n = 100_000;
      const sorted = takeSorted(normal([n], seed(102)));
      expectMoments(sorted, refs.normal, 'normal');
      expectKs(ksContinuous(sorted, refs.normal), n, 'normal');
    });
  });

  it('gamma, α = 0.1, 1, 5, 100: moments and KS against scipy.stats.gamma', async () => {
    await expectNoLeaks(() => {
      const n = 50_000;
      refs.gamma.forEach((ref, i) => {
        const sorted = takeSorted(gamma([n], ref.concentration, seed(200 + i)));
        const label = `gamma(${ref.concentration})`;
        expectMoments(sorted, ref, label);
        expectKs(ksContinuous(sorted, ref), n, label);
        expect(sorted[0]).toBeGreaterThan(0);
      });
    });
  });

  it('gamma with a tensor of concentrations draws each column from its own law', async () => {
    await expectNoLeaks(() => {
      const n = 20_000;
      const alphas = refs.gamma.map((r) => r.concentration);
      const concentration = tf.tensor1d(alphas);
      const draws = gamma([n, alphas.length], concentration, seed(210));
      const columns = tf.tidy(() => tf.unstack(tf.transpose(draws)));
      tf.dispose([concentration, draws]);
      columns.forEach((column, j) => {
        const ref = refs.gamma[j]!;
        const sorted = takeSorted(column);
        expectMoments(sorted, ref, `gamma column ${j}`);
        expectKs(ksContinuous(sorted, ref), n, `gamma column ${j}`);
      });
    });
  });

  it('poisson, λ = 0.5, 5 (inversion), 50, 500 (PTRS): moments and KS against scipy.stats.poisson', async () => {
    await expectNoLeaks(() => {
      const n = 50_000;
      refs.poisson.forEach((ref, i) => {
        const sorted = takeSorted(poisson([n], ref.rate, seed(300 + i)));
        const label = `poisson(${ref.rate})`;
        expect(sorted.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
        expectMoments(sorted, ref, label);
        expectKs(ksDiscrete(sorted, ref.k0, ref.cdf), n, label);
      });
    });
  });

  it('beta (0.5, 0.5), (2, 5), (0.2, 0.3): moments and KS against scipy.stats.beta', async () => {
    await expectNoLeaks(() => {
      const n = 50_000;
      refs.beta.forEach((ref, i) => {
        const sorted = takeSorted(beta([n], ref.concentration1, ref.concentration0, seed(400 + i)));
        const label = `beta(${ref.concentration1}, ${ref.concentration0})`;
        expectMoments(sorted, ref, label);
        expectKs(ksContinuous(sorted, ref), n, label);
        expect(sorted[0]).toBeGreaterThan(0);
        expect(sorted[n - 1]).toBeLessThan(1);
      });
    });
  });

  it('dirichlet (0.3, 1, 4): Beta(α_i, Σα − α_i) marginals and rows on the simplex', async () => {
    await expectNoLeaks(() => {
      const n = 50_000;
      const { concentration, marginals } = refs.dirichlet;
      const k = concentration.length;
      const draws = dirichlet([n, k], concentration, seed(500));
      const values = draws.dataSync();
      for (let r = 0; r < n; r++) {
        let total = 0;
        for (let i = 0; i < k; i++) total += values[r * k + i] as number;
        if (Math.abs(total - 1) > k * 2 ** -24) expect.fail(`row ${r} sums to ${total}`);
      }
      const columns = tf.tidy(() => tf.unstack(tf.transpose(draws)));
      draws.dispose();
      columns.forEach((column, i) => {
        const sorted = takeSorted(column);
        expectMoments(sorted, marginals[i]!, `dirichlet component ${i}`);
        expectKs(ksContinuous(sorted, marginals[i]!), n, `dirichlet component ${i}`);
      });
    });
  });

  it('categorical: frequencies and KS against scipy softmax probabilities, per batch row', async () => {
    await expectNoLeaks(() => {
      const n = 100_000;
      const logits = refs.categorical.logits.map((row) => row.map((v) => v ?? -Infinity));
      const logitsTensor = tf.tensor2d(logits);
      const draws = categorical(logitsTensor, seed(600), [n]);
      expect(draws.dtype).toBe('int32');
      expect(draws.shape).toEqual([n, logits.length]);
      const values = draws.dataSync();
      tf.dispose([logitsTensor, draws]);
      refs.categorical.probs.forEach((probs, r) => {
        const column = new Float64Array(n);
        for (let s = 0; s < n; s++) column[s] = values[s * logits.length + r] as number;
        const counts = probs.map(() => 0);
        for (const c of column) counts[c] = (counts[c] as number) + 1;
        probs.forEach((p, c) => {
          const bound = p === 0 ? 0 : 5 * Math.sqrt((p * (1 - p)) / n);
          expect(Math.abs((counts[c] as number) / n - p), `row ${r}, class ${c}`).toBeLessThanOrEqual(bound);
        });
        let cumulative = 0;
        const cdf = probs.map((p) => (cumulative += p));
        expectKs(ksDiscrete(column.sort(), 0, cdf), n, `categorical row ${r}`);
      });
    });
  });

  it('bernoulli: frequencies within 5 binomial standard deviations, exact at p = 0 and 1', async () => {
    await expectNoLeaks(() => {
      const n = 100_000;
      const probs = [0, 0.003, 0.1, 0.5, 0.9, 1];
      const draws = bernoulli(probs, seed(700), [n]);
      expect(draws.shape).toEqual([n, probs.length]);
      const values = draws.dataSync();
      draws.dispose();
      probs.forEach((p, j) => {
        let ones = 0;
        for (let s = 0; s < n; s++) ones += values[s * probs.length + j] as number;
        expect(Math.abs(ones / n - p), `p = ${p}`).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n));
      });
    });
  });
});
