// batchNorm, layerNorm and the activations against float64 formulas written here (torch's semantics for
// batch norm: biased variance to normalise, unbiased in the running update, momentum 0.1), and their
// gradients against central differences.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { gelu, relu, softplus, swish } from './activations.js';
import { batchNorm, initBatchNorm } from './batch-norm.js';
import { initLayerNorm, layerNorm } from './layer-norm.js';

const X = [
  [0.5, -1.2, 2.0],
  [1.5, 0.3, -0.7],
  [-0.4, 2.2, 0.1],
  [0.9, -0.6, 1.4],
];
const column = (j: number) => X.map((r) => r[j]!);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const biasedVar = (v: number[]) => mean(v.map((x) => (x - mean(v)) ** 2));

describeEachBackend('nn: norms and activations', ({ tolerance }) => {
  it('batchNorm normalises by the batch in training, updates the running statistics as torch, and uses them at test time', async () => {
    await expectNoLeaks(() => {
      const init = initBatchNorm(3);
      const params = { gamma: tf.tensor1d([1.5, 0.5, 2]), beta: tf.tensor1d([0.1, -0.2, 0.3]) };
      const state = { mean: tf.variable(init.state.mean), variance: tf.variable(init.state.variance) };
      const gamma = [1.5, 0.5, 2];
      const beta = [0.1, -0.2, 0.3];
      const y = batchNorm(params, state, X, { training: true });
      const expected = X.map((r) =>
        r.map(
          (v, j) => gamma[j]! * ((v - mean(column(j))) / Math.sqrt(biasedVar(column(j)) + 1e-5)) + beta[j]!,
        ),
      );
      expectClose(y, expected, tolerance);
      const runningMean = [0, 1, 2].map((j) => 0.9 * 0 + 0.1 * mean(column(j)));
      const runningVar = [0, 1, 2].map((j) => 0.9 * 1 + 0.1 * biasedVar(column(j)) * (4 / 3));
      expectClose(state.mean, runningMean, tolerance);
      expectClose(state.variance, runningVar, tolerance);
      const z = batchNorm(params, state, [[1, 1, 1]]);
      expectClose(
        z,
        [
          [0, 1, 2].map(
            (j) => gamma[j]! * ((1 - runningMean[j]!) / Math.sqrt(runningVar[j]! + 1e-5)) + beta[j]!,
          ),
        ],
        tolerance,
      );
      tf.dispose([
        init.params.gamma,
        init.params.beta,
        init.state.mean,
        init.state.variance,
        params.gamma,
        params.beta,
        state.mean,
        state.variance,
        y,
        z,
      ]);
    });
  });

  it('layerNorm normalises each row over its features', async () => {
    await expectNoLeaks(() => {
      const p = initLayerNorm(3);
      const y = layerNorm(p, X);
      const expected = X.map((r) => r.map((v) => (v - mean(r)) / Math.sqrt(biasedVar(r) + 1e-5)));
      expectClose(y, expected, tolerance);
      expect(() => layerNorm(p, [[1, 2]])).toThrow(
        "layerNorm: argument 'x' has shape [1,2], expected [..., 3]",
      );
      tf.dispose([p.gamma, p.beta, y]);
    });
  });

  it('relu, swish, gelu (tanh form) and softplus: values and derivatives', async () => {
    await expectNoLeaks(() => {
      const xs = [-30, -2.5, -0.3, 0.4, 1.7, 30];
      const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
      const geluF = (x: number) =>
        0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      const cases: Array<[string, (t: tf.Tensor) => tf.Tensor, (x: number) => number]> = [
        ['relu', relu, (x) => Math.max(x, 0)],
        ['swish', swish, (x) => x * sigmoid(x)],
        ['gelu', gelu, geluF],
        ['softplus', softplus, (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))],
      ];
      for (const [name, f, ref] of cases) {
        const x = tf.tensor1d(xs);
        const y = f(x);
        expectClose(y, xs.map(ref), { atol: tolerance.atol, rtol: tolerance.rtol });
        const g = tf.grad((t: tf.Tensor) => tf.sum(f(t)))(x);
        const h = 1e-4;
        const numeric = xs.map((v) => (ref(v + h) - ref(v - h)) / (2 * h));
        expectClose(g, numeric, { atol: 2e-3, rtol: 2e-3 });
        expect(name).toBeTruthy();
        tf.dispose([x, y, g]);
      }
    });
  });
});
