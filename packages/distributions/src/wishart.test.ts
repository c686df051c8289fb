import * as tf from '@tensorflow/tfjs-core';
import { cholesky, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE, type Nested } from './fixtures/cases.js';
import extra from './fixtures/multivariate.json' with { type: 'json' };
import { Wishart, wishart } from './wishart.js';

// Cases of fixtures/multivariate.json (generate_multivariate.py: torch.distributions, float64); JSON null
// stands for NaN (the mode for df ≤ p + 1).
interface ExtraCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly [quantity: string]: unknown;
}
const denull = (x: unknown): Nested => (x === null ? NaN : Array.isArray(x) ? x.map(denull) : (x as number));
const extraCases = (extra.cases as unknown as ExtraCase[]).filter((c) => c.family === 'Wishart');
const gradientCase = (extra.gradients as unknown as ExtraCase[]).find((c) => c.family === 'Wishart')!;

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance, what = ''): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } catch (error) {
    throw new Error(`Wishart ${what}: ${(error as Error).message}`);
  } finally {
    actual.dispose();
  }
}

describeEachBackend('Wishart', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('Wishart')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new Wishart(c.params['df'] as number[], c.params['scale_tril'] as number[][][]);
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    it(`matches torch for p = 1, 2, 3, df near p − 1 and broadcast df (multivariate.json case ${i})`, async () => {
      await expectNoLeaks(() => {
        const d = new Wishart(c.params['df'] as number[], c.params['scale_tril'] as number[][][]);
        close(d.logProb(c.value as number[][][]), c['log_prob'] as Nested, tolerance, 'log_prob');
        for (const name of ['entropy', 'mean', 'variance', 'mode', 'covarianceMatrix'] as const) {
          const key = name === 'covarianceMatrix' ? 'covariance_matrix' : name;
          close(d[name](), denull(c[key]), tolerance, name);
        }
        d.dispose();
      });
    });
  });

  it('gives torch gradients of log_prob and entropy with respect to df and scale_tril', async () => {
    const df = tf.tensor(gradientCase.params['df'] as number[]);
    const tril = tf.tensor(gradientCase.params['scale_tril'] as number[][][]);
    await expectNoLeaks(() => {
      const value = gradientCase.value as number[][][];
      const [gDf, gTril] = tf.grads((v: tf.Tensor, l: tf.Tensor) => tf.sum(new Wishart(v, l).logProb(value)))(
        [df, tril],
      );
      const [hDf, hTril] = tf.grads((v: tf.Tensor, l: tf.Tensor) => tf.sum(new Wishart(v, l).entropy()))([
        df,
        tril,
      ]);
      const expected = gradientCase as unknown as {
        log_prob_grad: { df: number[]; scale_tril: number[][][] };
        entropy_grad: { df: number[]; scale_tril: number[][][] };
      };
      // Lower triangles only: torch differentiates log_prob through cholesky_solve, whose gradient also
      // fills the upper triangle of scale_tril; elbo reads only the lower triangle (as torch's
      // MultivariateNormal), so its gradient there is exactly 0.
      const lower = (a: number[][][]): number[][][] =>
        a.map((m) => m.map((row, i) => row.map((v, j) => (j <= i ? v : 0))));
      const upperIsZero = (t: tf.Tensor): boolean =>
        (t.arraySync() as number[][][]).every((m) =>
          m.every((row, i) => row.every((v, j) => j <= i || v === 0)),
        );
      expect(upperIsZero(gTril!)).toBe(true);
      expect(upperIsZero(hTril!)).toBe(true);
      close(gDf!, expected.log_prob_grad.df, tolerance, 'd log_prob / d df');
      close(gTril!, lower(expected.log_prob_grad.scale_tril), tolerance, 'd log_prob / d scale_tril');
      close(hDf!, expected.entropy_grad.df, tolerance, 'd entropy / d df');
      close(hTril!, lower(expected.entropy_grad.scale_tril), tolerance, 'd entropy / d scale_tril');
    });
    tf.dispose([df, tril]);
  });

  it('samples symmetric positive-definite matrices with mean νΣ (Bartlett), identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const nu = 4.5;
      const sigma = [
        [1, 0.5],
        [0.5, 4.25],
      ];
      const d = wishart(nu, [
        [1, 0],
        [0.5, 2],
      ]);
      const x = d.sample(n, 17);
      expect(x.shape).toEqual([n, 2, 2]);
      const values = x.arraySync() as number[][][];
      expect(values.every((m) => m[0]![1] === m[1]![0])).toBe(true);
      const factor = cholesky(x); // throws unless every draw is positive definite
      factor.dispose();
      // Standard error of the mean of X_ij: √(Var[X_ij]/n), Var[X_ij] = ν(Σ_ij² + Σ_ii Σ_jj); 4 of them.
      const mean = tf.mean(x, 0);
      const m = mean.arraySync() as number[][];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          const se = Math.sqrt((nu * (sigma[i]![j]! ** 2 + sigma[i]![i]! * sigma[j]![j]!)) / n);
          expect(Math.abs(m[i]![j]! - nu * sigma[i]![j]!), `E[X][${i}][${j}]`).toBeLessThan(4 * se);
        }
      }
      const again = d.sample(n, 17);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      tf.dispose([x, mean, again]);
      d.dispose();
    });
  });

  it('samples the scaled χ²(ν) for p = 1: mean νσ² and variance 2νσ⁴', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const d = new Wishart([4.5, 0.5], [[[2]], [[1]]]); // ν = 0.5 > p − 1 = 0 tests the small-df gammas
      const x = d.sample(n, 4);
      expect(x.shape).toEqual([n, 2, 1, 1]);
      const { mean, variance } = tf.tidy(() => tf.moments(tf.reshape(x, [n, 2]), 0));
      // χ²(ν) has variance 2ν and kurtosis 3 + 12/ν. Mean: standard error √(2νσ⁴/n); bound 4 of them.
      expectClose(mean, [18, 0.5], { atol: 0, rtol: 4 * Math.sqrt(2 / (0.5 * n)) });
      // Variance: standard error Var·√((κ − 1)/n), 1.5% at ν = 4.5 and 3.6% at ν = 0.5; bound 4 of them.
      const [v0, v1] = Array.from(variance.dataSync());
      expect(Math.abs(v0! / (2 * 4.5 * 16) - 1)).toBeLessThan(4 * Math.sqrt((2 + 12 / 4.5) / n));
      expect(Math.abs(v1! / (2 * 0.5) - 1)).toBeLessThan(4 * Math.sqrt((2 + 12 / 0.5) / n));
      tf.dispose([x, mean, variance]);
      d.dispose();
    });
  });

  it('is reparameterised: gradients of E tr X = ν tr Σ reach df and scale_tril', async () => {
    const df = tf.scalar(4.5);
    const tril = tf.tensor2d([
      [1, 0],
      [0.5, 2],
    ]);
    await expectNoLeaks(() => {
      const [gDf, gTril] = tf.grads((v: tf.Tensor, l: tf.Tensor) =>
        tf.mean(tf.sum(tf.mul(new Wishart(v, l).sample(20000, 23), tf.eye(2)), [-2, -1])),
      )([df, tril]);
      // ∂/∂ν = tr Σ = 5.25 and ∂/∂L = 2νL. The Monte Carlo estimates' standard deviations, measured over 20
      // seeds at n = 20 000, are 0.014 (ν) and (0.050, 0.031; 0.064, 0.090) (L); bounds 4 of them.
      expect(Math.abs(gDf!.dataSync()[0]! - 5.25)).toBeLessThan(0.056);
      const g = gTril!.arraySync() as number[][];
      const expected = [
        [9, 0],
        [4.5, 18],
      ];
      const bounds = [
        [0.2, 0.125],
        [0.26, 0.36],
      ];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          expect(Math.abs(g[i]![j]! - expected[i]![j]!), `∂/∂L[${i}][${j}]`).toBeLessThan(bounds[i]![j]!);
        }
      }
      tf.dispose([gDf!, gTril!]);
    });
    tf.dispose([df, tril]);
  });

  it('has the shapes, support and flags of torch', () => {
    const d = new Wishart(
      [3, 4, 5],
      [
        [1, 0],
        [0, 1],
      ],
    );
    expect(d.batchShape).toEqual([3]);
    expect(d.eventShape).toEqual([2, 2]);
    expect(d.reparameterized).toBe(true);
    expect(d.support.name).toBe('positive_definite');
    expect(Object.keys(d.params)).toEqual(['df', 'scale_tril']);
    d.dispose();
  });
});

