import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { NotImplementedError, type Distribution } from './distribution.js';
import data from './fixtures/composite.json' with { type: 'json' };
import { REFERENCE_TOLERANCE } from './fixtures/cases.js';
import { Independent } from './independent.js';
import { MixtureSameFamily, mixtureSameFamily } from './mixture-same-family.js';
import { Normal } from './normal.js';

type Nested = number | Nested[];
interface MixtureCase {
  readonly set: string;
  readonly component_event_rank: number;
  readonly params: { logits: Nested; loc: Nested; scale: Nested };
  readonly value: Nested;
  readonly log_prob: Nested;
  readonly mean: Nested;
  readonly variance: Nested;
  readonly cdf?: Nested;
}

const CASES = (data as unknown as { mixture: MixtureCase[] }).mixture;

function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...shapeOf(x[0] ?? 0)] : [];
}

describeEachBackend('MixtureSameFamily', ({ backend }) => {
  // cpu/wasm: the conformance contract. WebGL (SwiftShader): exp/log shaders, measured below 1e-3.
  const tolerance: Tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  CASES.forEach((c, index) => {
    const shape = `logits ${JSON.stringify(shapeOf(c.params.logits))}, components ${JSON.stringify(shapeOf(c.params.loc))}`;
    it(`matches torch's MixtureSameFamily, case ${index} (${c.set}; ${shape})`, async () => {
      await expectNoLeaks(() => {
        const normal = new Normal(c.params.loc as number[], c.params.scale as number[]);
        const components: Distribution = c.component_event_rank === 1 ? new Independent(normal, 1) : normal;
        const d = new MixtureSameFamily(c.params.logits as number[], components);
        const value = tf.tensor(c.value as number[]);
        const checks: [string, tf.Tensor, Nested | undefined][] = [
          ['log_prob', d.logProb(value), c.log_prob],
          ['mean', d.mean(), c.mean],
          ['variance', d.variance(), c.variance],
        ];
        if (c.cdf !== undefined) checks.push(['cdf', d.cdf(value), c.cdf]);
        for (const [name, actual, expected] of checks) {
          try {
            expect(actual.shape).toEqual(shapeOf(expected!));
            expectClose(actual, expected as number[], tolerance);
          } catch (error) {
            throw new Error(`${name}: ${(error as Error).message}`);
          }
        }
        tf.dispose([value, ...checks.map(([, t]) => t)]);
        d.dispose();
        normal.dispose();
      });
    });
  });

  it('samples a component then its value: moments and component frequencies for a fixed seed', async () => {
    await expectNoLeaks(() => {
      // 0.3 N(−2, 0.5²) + 0.7 N(3, 1): mean 1.5, variance 0.3·0.25 + 0.7 + 0.3·3.5² + 0.7·1.5² = 6.025.
      const components = new Normal([-2, 3], [0.5, 1]);
      const d = mixtureSameFamily([Math.log(0.3), Math.log(0.7)], components);
      expect(d.reparameterized).toBe(false);
      const n = 20000;
      const x = d.sample(n, 11);
      expect(x.shape).toEqual([n]);
      const { mean, variance } = tf.moments(x);
      // Standard errors: √(6.025/n) = 0.017 for the mean, ≈ 0.06 for the variance; 4 of them.
      expectClose(mean, 1.5, { atol: 0.07, rtol: 0 });
      expectClose(variance, 6.025, { atol: 0.25, rtol: 0 });
      // P(X > 0.5) = 0.3·P(N(−2, 0.5²) > 0.5) + 0.7·P(N(3, 1) > 0.5) = 0.7·Φ(2.5) = 0.69565; SE 0.0033.
      const above = tf.tidy(() => tf.mean(tf.cast(tf.greater(x, 0.5), 'float32')));
      expectClose(above, 0.69565, { atol: 0.014, rtol: 0 });
      const again = d.sample(n, 11);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      const other = d.sample(n, 12);
      expect(Array.from(other.dataSync())).not.toEqual(Array.from(x.dataSync()));
      tf.dispose([x, mean, variance, above, again, other]);
      d.dispose();
      components.dispose();
    });
  });

  it('samples with shared weights over a batch and with vector components', async () => {
    await expectNoLeaks(() => {
      // Weights [K] shared by a batch of 2; component k of batch b is N(10·b + 100·k, 0.01²).
      const normal = new Normal(
        [
          [0, 100],
          [10, 110],
        ],
        0.01,
      );
      const d = new MixtureSameFamily([0, -Infinity], normal);
      const x = d.sample([3], 5);
      expect(x.shape).toEqual([3, 2]);
      expectClose(
        x,
        [
          [0, 10],
          [0, 10],
          [0, 10],
        ],
        { atol: 0.05, rtol: 0 },
      );
      const base = new Normal(
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
        0.01,
      ); // batch [1, K = 2], event [2]
      const vector = new MixtureSameFamily([-Infinity, 0], new Independent(base, 1));
      expect(vector.batchShape).toEqual([1]);
      expect(vector.eventShape).toEqual([2]);
      const v = vector.sample(4, 1);
      expect(v.shape).toEqual([4, 1, 2]);
      expectClose(v, [[[3, 4]], [[3, 4]], [[3, 4]], [[3, 4]]], { atol: 0.05, rtol: 0 });
      tf.dispose([x, v]);
      d.dispose();
      normal.dispose();
      vector.dispose();
      base.dispose();
    });
  });

  it('gives log p the gradients of the responsibilities: ∂/∂μₖ = rₖ(x − μₖ)/σₖ², ∂/∂ℓₖ = rₖ − πₖ', async () => {
    await expectNoLeaks(() => {
      const loc = tf.tensor([-1, 2]);
      const logits = tf.tensor([0.3, -0.4]);
      const scales = [0.5, 1.5];
      const x0 = 0.7;
      const [gLoc, gLogits] = tf.grads((m: tf.Tensor, l: tf.Tensor) =>
        new MixtureSameFamily(l, new Normal(m, scales)).logProb(x0),
      )([loc, logits]);
      // Responsibilities in float64.
      const mu = [-1, 2];
      const w = [Math.exp(0.3), Math.exp(-0.4)];
      const pi = w.map((v) => v / (w[0]! + w[1]!));
      const dens = mu.map((m, k) => (pi[k]! * Math.exp(-0.5 * ((x0 - m) / scales[k]!) ** 2)) / scales[k]!);
      const r = dens.map((v) => v / (dens[0]! + dens[1]!));
      expectClose(
        gLoc!,
        mu.map((m, k) => (r[k]! * (x0 - m)) / scales[k]! ** 2),
        { atol: 1e-4, rtol: 1e-3 },
      );
      expectClose(
        gLogits!,
        r.map((v, k) => v - pi[k]!),
        { atol: 1e-4, rtol: 1e-3 },
      );
      tf.dispose([loc, logits, gLoc!, gLogits!]);
    });
  });

  it('takes a Categorical-like object exposing logits, which stays the caller’s', async () => {
    await expectNoLeaks(() => {
      const logits = tf.tensor([0, 0]);
      const components = new Normal([-1, 2], [0.5, 1]);
      const d = new MixtureSameFamily({ logits }, components);
      const lp = d.logProb(0);
      // ½ N(0; −1, 0.5²) + ½ N(0; 2, 1), torch: −2.5134734.
      expectClose(lp, -2.5134734250965085, tolerance);
      d.dispose();
      expect(logits.isDisposed).toBe(false);
      tf.dispose([lp, logits]);
      components.dispose();
    });
  });
});

