import * as tf from '@tensorflow/tfjs-core';
import { DomainError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE, type Nested } from './fixtures/cases.js';
import extra from './fixtures/multivariate.json' with { type: 'json' };
import { Poisson, poisson } from './poisson.js';

// Cases of fixtures/multivariate.json (generate_multivariate.py: torch.distributions in float64, and the
// entropy summed in mpmath at 40 digits).
interface ExtraCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly [quantity: string]: unknown;
}
const extraCases = (extra.cases as unknown as ExtraCase[]).filter((c) => c.family === 'Poisson');
const entropies = extra.poisson_entropy;

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance, what = ''): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } catch (error) {
    throw new Error(`Poisson ${what}: ${(error as Error).message}`);
  } finally {
    actual.dispose();
  }
}

/** P(X = k) for k < K and P(X ≥ K) in float64, from the recurrence p_k = p_{k−1} λ / k. */
function poissonBins(rate: number, bins: number): number[] {
  const out: number[] = [];
  let p = Math.exp(-rate);
  let total = 0;
  for (let k = 0; k < bins; k++) {
    out.push(p);
    total += p;
    p = (p * rate) / (k + 1);
  }
  out.push(1 - total);
  return out;
}

describeEachBackend('Poisson', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Poisson')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Poisson(c.params['rate'] as number[]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    it(`matches torch (multivariate.json case ${i}: log_prob far in the tails, mean, variance, mode)`, async () => {
      await expectNoLeaks(() => {
        const d = new Poisson(c.params['rate'] as number[]);
        close(d.logProb(c.value as number[]), c['log_prob'] as Nested, tolerance, 'log_prob');
        close(d.mean(), c['mean'] as Nested, tolerance, 'mean');
        close(d.variance(), c['variance'] as Nested, tolerance, 'variance');
        close(d.mode(), c['mode'] as Nested, { atol: 0, rtol: 0 }, 'mode');
        d.dispose();
      });
    });
  });

  it('computes the entropy of 40-digit summations to the contract tolerance, across the series switch at λ = 20', async () => {
    await expectNoLeaks(() => {
      const d = new Poisson(entropies.map((e) => e.rate));
      close(
        d.entropy(),
        entropies.map((e) => e.entropy),
        tolerance,
        'entropy',
      );
      d.dispose();
    });
  });

  it('differentiates the entropy: dH/dλ = −Σ p_k (k/λ − 1) log p_k (mpmath)', async () => {
    // Rates where float32 resolves the derivative (at λ = 1e-6 it is log(1/λ) + 1, fine too).
    const rates = tf.tensor1d(entropies.map((e) => e.rate));
    await expectNoLeaks(() => {
      const [g] = tf.grads((r: tf.Tensor) => tf.sum(new Poisson(r).entropy()))([rates]);
      // The asymptotic series is differentiated term by term: its derivative error is O(λ⁻⁵), < 2e-7 at λ ≥ 20.
      close(
        g!,
        entropies.map((e) => e.entropy_grad),
        tolerance,
        'entropy gradient',
      );
    });
    rates.dispose();
  });

  it('returns −∞ below 0 and evaluates the continuous extension between integers, as torch', async () => {
    await expectNoLeaks(() => {
      const rate = tf.scalar(2);
      const d = poisson(rate);
      // log p(2.5) = 2.5 log 2 − 2 − log Γ(3.5), log Γ(3.5) = log(15√π/8) = 1.2010736.
      close(
        d.logProb([-1, 2.5]),
        [-Infinity, 2.5 * Math.LN2 - 2 - Math.log((15 * Math.sqrt(Math.PI)) / 8)],
        tolerance,
      );
      d.dispose();
      rate.dispose();
    });
  });

  for (const rate of [3.5, 50]) {
    it(`samples counts with the right frequencies at λ = ${rate} (χ² test) and moments`, async () => {
      await expectNoLeaks(() => {
        const n = 20000;
        const d = new Poisson([rate]);
        const x = d.sample(n, 314);
        expect(x.shape).toEqual([n, 1]);
        const values = x.dataSync();
        expect(values.every((v) => v >= 0 && Number.isInteger(v))).toBe(true);
        // Bins: 10 consecutive counts around the mode (from max(0, λ − 5)) plus the two tails.
        const start = Math.max(0, Math.floor(rate) - 5);
        const probs = poissonBins(rate, start + 10);
        const expected = [probs.slice(0, start).reduce((a, b) => a + b, 0), ...probs.slice(start)];
        const counts = new Array<number>(expected.length).fill(0);
        for (const v of values) counts[v < start ? 0 : Math.min(v - start + 1, expected.length - 1)]! += 1;
        const used = expected.map((p, i) => [p, counts[i]!] as const).filter(([p]) => p > 0);
        const chi2 = used.reduce((s, [p, c]) => s + (c - n * p) ** 2 / (n * p), 0);
        // χ² with ≤ 11 degrees of freedom exceeds 31.26 with probability < 0.001.
        expect(chi2).toBeLessThan(31.26);
        // Mean: standard error √(λ/n) (0.013 at λ = 3.5, 0.05 at λ = 50); bound 4 of them.
        const mean = tf.mean(x);
        expectClose(mean, rate, { atol: 4 * Math.sqrt(rate / n), rtol: 0 });
        const again = d.sample(n, 314);
        expect(Array.from(again.dataSync())).toEqual(Array.from(values));
        tf.dispose([x, mean, again]);
        d.dispose();
      });
    });
  }

  it('has the shapes, support and flags of torch', () => {
    const d = new Poisson([[1, 2]]);
    expect(d.batchShape).toEqual([1, 2]);
    expect(d.eventShape).toEqual([]);
    expect(d.reparameterized).toBe(false);
    expect(d.support.name).toBe('nonnegative_integer');
    const x = d.sample([3], 0);
    expect(x.shape).toEqual([3, 1, 2]);
    x.dispose();
    d.dispose();
  });
});

describe('Poisson input checks', () => {
  it('rejects a rate ≤ 0, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Poisson(0)).toThrow(DomainError);
      expect(() => new Poisson([1, -2])).toThrow(
        "Poisson: argument 'rate' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new Poisson(Infinity)).toThrow(DomainError);
      const rate = tf.tensor1d([1, 0]);
      expect(() => new Poisson(rate).dispose()).not.toThrow();
      expect(() => new Poisson(rate, { validate: true })).toThrow(DomainError);
      rate.dispose();
      const d = new Poisson(2);
      expect(() => d.logProb([1.5])).toThrow(
        "Poisson.logProb: argument 'value' has entries outside the support (nonnegative_integer)",
      );
      d.dispose();
    });
  });
});
