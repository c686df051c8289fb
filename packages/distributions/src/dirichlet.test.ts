import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Dirichlet, dirichlet } from './dirichlet.js';
import { casesFor, checkCase, REFERENCE_TOLERANCE, type Nested } from './fixtures/cases.js';
import extra from './fixtures/multivariate.json' with { type: 'json' };

// Cases of fixtures/multivariate.json (generate_multivariate.py: torch.distributions, float64).
interface ExtraCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly [quantity: string]: unknown;
}
const extraCases = (extra.cases as unknown as ExtraCase[]).filter((c) => c.family === 'Dirichlet');
const gradientCase = (extra.gradients as unknown as ExtraCase[]).find((c) => c.family === 'Dirichlet')!;

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance, what = ''): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } catch (error) {
    throw new Error(`Dirichlet ${what}: ${(error as Error).message}`);
  } finally {
    actual.dispose();
  }
}

describeEachBackend('Dirichlet', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Dirichlet')) {
    // A value component below the smallest float32 (1.4e-45) becomes exactly 0 in the float32 value
    // tensor; with α < 1 the density there is +∞, the exact answer for that input (case 74 has a component
    // of 1.8e-55 with α = 0.023, where torch's float64 log_prob is 121.47). Those rows are checked
    // against +∞; the generator should clamp values to float32's range (see the report).
    const rows = c.value as number[][];
    const alpha = c.params['concentration'] as number[][];
    const underflow = rows.map((row, b) =>
      row.some((v, k) => v > 0 && Math.fround(v) === 0 && alpha[b]![k]! < 1),
    );
    const representable = underflow.some(Boolean)
      ? { ...c, log_prob: (c.log_prob as number[]).map((v, b) => (underflow[b] ? Infinity : v)) }
      : c;
    it(`matches torch.distributions, case ${index} (${c.set})${underflow.some(Boolean) ? ', +∞ where a value underflows float32' : ''}`, () => {
      const d = new Dirichlet(c.params['concentration'] as number[][]);
      checkCase(d, representable, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    it(`matches torch (multivariate.json case ${i}: log_prob, entropy, mean, variance, mode)`, async () => {
      await expectNoLeaks(() => {
        const d = new Dirichlet(c.params['concentration'] as number[][]);
        close(d.logProb(c.value as number[][]), c['log_prob'] as Nested, tolerance, 'log_prob');
        for (const name of ['entropy', 'mean', 'variance', 'mode'] as const) {
          close(d[name](), c[name] as Nested, tolerance, name);
        }
        d.dispose();
      });
    });
  });

  it('takes (α − 1) log x as 0 where α = 1 and x = 0, and −∞ off the simplex', async () => {
    await expectNoLeaks(() => {
      const concentration = tf.tensor1d([1, 2, 3]); // a tensor: values are not validated
      const d = dirichlet(concentration);
      // log Γ(6) − log Γ(1) − log Γ(2) − log Γ(3) + log ½ + 2 log ½ = log 60 − 3 log 2 = log 7.5.
      close(
        d.logProb([
          [0, 0.5, 0.5],
          [0.2, 0.2, 0.2],
          [-0.1, 0.6, 0.5],
        ]),
        [Math.log(7.5), -Infinity, -Infinity],
        tolerance,
      );
      d.dispose();
      concentration.dispose();
    });
  });

  it('gives torch gradients of log_prob and entropy with respect to the concentration', async () => {
    const concentration = tf.tensor(gradientCase.params['concentration'] as number[][]);
    await expectNoLeaks(() => {
      const value = gradientCase.value as number[][];
      const [gLogProb] = tf.grads((a: tf.Tensor) => tf.sum(new Dirichlet(a).logProb(value)))([concentration]);
      const [gEntropy] = tf.grads((a: tf.Tensor) => tf.sum(new Dirichlet(a).entropy()))([concentration]);
      const expected = gradientCase as unknown as {
        log_prob_grad: { concentration: number[][] };
        entropy_grad: { concentration: number[][] };
      };
      close(gLogProb!, expected.log_prob_grad.concentration, tolerance, 'log_prob gradient');
      close(gEntropy!, expected.entropy_grad.concentration, tolerance, 'entropy gradient');
    });
    concentration.dispose();
  });

  it('samples points of the simplex with the right moments, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const alpha = [0.5, 2, 4];
      const a0 = 6.5;
      const d = new Dirichlet(alpha);
      const x = d.sample(n, 99);
      expect(x.shape).toEqual([n, 3]);
      const sums = tf.sum(x, -1);
      expectClose(sums, new Array<number>(n).fill(1), { atol: 1e-6, rtol: 0 });
      const { mean, variance } = tf.moments(x, 0);
      const expectedMean = alpha.map((a) => a / a0);
      const expectedVariance = alpha.map((a) => (a * (a0 - a)) / (a0 * a0 * (a0 + 1)));
      // Mean: standard error √(Var/n) ≤ √(0.0316/20000) = 0.00126; bound 4 of them.
      expectClose(mean, expectedMean, { atol: 0.005, rtol: 0 });
      // Variance: standard error Var·√((κ − 1)/n) with κ the kurtosis of the Beta(α_i, α₀ − α_i)
      // marginal; the largest is κ = 7.99 (Beta(0.5, 6)), so ≤ 1.9% of Var; bound 5 of them.
      expectClose(variance, expectedVariance, { atol: 0, rtol: 0.095 });
      const again = d.sample(n, 99);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      tf.dispose([x, sums, mean, variance, again]);
      d.dispose();
    });
  });

  it('is reparameterised: the gradient of the mean of the draws is ∂(α_i/α₀)/∂α', async () => {
    const alpha = tf.tensor1d([0.5, 2, 4]);
    await expectNoLeaks(() => {
      const n = 20000;
      const [g] = tf.grads((a: tf.Tensor) =>
        tf.mean(tf.slice(new Dirichlet(a).sample(n, 5), [0, 0], [n, 1])),
      )([alpha]);
      // ∂E[x₀]/∂α = ((α₀ − α₀₀)/α₀², −α₀₀/α₀², −α₀₀/α₀²) with α₀ = 6.5. The Monte Carlo estimate's
      // standard deviation, measured over 20 seeds at n = 20 000, is (5.8e-4, 0.9e-4, 1.1e-4); bounds 4 of them.
      const [g0, g1, g2] = Array.from(g!.dataSync());
      expect(Math.abs(g0! - 6 / 42.25)).toBeLessThan(2.4e-3);
      expect(Math.abs(g1! + 0.5 / 42.25)).toBeLessThan(3.6e-4);
      expect(Math.abs(g2! + 0.5 / 42.25)).toBeLessThan(4.4e-4);
      g!.dispose();
    });
    alpha.dispose();
  });

  it('has the shapes, support and flags of torch', () => {
    const d = new Dirichlet([
      [1, 2, 3],
      [3, 2, 1],
    ]);
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    expect(d.reparameterized).toBe(true);
    expect(d.support.name).toBe('simplex');
    const x = d.sample([4, 5], 1);
    expect(x.shape).toEqual([4, 5, 2, 3]);
    x.dispose();
    d.dispose();
  });
});

describe('Dirichlet input checks', () => {
  it('rejects a concentration ≤ 0 and scalar shapes, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Dirichlet([1, 0])).toThrow(DomainError);
      expect(() => new Dirichlet([1, -2])).toThrow(
        "Dirichlet: argument 'concentration' has -2 at flat index 1, expected a finite number > 0",
      );
      expect(() => new Dirichlet(2)).toThrow(ShapeError);
      expect(() => new Dirichlet(2)).toThrow(
        "Dirichlet: argument 'concentration' has shape [], expected [..., K]",
      );
      const c = tf.tensor1d([1, 0]);
      expect(() => new Dirichlet(c).dispose()).not.toThrow();
      expect(() => new Dirichlet(c, { validate: true })).toThrow(DomainError);
      c.dispose();
      const d = new Dirichlet([1, 1]);
      expect(() => d.logProb([0.5, 0.6])).toThrow(
        "Dirichlet.logProb: argument 'value' has entries outside the support (simplex)",
      );
      expect(() => d.logProb([1, 0, 0])).toThrow(ShapeError);
      d.dispose();
    });
  });
});
