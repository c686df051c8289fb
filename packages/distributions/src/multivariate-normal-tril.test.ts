import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE, type Nested } from './fixtures/cases.js';
import extra from './fixtures/multivariate.json' with { type: 'json' };
import { MultivariateNormalTriL, multivariateNormalTriL } from './multivariate-normal-tril.js';

// Cases of fixtures/multivariate.json (generate_multivariate.py: torch.distributions, float64).
interface ExtraCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly [quantity: string]: unknown;
}
const extraCases = (extra.cases as unknown as ExtraCase[]).filter(
  (c) => c.family === 'MultivariateNormalTriL',
);
const gradientCase = (extra.gradients as unknown as ExtraCase[]).find(
  (c) => c.family === 'MultivariateNormalTriL',
)!;

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance, what = ''): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } catch (error) {
    throw new Error(`MultivariateNormalTriL ${what}: ${(error as Error).message}`);
  } finally {
    actual.dispose();
  }
}

const LOC = [1, -1, 0.5];
const TRIL = [
  [1, 0, 0],
  [0.5, 2, 0],
  [-0.3, 0.4, 0.7],
];
/** Σ = L Lᵀ of TRIL, written out. */
const COVARIANCE = [
  [1, 0.5, -0.3],
  [0.5, 4.25, 0.65],
  [-0.3, 0.65, 0.74],
];

describeEachBackend('MultivariateNormalTriL', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('MultivariateNormalTriL')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new MultivariateNormalTriL(
        c.params['loc'] as number[][],
        c.params['scale_tril'] as number[][][],
      );
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    it(`matches torch with broadcasting, k = 1 and k = 5 (multivariate.json case ${i})`, async () => {
      await expectNoLeaks(() => {
        const d = new MultivariateNormalTriL(
          c.params['loc'] as number[][],
          c.params['scale_tril'] as number[][][],
        );
        close(d.logProb(c.value as number[][]), c['log_prob'] as Nested, tolerance, 'log_prob');
        for (const name of ['entropy', 'mean', 'variance', 'mode', 'covarianceMatrix'] as const) {
          const key = name === 'covarianceMatrix' ? 'covariance_matrix' : name;
          close(d[name](), c[key] as Nested, tolerance, name);
        }
        d.dispose();
      });
    });
  });

  it('broadcasts a value without batch axes, and sample axes, against the batch', async () => {
    await expectNoLeaks(() => {
      const c = extraCases[0]!; // loc [2, 3] with one scale_tril [3, 3]
      const d = new MultivariateNormalTriL(
        c.params['loc'] as number[][],
        c.params['scale_tril'] as number[][],
      );
      const v = (c.value as number[][][])[0]![1]!; // a [3] value
      const one = d.logProb(v);
      const tiled = d.logProb([v, v]);
      const withSampleAxes = d.logProb([[[v]], [[v]]]); // [2, 1, 1, 3]
      expect(one.shape).toEqual([2]);
      expect(withSampleAxes.shape).toEqual([2, 1, 2]);
      expectClose(one, tiled, { atol: 0, rtol: 0 });
      // The reference: torch's log_prob of this value under batch member 1.
      expectClose(one.dataSync()[1]!, (c['log_prob'] as number[][])[0]![1]!, tolerance);
      expectClose(withSampleAxes, [[[...tiled.dataSync()]], [[...tiled.dataSync()]]], { atol: 0, rtol: 0 });
      tf.dispose([one, tiled, withSampleAxes]);
      d.dispose();
    });
  });

  it('gives torch gradients of log_prob and entropy with respect to loc and scale_tril', async () => {
    const loc = tf.tensor(gradientCase.params['loc'] as number[][]);
    const tril = tf.tensor(gradientCase.params['scale_tril'] as number[][][]);
    await expectNoLeaks(() => {
      const value = gradientCase.value as number[][][];
      const [gLoc, gTril] = tf.grads((m: tf.Tensor, l: tf.Tensor) =>
        tf.sum(new MultivariateNormalTriL(m, l).logProb(value)),
      )([loc, tril]);
      const gTrilEntropy = tf.grad((l: tf.Tensor) => tf.sum(new MultivariateNormalTriL(loc, l).entropy()))(
        tril,
      );
      const expected = gradientCase as unknown as {
        log_prob_grad: { loc: number[][]; scale_tril: number[][][] };
        entropy_grad: { scale_tril: number[][][] };
      };
      close(gLoc!, expected.log_prob_grad.loc, tolerance, 'd log_prob / d loc');
      close(gTril!, expected.log_prob_grad.scale_tril, tolerance, 'd log_prob / d scale_tril');
      close(gTrilEntropy, expected.entropy_grad.scale_tril, tolerance, 'd entropy / d scale_tril');
    });
    tf.dispose([loc, tril]);
  });

  it('samples with mean μ and covariance L Lᵀ, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const d = multivariateNormalTriL(LOC, TRIL);
      const x = d.sample(n, 21);
      expect(x.shape).toEqual([n, 3]);
      const { mean, covariance } = tf.tidy(() => {
        const m = tf.mean(x, 0);
        const centred = tf.sub(x, m);
        return { mean: m, covariance: tf.div(tf.matMul(centred, centred, true, false), n - 1) };
      });
      // Mean: standard error √(Σ_ii/n) ≤ 0.0146; sample covariance: standard error √((Σ_ii Σ_jj + Σ_ij²)/n);
      // bounds 4 standard errors, entry by entry.
      const meanBound = Math.max(...COVARIANCE.map((row, i) => 4 * Math.sqrt(row[i]! / n)));
      expectClose(mean, LOC, { atol: meanBound, rtol: 0 });
      const actual = covariance.arraySync() as number[][];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const se = Math.sqrt((COVARIANCE[i]![i]! * COVARIANCE[j]![j]! + COVARIANCE[i]![j]! ** 2) / n);
          expect(Math.abs(actual[i]![j]! - COVARIANCE[i]![j]!), `Σ[${i}][${j}]`).toBeLessThan(4 * se);
        }
      }
      const again = d.sample(n, 21);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      // A batch of two with one scale_tril: shape [sample, batch, k].
      const batched = new MultivariateNormalTriL([LOC, LOC], TRIL);
      const y = batched.sample([4, 5], 1);
      expect(y.shape).toEqual([4, 5, 2, 3]);
      tf.dispose([x, mean, covariance, again, y]);
      d.dispose();
      batched.dispose();
    });
  });

  it('reparameterised samples give the analytic gradients of E‖x‖² = ‖μ‖² + Σ_ij L_ij²', async () => {
    const loc = tf.tensor1d(LOC);
    const tril = tf.tensor2d(TRIL);
    await expectNoLeaks(() => {
      const n = 40000;
      const [gLoc, gTril] = tf.grads((m: tf.Tensor, l: tf.Tensor) =>
        tf.mean(tf.sum(tf.square(new MultivariateNormalTriL(m, l).sample(n, 8)), -1)),
      )([loc, tril]);
      // ∂/∂μ = 2μ, estimated by the mean of 2x: standard error 2√(Σ_ii/n) ≤ 0.021.
      expectClose(
        gLoc!,
        LOC.map((m) => 2 * m),
        { atol: 4 * 2 * Math.sqrt(4.25 / n), rtol: 0 },
      );
      // ∂/∂L_ij = 2L_ij (0 above the diagonal), estimated by the mean of 2 x_i ε_j, whose variance is
      // 4(μ_i² + Σ_ii + L_ij²) for Gaussian x, ε; bound 4 standard errors, entry by entry.
      const g = gTril!.arraySync() as number[][];
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const se = 2 * Math.sqrt((LOC[i]! ** 2 + COVARIANCE[i]![i]! + TRIL[i]![j]! ** 2) / n);
          expect(Math.abs(g[i]![j]! - 2 * TRIL[i]![j]!), `∂/∂L[${i}][${j}]`).toBeLessThan(4 * se);
        }
      }
      tf.dispose([gLoc!, gTril!]);
    });
    tf.dispose([loc, tril]);
  });

  it('has the shapes, support and flags of torch', () => {
    const d = new MultivariateNormalTriL(
      [0, 0],
      [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [2, 0],
          [1, 1],
        ],
      ],
    );
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([2]);
    expect(d.reparameterized).toBe(true);
    expect(d.support.name).toBe('real_vector');
    expect(Object.keys(d.params)).toEqual(['loc', 'scale_tril']);
    d.dispose();
  });
});

