import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Bernoulli, bernoulli } from './bernoulli.js';
import { casesFor, checkCase, REFERENCE_TOLERANCE, type Nested } from './fixtures/cases.js';
import extra from './fixtures/multivariate.json' with { type: 'json' };

// Cases of fixtures/multivariate.json (generate_multivariate.py: torch.distributions, float64); JSON null
// stands for NaN.
interface ExtraCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly [quantity: string]: unknown;
}
const denull = (x: unknown): Nested => (x === null ? NaN : Array.isArray(x) ? x.map(denull) : (x as number));
const extraCases = (extra.cases as unknown as ExtraCase[]).filter((c) => c.family === 'Bernoulli');
const gradientCase = (extra.gradients as unknown as ExtraCase[]).find((c) => c.family === 'Bernoulli')!;

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } finally {
    actual.dispose();
  }
}

function checkQuantities(d: Bernoulli, c: ExtraCase, tolerance: Tolerance): void {
  const quantities: [string, () => tf.Tensor][] = [
    ['log_prob', () => d.logProb(c.value as number[])],
    ['entropy', () => d.entropy()],
    ['mean', () => d.mean()],
    ['variance', () => d.variance()],
    ['mode', () => d.mode()],
  ];
  for (const [name, fn] of quantities) {
    const actual = fn();
    try {
      expectClose(actual, denull(c[name]) as number[], tolerance);
    } catch (error) {
      throw new Error(`Bernoulli ${name}: ${(error as Error).message}`);
    } finally {
      actual.dispose();
    }
  }
}

describeEachBackend('Bernoulli', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions; measured worst case 3e-4.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Bernoulli')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Bernoulli({ logits: c.params['logits'] as number[] });
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    const kind = 'probs' in c.params ? 'probs' : 'logits';
    it(`matches torch with ${kind} (multivariate.json case ${i}: log_prob, entropy, mean, variance, mode)`, async () => {
      await expectNoLeaks(() => {
        const p = c.params[kind] as number[];
        const d = kind === 'probs' ? new Bernoulli({ probs: p }) : new Bernoulli({ logits: p });
        checkQuantities(d, c, tolerance);
        d.dispose();
      });
    });
  });

  it('follows torch at probs 0 and 1: clamped logits log(2^-23) ≈ -15.94, zero entropy, exact moments', async () => {
    await expectNoLeaks(() => {
      const d = bernoulli({ probs: [0, 1] });
      const eps = 2 ** -23;
      const clamped = Math.log(eps) - Math.log1p(-eps); // torch: log p̃ − log1p(−p̃), p̃ = clamp(p, ε, 1 − ε)
      close(d.logits(), [clamped, -clamped], { atol: 1e-4, rtol: 1e-5 });
      // Possible outcomes have log-probability ≈ log(1 − ε) ≈ −1.2e-7, impossible ones log ε.
      close(d.logProb([0, 1]), [0, 0], { atol: 1e-6, rtol: 0 });
      close(d.logProb([1, 0]), [clamped, clamped], { atol: 1e-4, rtol: 1e-5 });
      close(d.entropy(), [0, 0], { atol: 1e-5, rtol: 0 }); // torch: ε(1 − log ε) ≈ 2e-6
      close(d.mean(), [0, 1], { atol: 0, rtol: 0 });
      close(d.variance(), [0, 0], { atol: 0, rtol: 0 });
      close(d.mode(), [0, 1], { atol: 0, rtol: 0 });
      d.dispose();
    });
  });

  it('evaluates the cross-entropy inside [0, 1] and −∞ outside, as torch without validation', async () => {
    await expectNoLeaks(() => {
      const logits = tf.tensor1d([0.3, -1.2, 2]);
      const d = new Bernoulli({ logits });
      // x log σ(ℓ) + (1 − x) log σ(−ℓ) at x = 0.25, ℓ = 0.3 (σ(0.3) = 0.574442516811659).
      const lp = d.logProb([0.25, 1.5, -0.5]);
      const s = 0.574442516811659;
      expectClose(lp, [0.25 * Math.log(s) + 0.75 * Math.log(1 - s), -Infinity, -Infinity], tolerance);
      lp.dispose();
      d.dispose();
      logits.dispose();
    });
  });

  it('gives torch gradients of log_prob and entropy with respect to the logits', async () => {
    const logits = tf.tensor(gradientCase.params['logits'] as number[][]);
    await expectNoLeaks(() => {
      const [gLogProb] = tf.grads((l: tf.Tensor) =>
        tf.sum(new Bernoulli({ logits: l }).logProb(gradientCase.value as number[][])),
      )([logits]);
      const [gEntropy] = tf.grads((l: tf.Tensor) => tf.sum(new Bernoulli({ logits: l }).entropy()))([logits]);
      const expected = gradientCase as unknown as {
        log_prob_grad: { logits: number[][] };
        entropy_grad: { logits: number[][] };
      };
      expectClose(gLogProb!, expected.log_prob_grad.logits, tolerance);
      expectClose(gEntropy!, expected.entropy_grad.logits, tolerance);
      tf.dispose([gLogProb!, gEntropy!]);
    });
    logits.dispose();
  });

  it('samples 0/1 with frequencies p, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const d = new Bernoulli({ probs: [0.1, 0.5, 0.9] });
      const x = d.sample(n, 11);
      expect(x.shape).toEqual([n, 3]);
      expect(x.dtype).toBe('float32');
      const values = x.dataSync();
      expect(values.every((v) => v === 0 || v === 1)).toBe(true);
      // Standard error of a frequency: √(p(1 − p)/n) ≤ 0.0036 at n = 20 000; bound 4 of them.
      const freq = tf.mean(x, 0);
      expectClose(freq, [0.1, 0.5, 0.9], { atol: 0.0142, rtol: 0 });
      const again = d.sample(n, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(values));
      const other = d.sample(n, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(values));
      // Logits give the same draws as the equivalent probabilities (p = σ(ℓ) exactly at ℓ = 0).
      const fromLogits = new Bernoulli({ logits: [0, 0, 0] });
      const fair = fromLogits.sample([2, 5], 3);
      expect(fair.shape).toEqual([2, 5, 3]);
      tf.dispose([x, freq, again, other, fair]);
      d.dispose();
      fromLogits.dispose();
    });
  });

  it('has the shapes, support and flags of torch', () => {
    const d = new Bernoulli({ logits: [[0, 1, 2]] });
    expect(d.batchShape).toEqual([1, 3]);
    expect(d.eventShape).toEqual([]);
    expect(d.reparameterized).toBe(false);
    expect(d.support.name).toBe('boolean');
    expect(Object.keys(d.params)).toEqual(['logits']);
    expect(d.parameterization).toBe('logits');
    d.dispose();
  });
});

