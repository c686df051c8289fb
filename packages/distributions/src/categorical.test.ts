import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Categorical, categorical } from './categorical.js';
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
const extraCases = (extra.cases as unknown as ExtraCase[]).filter((c) => c.family === 'Categorical');
const gradientCase = (extra.gradients as unknown as ExtraCase[]).find((c) => c.family === 'Categorical')!;

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance, what = ''): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } catch (error) {
    throw new Error(`Categorical ${what}: ${(error as Error).message}`);
  } finally {
    actual.dispose();
  }
}

/**
 * Pearson's χ² statistic of observed counts against expected probabilities. Under the null hypothesis it
 * follows χ²(K − 1) asymptotically.
 */
function chiSquare(counts: readonly number[], probs: readonly number[], n: number): number {
  return counts.reduce((s, c, k) => s + (c - n * probs[k]!) ** 2 / (n * probs[k]!), 0);
}

describeEachBackend('Categorical', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Categorical')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Categorical({ logits: c.params['logits'] as number[][] });
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    const kind = 'probs' in c.params ? 'probs' : 'logits';
    it(`matches torch with ${kind} (multivariate.json case ${i}: log_prob, entropy, mode, NaN mean)`, async () => {
      await expectNoLeaks(() => {
        const p = c.params[kind] as number[][];
        const d = kind === 'probs' ? new Categorical({ probs: p }) : new Categorical({ logits: p });
        close(d.logProb(c.value as number[]), c['log_prob'] as Nested, tolerance, 'log_prob');
        close(d.entropy(), c['entropy'] as Nested, tolerance, 'entropy');
        const mode = d.mode();
        expect(mode.dtype).toBe('int32');
        close(mode, c['mode'] as Nested, { atol: 0, rtol: 0 }, 'mode');
        close(d.mean(), denull(c['mean']), { atol: 0, rtol: 0 }, 'mean');
        close(d.variance(), denull(c['variance']), { atol: 0, rtol: 0 }, 'variance');
        d.dispose();
      });
    });
  });

  it('treats logits of −∞ as impossible categories and indices outside {0, …, K − 1} as −∞', async () => {
    await expectNoLeaks(() => {
      const logits = tf.tensor1d([-Infinity, 0, 0]);
      const d = new Categorical({ logits });
      // Two equally likely categories: log ½ each, entropy log 2 (exact references).
      close(
        d.logProb([0, 1, 2, 3, -1, 1.5]),
        [-Infinity, -Math.LN2, -Math.LN2, -Infinity, -Infinity, -Infinity],
        tolerance,
      );
      close(d.entropy(), Math.LN2, tolerance);
      close(d.probs(), [0, 0.5, 0.5], tolerance);
      const x = d.sample(1000, 5);
      expect(Array.from(x.dataSync()).every((v) => v === 1 || v === 2)).toBe(true);
      x.dispose();
      d.dispose();
      logits.dispose();
    });
  });

  it('gives torch log-probabilities −15.94 (log 2^-23) to zero-probability categories given by probs', async () => {
    await expectNoLeaks(() => {
      const d = categorical({ probs: [0, 0.25, 0.75] });
      close(d.logProb([0, 2]), [Math.log(2 ** -23), Math.log(0.75)], tolerance);
      close(d.logits(), [Math.log(2 ** -23), Math.log(0.25), Math.log(0.75)], tolerance);
      d.dispose();
    });
  });

  it('gives torch gradients of log_prob and entropy with respect to the logits (masked gather)', async () => {
    const logits = tf.tensor(gradientCase.params['logits'] as number[][]);
    await expectNoLeaks(() => {
      const value = gradientCase.value as number[][];
      const [gLogProb] = tf.grads((l: tf.Tensor) => tf.sum(new Categorical({ logits: l }).logProb(value)))([
        logits,
      ]);
      const [gEntropy] = tf.grads((l: tf.Tensor) => tf.sum(new Categorical({ logits: l }).entropy()))([
        logits,
      ]);
      const expected = gradientCase as unknown as {
        log_prob_grad: { logits: number[][] };
        entropy_grad: { logits: number[][] };
      };
      close(gLogProb!, expected.log_prob_grad.logits, tolerance);
      close(gEntropy!, expected.entropy_grad.logits, tolerance);
    });
    logits.dispose();
  });

  it('samples int32 indices that pass a χ² goodness-of-fit test, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const probs = [
        [0.1, 0.2, 0.3, 0.4],
        [0.7, 0.05, 0.05, 0.2],
      ];
      const d = new Categorical({ probs });
      const x = d.sample([n], 2024);
      expect(x.shape).toEqual([n, 2]);
      expect(x.dtype).toBe('int32');
      const values = x.dataSync();
      for (let row = 0; row < 2; row++) {
        const counts = [0, 0, 0, 0];
        for (let i = row; i < values.length; i += 2) counts[values[i]!]! += 1;
        // χ²(3) exceeds 16.27 with probability 0.001: a correct sampler fails this fixed-seed test with
        // probability 1e-3 (a wrong one, e.g. off by 0.01 in one category, gives χ² ≈ 50).
        expect(chiSquare(counts, probs[row]!, n)).toBeLessThan(16.27);
      }
      const again = d.sample([n], 2024);
      expect(Array.from(again.dataSync())).toEqual(Array.from(values));
      const fromLogits = new Categorical({ logits: tf.tidy(() => tf.log(tf.tensor2d(probs))) });
      const y = fromLogits.sample([3, 4], 9);
      expect(y.shape).toEqual([3, 4, 2]);
      tf.dispose([x, again, y, fromLogits.params['logits']!]);
      d.dispose();
      fromLogits.dispose();
    });
  });

  it('has the shapes, support and flags of torch', () => {
    const d = new Categorical({
      logits: [
        [0, 1, 2],
        [2, 1, 0],
      ],
    });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([]);
    expect(d.numCategories).toBe(3);
    expect(d.reparameterized).toBe(false);
    expect(d.support.name).toBe('integer_interval(0, 2)');
    expect(d.support.discrete).toBe(true);
    expect(Object.keys(d.params)).toEqual(['logits']);
    d.dispose();
  });
});

