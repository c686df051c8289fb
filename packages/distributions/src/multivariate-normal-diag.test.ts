import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { casesFor, checkCase, REFERENCE_TOLERANCE, type Nested } from './fixtures/cases.js';
import extra from './fixtures/multivariate.json' with { type: 'json' };
import { MultivariateNormalDiag, multivariateNormalDiag } from './multivariate-normal-diag.js';

// Cases of fixtures/multivariate.json (generate_multivariate.py: torch.distributions, float64).
interface ExtraCase {
  readonly family: string;
  readonly params: Record<string, Nested>;
  readonly value: Nested;
  readonly [quantity: string]: unknown;
}
const extraCases = (extra.cases as unknown as ExtraCase[]).filter(
  (c) => c.family === 'MultivariateNormalDiag',
);
const gradientCase = (extra.gradients as unknown as ExtraCase[]).find(
  (c) => c.family === 'MultivariateNormalDiag',
)!;

/** expectClose, then frees `actual`. */
function close(actual: tf.Tensor, expected: Nested, tolerance: Tolerance, what = ''): void {
  try {
    expectClose(actual, expected as number[], tolerance);
  } catch (error) {
    throw new Error(`MultivariateNormalDiag ${what}: ${(error as Error).message}`);
  } finally {
    actual.dispose();
  }
}

describeEachBackend('MultivariateNormalDiag', ({ backend }) => {
  // WebGL (SwiftShader) computes log/exp with approximate shader functions.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  for (const { index, c } of casesFor('MultivariateNormalDiag')) {
    it(`matches torch.distributions, case ${index} (${c.set})`, () => {
      const d = new MultivariateNormalDiag(
        c.params['loc'] as number[][],
        c.params['scale_diag'] as number[][],
      );
      checkCase(d, c, tolerance);
      d.dispose();
    });
  }

  extraCases.forEach((c, i) => {
    it(`matches torch with broadcast parameters and sample axes (multivariate.json case ${i})`, async () => {
      await expectNoLeaks(() => {
        const d = new MultivariateNormalDiag(
          c.params['loc'] as number[],
          c.params['scale_diag'] as number[][],
        );
        expect(d.batchShape).toEqual([2]);
        const lp = d.logProb(c.value as number[][][]);
        expect(lp.shape).toEqual([5, 2]);
        close(lp, c['log_prob'] as Nested, tolerance, 'log_prob');
        for (const name of ['entropy', 'mean', 'variance', 'mode'] as const) {
          close(d[name](), c[name] as Nested, tolerance, name);
        }
        d.dispose();
      });
    });
  });

  it('gives torch gradients of log_prob and entropy with respect to loc and scale_diag', async () => {
    const loc = tf.tensor(gradientCase.params['loc'] as number[][]);
    const scale = tf.tensor(gradientCase.params['scale_diag'] as number[][]);
    await expectNoLeaks(() => {
      const value = gradientCase.value as number[][][];
      const [gLoc, gScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
        tf.sum(new MultivariateNormalDiag(m, s).logProb(value)),
      )([loc, scale]);
      const gScaleEntropy = tf.grad((s: tf.Tensor) => tf.sum(new MultivariateNormalDiag(loc, s).entropy()))(
        scale,
      );
      const expected = gradientCase as unknown as {
        log_prob_grad: { loc: number[][]; scale_diag: number[][] };
        entropy_grad: { scale_diag: number[][] };
      };
      close(gLoc!, expected.log_prob_grad.loc, tolerance, 'd log_prob / d loc');
      close(gScale!, expected.log_prob_grad.scale_diag, tolerance, 'd log_prob / d scale_diag');
      close(gScaleEntropy, expected.entropy_grad.scale_diag, tolerance, 'd entropy / d scale_diag');
    });
    tf.dispose([loc, scale]);
  });

  it('samples with the right moments, identically for the same seed', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const d = multivariateNormalDiag([1, -2, 0], [0.5, 3, 1]);
      const x = d.sample(n, 7);
      expect(x.shape).toEqual([n, 3]);
      const { mean, variance } = tf.moments(x, 0);
      // Standard errors: σ/√n (≤ 0.022) for the mean, σ²·√(2/n) (1% of σ²) for the variance; 4 of them.
      expectClose(mean, [1, -2, 0], { atol: 0.085, rtol: 0 });
      expectClose(variance, [0.25, 9, 1], { atol: 0, rtol: 0.04 });
      // The coordinates are independent: correlation standard error 1/√n = 0.007; bound 4 of them.
      const correlation = tf.tidy(() => {
        const z = tf.div(tf.sub(x, mean), tf.sqrt(variance));
        return tf.div(tf.matMul(z, z, true, false), n);
      });
      expectClose(
        correlation,
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        { atol: 0.028, rtol: 0 },
      );
      const again = d.sample(n, 7);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      tf.dispose([x, mean, variance, correlation, again]);
      d.dispose();
    });
  });

  it('reparameterised samples give the analytic gradients of E‖x‖² = ‖μ‖² + ‖σ‖²', async () => {
    const loc = tf.tensor1d([0.7, -1.2]);
    const scale = tf.tensor1d([1.3, 0.4]);
    await expectNoLeaks(() => {
      const n = 40000;
      const [gLoc, gScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
        tf.mean(tf.sum(tf.square(new MultivariateNormalDiag(m, s).sample(n, 3)), -1)),
      )([loc, scale]);
      // ∂/∂μ = 2μ with Monte Carlo standard error 2σ/√n (≤ 0.013); ∂/∂σ = 2σ, the mean of 2(μ + σε)ε,
      // standard error 2√(μ² + 2σ²)/√n (≤ 0.023). Bounds: 4 standard errors.
      expectClose(gLoc!, [1.4, -2.4], { atol: 0.052, rtol: 0 });
      expectClose(gScale!, [2.6, 0.8], { atol: 0.092, rtol: 0 });
      tf.dispose([gLoc!, gScale!]);
    });
    tf.dispose([loc, scale]);
  });

  it('has the shapes, support and flags of torch', () => {
    const d = new MultivariateNormalDiag([[0, 0, 0]], [1, 2, 3]);
    expect(d.batchShape).toEqual([1]);
    expect(d.eventShape).toEqual([3]);
    expect(d.reparameterized).toBe(true);
    expect(d.support.name).toBe('real_vector');
    expect(Object.keys(d.params)).toEqual(['loc', 'scale_diag']);
    d.dispose();
  });
});