describe('MultivariateNormalTriL input checks', () => {
  it('rejects a scaleTril that is not lower triangular with a positive diagonal, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0],
            [
              [1, 0.5],
              [0, 1],
            ],
          ),
      ).toThrow(DomainError);
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0],
            [
              [1, 0.5],
              [0, 1],
            ],
          ),
      ).toThrow(
        "MultivariateNormalTriL: argument 'scaleTril' has 0.5 above the diagonal at entry (0, 1) of matrix 0 of the flattened batch, expected a lower-triangular matrix",
      );
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0],
            [
              [1, 0],
              [0.5, 0],
            ],
          ),
      ).toThrow(
        "MultivariateNormalTriL: argument 'scaleTril' has 0 on the diagonal at entry (1, 1) of matrix 0 of the flattened batch, expected a positive diagonal",
      );
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0],
            [
              [
                [1, 0],
                [0, 1],
              ],
              [
                [-1, 0],
                [0, 1],
              ],
            ],
          ),
      ).toThrow('of matrix 1 of the flattened batch');
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, NaN],
            [
              [1, 0],
              [0, 1],
            ],
          ),
      ).toThrow("MultivariateNormalTriL: argument 'loc' has NaN");
      const tril = tf.tensor2d([
        [1, 1],
        [0, 1],
      ]);
      expect(() => new MultivariateNormalTriL([0, 0], tril).dispose()).not.toThrow();
      expect(() => new MultivariateNormalTriL([0, 0], tril, { validate: true })).toThrow(DomainError);
      tril.dispose();
    });
  });

  it('raises shape errors: loc [3] with scaleTril [2, 2], non-square factors, batches that do not broadcast', async () => {
    await expectNoLeaks(() => {
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0, 0],
            [
              [1, 0],
              [0, 1],
            ],
          ),
      ).toThrow(ShapeError);
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0, 0],
            [
              [1, 0],
              [0, 1],
            ],
          ),
      ).toThrow(
        "MultivariateNormalTriL: argument 'loc' has shape [3], expected [..., 2] to match 'scaleTril' [2,2]",
      );
      expect(
        () =>
          new MultivariateNormalTriL(
            [0, 0],
            [
              [1, 0, 0],
              [0, 1, 0],
            ],
          ),
      ).toThrow("MultivariateNormalTriL: argument 'scaleTril' has shape [2,3], expected [..., n, n]");
      expect(() => new MultivariateNormalTriL([0, 0], [1, 1])).toThrow(ShapeError);
      const eye = [
        [1, 0],
        [0, 1],
      ];
      expect(
        () =>
          new MultivariateNormalTriL(
            [
              [0, 0],
              [0, 0],
              [0, 0],
            ],
            [eye, eye],
          ),
      ).toThrow(ShapeError);
      const d = new MultivariateNormalTriL([0, 0], eye);
      expect(() => d.logProb([0, 0, 0])).toThrow(ShapeError);
      d.dispose();
    });
  });
});