describe('Categorical input checks', () => {
  it('rejects probabilities outside [0, 1] or not summing to 1, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new Categorical({ probs: [0.5, 0.6] })).toThrow(DomainError);
      expect(
        () =>
          new Categorical({
            probs: [
              [0.5, 0.5],
              [0.5, 0.6],
            ],
          }),
      ).toThrow(
        "Categorical: argument 'probs' has a row summing to 1.100000023841858 (row 1 of the flattened batch), expected probabilities summing to 1",
      );
      expect(() => new Categorical({ probs: [1.5, -0.5] })).toThrow(
        "Categorical: argument 'probs' has 1.5 at flat index 0, expected a probability in [0, 1]",
      );
      expect(() => new Categorical({ logits: [0, NaN] })).toThrow(
        "Categorical: argument 'logits' has NaN at flat index 1",
      );
      expect(() => new Categorical({ logits: [0, Infinity] })).toThrow(DomainError);
      expect(() => new Categorical({ logits: [-Infinity, -Infinity] })).toThrow('a row of only −Infinity');
    });
  });

  it('checks tensor parameters only when asked; shapes always', async () => {
    await expectNoLeaks(() => {
      const probs = tf.tensor1d([0.2, 0.2]);
      expect(() => new Categorical({ probs }).dispose()).not.toThrow(); // normalised, as torch
      expect(() => new Categorical({ probs }, { validate: true })).toThrow(DomainError);
      probs.dispose();
      expect(() => new Categorical({ logits: 0 })).toThrow(ShapeError);
      expect(() => new Categorical({ logits: 0 })).toThrow(
        "Categorical: argument 'logits' has shape [], expected [..., K] with K ≥ 1 categories on the last axis",
      );
      expect(() => new Categorical({ logits: [0], probs: [1] } as never)).toThrow(ArgumentError);
      const d = new Categorical({ probs: [0.5, 0.5] });
      expect(() => d.logProb([2])).toThrow(
        "Categorical.logProb: argument 'value' has entries outside the support",
      );
      expect(() => d.logProb([0.5])).toThrow(DomainError);
      d.dispose();
    });
  });
});