describe('Wishart input checks', () => {
  it('rejects df ≤ p − 1 and a bad scaleTril, naming the argument', async () => {
    await expectNoLeaks(() => {
      const eye3 = [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ];
      expect(() => new Wishart(2, eye3)).toThrow(DomainError);
      expect(() => new Wishart([3, 1.5], eye3)).toThrow(
        "Wishart: argument 'df' has 1.5 at flat index 1, expected a finite number > 2",
      );
      expect(() => new Wishart(2.01, eye3).dispose()).not.toThrow();
      expect(
        () =>
          new Wishart(3, [
            [1, 0.1],
            [0, 1],
          ]),
      ).toThrow(
        "Wishart: argument 'scaleTril' has 0.1 above the diagonal at entry (0, 1) of matrix 0 of the flattened batch",
      );
      expect(
        () =>
          new Wishart(3, [
            [1, 0],
            [0, -1],
          ]),
      ).toThrow("Wishart: argument 'scaleTril' has -1 on the diagonal");
      const df = tf.scalar(0.5);
      expect(() => new Wishart(df, eye3).dispose()).not.toThrow();
      expect(() => new Wishart(df, eye3, { validate: true })).toThrow(DomainError);
      df.dispose();
    });
  });

  it('raises shape errors, and a DomainError naming value for a matrix that is not positive definite', async () => {
    await expectNoLeaks(() => {
      expect(
        () =>
          new Wishart(3, [
            [1, 0, 0],
            [0, 1, 0],
          ]),
      ).toThrow(ShapeError);
      expect(() => new Wishart(3, [1, 1])).toThrow(
        "Wishart: argument 'scaleTril' has shape [2], expected [..., n, n]",
      );
      const eye = [
        [1, 0],
        [0, 1],
      ];
      expect(() => new Wishart([3, 4, 5], [eye, eye])).toThrow(ShapeError);
      const d = new Wishart(3, eye);
      expect(() =>
        d.logProb([
          [1, 2],
          [2, 1],
        ]),
      ).toThrow(DomainError);
      expect(() =>
        d.logProb([
          [1, 2],
          [2, 1],
        ]),
      ).toThrow("Wishart.logProb: argument 'value' is not positive definite");
      expect(() =>
        d.logProb([
          [1, 2],
          [0, 1],
        ]),
      ).toThrow("Wishart.logProb: argument 'value' has entries outside the support (positive_definite)");
      const unvalidated = new Wishart(tf.scalar(3), eye);
      expect(() =>
        unvalidated.logProb([
          [1, 2],
          [2, 1],
        ]),
      ).toThrow("Wishart.logProb: argument 'value' is not positive definite");
      unvalidated.params['df']!.dispose();
      unvalidated.dispose();
      expect(() =>
        d.logProb([
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ]),
      ).toThrow(ShapeError);
      d.dispose();
    });
  });
});