describe('MixtureSameFamily input checks', () => {
  it('has no closed-form entropy and says how to estimate it', () => {
    const components = new Normal([0, 1], [1, 1]);
    const d = new MixtureSameFamily([0, 0], components);
    expect(() => d.entropy()).toThrow(NotImplementedError);
    expect(() => d.entropy()).toThrow(
      'MixtureSameFamily.entropy: the entropy of a mixture has no closed form; estimate it by Monte Carlo',
    );
    d.dispose();
    components.dispose();
  });

  it('rejects mismatched mixture and component shapes, naming both', () => {
    const components = new Normal(
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      1,
    ); // batch [2], K = 3
    const before = tf.memory().numTensors;
    expect(() => new MixtureSameFamily([0, 0], components)).toThrow(ShapeError);
    expect(() => new MixtureSameFamily([0, 0], components)).toThrow(
      "MixtureSameFamily: argument 'mixture' has 2 components (logits of shape [2]), but 'components' has 3 (batch shape [2,3]); the last axes must agree",
    );
    expect(
      () =>
        new MixtureSameFamily(
          [
            [0, 0, 0],
            [0, 0, 0],
            [0, 0, 0],
          ],
          components,
        ),
    ).toThrow(
      "MixtureSameFamily: the mixture's batch shape [3] (logits [3,3]) does not broadcast to the components' batch shape [2] (components [2,3]); expected equal axes or 1",
    );
    expect(tf.memory().numTensors).toBe(before);
    const scalar = new Normal(0, 1);
    expect(() => new MixtureSameFamily([0], scalar)).toThrow(
      "MixtureSameFamily: argument 'components' has batch shape [], expected [...batch, K] (its last batch axis indexes the components)",
    );
    expect(() => new MixtureSameFamily([0, 0], 'normal' as unknown as Normal)).toThrow(ArgumentError);
    expect(() => new MixtureSameFamily([0, Number.NaN, 0], components)).toThrow(DomainError);
    scalar.dispose();
    components.dispose();
  });

  it('checks value shapes against the batch and event shapes', () => {
    const components = new Normal(
      [
        [0, 1],
        [2, 3],
      ],
      1,
    );
    const d = new MixtureSameFamily([0, 0], components);
    expect(() => d.logProb([1, 2, 3])).toThrow(
      "MixtureSameFamily.logProb: argument 'value' has shape [3], which does not broadcast with batch shape [2]",
    );
    d.dispose();
    components.dispose();
  });
});