describe('Bernoulli input checks', () => {
  it('rejects probabilities outside [0, 1] or NaN, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Bernoulli({ probs: [0.5, 1.5] })).toThrow(DomainError);
      expect(() => new Bernoulli({ probs: [0.5, 1.5] })).toThrow(
        "Bernoulli: argument 'probs' has 1.5 at flat index 1, expected a probability in [0, 1]",
      );
      expect(() => new Bernoulli({ probs: -0.1 })).toThrow(
        "Bernoulli: argument 'probs' has -0.1 at flat index 0",
      );
      expect(() => new Bernoulli({ probs: NaN })).toThrow("argument 'probs' has NaN");
      expect(() => new Bernoulli({ logits: [0, NaN] })).toThrow(
        "Bernoulli: argument 'logits' has NaN at flat index 1",
      );
      expect(() => new Bernoulli({ logits: Infinity })).toThrow(DomainError);
      expect(() => new Bernoulli({ logits: -Infinity }).dispose()).not.toThrow();
    });
  });

  it('wants exactly one of logits or probs', () => {
    expect(() => new Bernoulli({ logits: 0, probs: 0.5 } as never)).toThrow(ArgumentError);
    expect(() => new Bernoulli({ logits: 0, probs: 0.5 } as never)).toThrow(
      "Bernoulli: expected exactly one of 'logits' or 'probs', got both",
    );
    expect(() => new Bernoulli({} as never)).toThrow('got neither');
    expect(() => new Bernoulli({ p: 0.5 } as never)).toThrow("Bernoulli: unknown parameter 'p'");
    expect(() => new Bernoulli(0.5 as never)).toThrow("Bernoulli: argument 'params' is a number");
  });

  it('checks tensor parameters only when asked, and values with validate', async () => {
    await expectNoLeaks(() => {
      const probs = tf.tensor1d([0.5, 2]);
      expect(() => new Bernoulli({ probs }).dispose()).not.toThrow();
      expect(() => new Bernoulli({ probs }, { validate: true })).toThrow(DomainError);
      probs.dispose();
      const d = new Bernoulli({ probs: [0.5, 0.5] });
      expect(() => d.logProb([0.5, 1])).toThrow(
        "Bernoulli.logProb: argument 'value' has entries outside the support (boolean)",
      );
      expect(() => d.logProb([1, 0, 1])).toThrow(
        "Bernoulli.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
      );
      expect(() => d.sample(2, -1)).toThrow(ArgumentError);
      d.dispose();
    });
  });
});