describe('MultivariateNormalDiag input checks', () => {
  it('rejects a non-positive scale and a non-finite loc, naming the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => new MultivariateNormalDiag([0, 0], [1, 0])).toThrow(DomainError);
      expect(() => new MultivariateNormalDiag([0, 0], [1, -1])).toThrow(
        "MultivariateNormalDiag: argument 'scaleDiag' has -1 at flat index 1, expected a finite number > 0",
      );
      expect(() => new MultivariateNormalDiag([0, NaN], [1, 1])).toThrow(
        "MultivariateNormalDiag: argument 'loc' has NaN",
      );
      const scale = tf.tensor1d([1, -1]);
      expect(() => new MultivariateNormalDiag([0, 0], scale).dispose()).not.toThrow();
      expect(() => new MultivariateNormalDiag([0, 0], scale, { validate: true })).toThrow(DomainError);
      scale.dispose();
    });
  });

  it('raises shape errors for mismatched event sizes and batch axes', async () => {
    await expectNoLeaks(() => {
      expect(() => new MultivariateNormalDiag([0, 0, 0], [1, 1])).toThrow(ShapeError);
      expect(() => new MultivariateNormalDiag([0, 0, 0], [1, 1])).toThrow(
        "MultivariateNormalDiag: arguments 'loc' [3] and 'scaleDiag' [2] must both be [..., k] with the same k",
      );
      expect(() => new MultivariateNormalDiag(0, 1)).toThrow(ShapeError);
      expect(() => new MultivariateNormalDiag([[0], [0], [0]], [[1], [1]])).toThrow(ShapeError);
      const d = new MultivariateNormalDiag([0, 0], [1, 1]);
      expect(() => d.logProb([0, 0, 0])).toThrow(
        "MultivariateNormalDiag.logProb: argument 'value' has shape [3], expected [...batch, 2]",
      );
      d.dispose();
    });
  });
});
