// Pathwise gradients of the samplers, checked in expectation: the mean over n draws of the per-draw
// gradient must match the derivative of the exact expectation (from scipy, fixtures/random.json) within
// five standard errors of the mean, estimated from the draws themselves.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { beta } from './beta.js';
import { dirichlet } from './dirichlet.js';
import fixture from './fixtures/random.json' with { type: 'json' };
import { gamma } from './gamma.js';
import { seed } from './seed.js';

const refs = fixture.gradientMoments;

/** Downloads and disposes a tensor. */
function take(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** The mean and standard error of the mean of `all[offset]`, `all[offset + stride]`, … */
function meanAndStandardError(all: ArrayLike<number>, stride = 1, offset = 0): { mean: number; se: number } {
  const values: number[] = [];
  for (let i = offset; i < all.length; i += stride) values.push(all[i] as number);
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

function expectMean(stats: { mean: number; se: number }, expected: number, label: string): void {
  expect(Number.isFinite(stats.mean), `${label}: mean ${stats.mean}`).toBe(true);
  expect(
    Math.abs(stats.mean - expected),
    `${label}: mean ${stats.mean} ± ${stats.se} vs ${expected}`,
  ).toBeLessThanOrEqual(5 * stats.se + 1e-6 * Math.abs(expected));
}

describeEachBackend('pathwise gradients', () => {
  it('gamma: E[dz/dα] = dE[z]/dα = 1 and E[d log z/dα] = ψ′(α) (scipy polygamma)', async () => {
    await expectNoLeaks(() => {
      const n = 20_000;
      refs.gamma.forEach((ref, i) => {
        const alpha = tf.fill([n], ref.concentration);
        const s = seed(800 + i);
        const dz = tf.grad((a: tf.Tensor) => tf.sum(gamma([n], a, s)))(alpha);
        expectMean(meanAndStandardError(take(dz)), ref.dMean, `dz/dα, α = ${ref.concentration}`);
        const dlog = tf.grad((a: tf.Tensor) => tf.sum(tf.log(gamma([n], a, s))))(alpha);
        expectMean(meanAndStandardError(take(dlog)), ref.dMeanLog, `d log z/dα, α = ${ref.concentration}`);
        alpha.dispose();
      });
    });
  });

  it('beta: E[∂x/∂α] = β/(α+β)² and E[∂x/∂β] = −α/(α+β)²', async () => {
    await expectNoLeaks(() => {
      const n = 20_000;
      refs.beta.forEach((ref, i) => {
        const a = tf.fill([n], ref.concentration1);
        const b = tf.fill([n], ref.concentration0);
        const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(beta([n], p, q, seed(900 + i))))([
          a,
          b,
        ]);
        expectMean(
          meanAndStandardError(take(ga!)),
          ref.dMeanDa,
          `beta(${ref.concentration1}, ${ref.concentration0}) ∂/∂α`,
        );
        expectMean(
          meanAndStandardError(take(gb!)),
          ref.dMeanDb,
          `beta(${ref.concentration1}, ${ref.concentration0}) ∂/∂β`,
        );
        tf.dispose([a, b]);
      });
    });
  });

  it('dirichlet: E[∂x_i/∂α_j] = (δ_ij S − α_i)/S²', async () => {
    await expectNoLeaks(() => {
      const n = 20_000;
      const { concentration, jacobian } = refs.dirichlet;
      const k = concentration.length;
      const alpha = tf.tidy(() => tf.tile(tf.tensor2d([concentration]), [n, 1]));
      jacobian.forEach((row, i) => {
        const g = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.slice(dirichlet([n, k], a, seed(1000)), [0, i], [n, 1])),
        )(alpha);
        const values = take(g);
        row.forEach((expected, j) => {
          expectMean(meanAndStandardError(values, k, j), expected, `∂x_${i}/∂α_${j}`);
        });
      });
      alpha.dispose();
    });
  });
});
