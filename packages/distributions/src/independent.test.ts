import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import data from './fixtures/composite.json' with { type: 'json' };
import { REFERENCE_TOLERANCE } from './fixtures/cases.js';
import { Independent, independent } from './independent.js';
import { Normal } from './normal.js';

type Nested = number | Nested[];
interface IndependentCase {
  readonly set: string;
  readonly reinterpreted_batch_ndims: number;
  readonly params: { loc: Nested; scale: Nested };
  readonly value: Nested;
  readonly log_prob: Nested;
  readonly entropy: Nested;
  readonly mean: Nested;
  readonly variance: Nested;
}

/** The shape of a nested array. */
function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...shapeOf(x[0] ?? 0)] : [];
}

const CASES = (data as unknown as { independent: IndependentCase[] }).independent;

describeEachBackend('Independent', ({ backend }) => {
  // cpu/wasm: the conformance contract. WebGL (SwiftShader): log/exp shaders, measured below 1e-3.
  const tolerance: Tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  CASES.forEach((c, index) => {
    it(`matches torch's Independent(Normal, ${c.reinterpreted_batch_ndims}), case ${index} (${c.set})`, async () => {
      await expectNoLeaks(() => {
        const base = new Normal(c.params.loc as number[], c.params.scale as number[]);
        const d = new Independent(base, c.reinterpreted_batch_ndims);
        const value = tf.tensor(c.value as number[]);
        const checks: [string, tf.Tensor, Nested][] = [
          ['log_prob', d.logProb(value), c.log_prob],
          ['entropy', d.entropy(), c.entropy],
          ['mean', d.mean(), c.mean],
          ['variance', d.variance(), c.variance],
        ];
        for (const [name, actual, expected] of checks) {
          try {
            expect(actual.shape).toEqual(shapeOf(expected));
            expectClose(actual, expected as number[], tolerance);
          } catch (error) {
            throw new Error(`${name}: ${(error as Error).message}`);
          }
        }
        tf.dispose([value, ...checks.map(([, t]) => t)]);
        base.dispose();
      });
    });
  });

  it('moves batch axes into the event and samples with the base', async () => {
    await expectNoLeaks(() => {
      const base = new Normal(
        [
          [0, 1, 2],
          [3, 4, 5],
        ],
        1,
      );
      const d = independent(base, 1);
      expect(d.batchShape).toEqual([2]);
      expect(d.eventShape).toEqual([3]);
      expect(d.reparameterized).toBe(true);
      expect(d.support.eventRank).toBe(1);
      const x = d.sample([4], 3);
      const y = base.sample([4], 3);
      expect(x.shape).toEqual([4, 2, 3]);
      expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
      tf.dispose([x, y]);
      base.dispose();
    });
  });

  it('passes gradients of log p through to the base parameters', async () => {
    await expectNoLeaks(() => {
      const loc = tf.tensor([0.5, -1]);
      // d/dμ Σ log N(x; μ, 1) = Σ (x − μ) over the event.
      const g = tf.grad((m: tf.Tensor) =>
        tf.sum(
          new Independent(new Normal(m, [1, 1]), 1).logProb([
            [1, 1],
            [0, 0],
          ]),
        ),
      )(loc);
      expectClose(g, [0.5 - 0.5, 2 + 1], { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([loc, g]);
    });
  });
});

describe('Independent input checks', () => {
  it('rejects reinterpretedBatchNdims above the batch rank, negative or fractional', () => {
    const base = new Normal([0, 1], [1, 1]);
    expect(() => new Independent(base, 2)).toThrow(ShapeError);
    expect(() => new Independent(base, 2)).toThrow(
      "Independent: argument 'reinterpretedBatchNdims' is 2, more than the 1 batch axes of the base Normal (batch shape [2])",
    );
    expect(() => new Independent(base, -1)).toThrow(ArgumentError);
    expect(() => new Independent(base, 0.5)).toThrow(
      "Independent: argument 'reinterpretedBatchNdims' is 0.5, expected a non-negative integer",
    );
    expect(() => new Independent({} as Normal, 0)).toThrow(ArgumentError);
    base.dispose();
  });

  it('checks value shapes against batch + event, and the support when validating', () => {
    const base = new Normal(
      [
        [0, 1],
        [2, 3],
      ],
      [
        [1, 1],
        [1, 1],
      ],
    );
    const d = new Independent(base, 1);
    expect(() => d.logProb([1, 2, 3])).toThrow(
      "Independent.logProb: argument 'value' has shape [3], expected [...batch, 2]",
    );
    expect(() => d.logProb([[Number.NaN, 0]])).toThrow(DomainError);
    base.dispose();
  });
});
