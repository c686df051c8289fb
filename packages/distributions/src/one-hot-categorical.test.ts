import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE, type Nested } from './fixtures/cases.js';
import extra from './fixtures/multivariate.json' with { type: 'json' };
import { OneHotCategorical, oneHotCategorical } from './one-hot-categorical.js';

// Cases of fixtures/multivariate.json (generate_multivariate.py: torch.distributions, float64).
interface ExtraCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly [quantity: string]: unknown;
}
const extraCases = (extra.cases as unknown as ExtraCase[]).filter((c) => c.family === 'OneHotCategorical');

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance, what = ''): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } catch (error) {
    throw new Error(`OneHotCategorical ${what}: ${(error as Error).message}`);
  } finally {
    actual.dispose();
  }
}

describeEachBackend('OneHotCategorical', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('OneHotCategorical')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new OneHotCategorical({ logits: c.params['logits'] as number[][] });
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    const kind = 'probs' in c.params ? 'probs' : 'logits';
    it(`matches torch with ${kind} (multivariate.json case ${i}: log_prob, entropy, mean, variance, mode)`, async () => {
      await expectNoLeaks(() => {
        const p = c.params[kind] as number[][];
        const d =
          kind === 'probs' ? new OneHotCategorical({ probs: p }) : new OneHotCategorical({ logits: p });
        for (const name of ['log_prob', 'entropy', 'mean', 'variance', 'mode'] as const) {
          const actual =
            name === 'log_prob'
              ? d.logProb(c.value as number[][])
              : name === 'entropy'
                ? d.entropy()
                : d[name]();
          close(actual, c[name] as Nested, name === 'mode' ? { atol: 0, rtol: 0 } : tolerance, name);
        }
        d.dispose();
      });
    });
  });

  it('gives −∞ to vectors that are not one-hot', async () => {
    await expectNoLeaks(() => {
      const logits = tf.tensor1d([0, 0, 0, 0]);
      const d = new OneHotCategorical({ logits });
      close(
        d.logProb([
          [0, 1, 0, 0],
          [0, 1, 1, 0],
          [0, 0, 0, 0],
          [0, 0.5, 0.5, 0],
        ]),
        [-Math.log(4), -Infinity, -Infinity, -Infinity],
        tolerance,
      );
      d.dispose();
      logits.dispose();
    });
  });

  it('samples one-hot vectors whose mean is p, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const probs = [0.1, 0.2, 0.3, 0.4];
      const d = oneHotCategorical({ probs });
      const x = d.sample(n, 77);
      expect(x.shape).toEqual([n, 4]);
      expect(x.dtype).toBe('float32');
      const sums = tf.sum(x, -1);
      expect(Array.from(sums.dataSync()).every((s) => s === 1)).toBe(true);
      // Each coordinate is a Bernoulli(p_k) frequency: standard error √(p(1 − p)/n) ≤ 0.0035; bound 4 of them.
      const freq = tf.mean(x, 0);
      expectClose(freq, probs, { atol: 0.014, rtol: 0 });
      const again = d.sample(n, 77);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      tf.dispose([x, sums, freq, again]);
      d.dispose();
    });
  });

  it('has the shapes, support and flags of torch', () => {
    const d = new OneHotCategorical({
      logits: [
        [0, 1, 2],
        [2, 1, 0],
      ],
    });
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([3]);
    expect(d.reparameterized).toBe(false);
    expect(d.support.name).toBe('one_hot');
    d.dispose();
  });
});

describe('OneHotCategorical input checks', () => {
  it('rejects bad probabilities and shapes, naming the family and the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new OneHotCategorical({ probs: [0.5, 0.6] })).toThrow(DomainError);
      expect(() => new OneHotCategorical({ probs: [0.5, 0.6] })).toThrow(
        "OneHotCategorical: argument 'probs' has a row summing to",
      );
      expect(() => new OneHotCategorical({ probs: [-0.5, 1.5] })).toThrow(
        "OneHotCategorical: argument 'probs' has -0.5",
      );
      expect(() => new OneHotCategorical({ logits: 1 })).toThrow(ShapeError);
      const d = new OneHotCategorical({ probs: [0.5, 0.5] });
      expect(() => d.logProb([1, 0, 0])).toThrow(
        "OneHotCategorical.logProb: argument 'value' has shape [3], expected [...batch, 2]",
      );
      expect(() => d.logProb([1, 1])).toThrow(DomainError);
      d.dispose();
    });
  });
});
