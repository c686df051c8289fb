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

  it('batchNorm in training: the gradients in x, γ and β (through the batch statistics) match central differences', async () => {
    const gamma = [1.5, 0.5, 2];
    const beta = [0.1, -0.2, 0.3];
    const r = [
      [0.3, -1.1, 0.7],
      [1.2, 0.4, -0.5],
      [-0.8, 0.9, 0.2],
      [0.5, -0.3, 1.6],
    ];
    // L(x, γ, β) = Σ r ⊙ BN(x) in float64, the definition (biased batch variance, ε = 1e-5).
    const loss = (x: number[][], g: number[], b: number[]) => {
      let total = 0;
      for (let j = 0; j < 3; j++) {
        const col = x.map((row) => row[j]!);
        const m = mean(col);
        const sd = Math.sqrt(biasedVar(col) + 1e-5);
        x.forEach((row, i) => (total += r[i]![j]! * (g[j]! * ((row[j]! - m) / sd) + b[j]!)));
      }
      return total;
    };
    const h = 1e-6;
    const numeric = (f: (d: number) => number) => (f(h) - f(-h)) / (2 * h);
    const dx = X.map((row, i) =>
      row.map((_, j) =>
        numeric((d) =>
          loss(
            X.map((rr, a) => rr.map((v, c) => (a === i && c === j ? v + d : v))),
            gamma,
            beta,
          ),
        ),
      ),
    );
    const dg = gamma.map((_, j) =>
      numeric((d) =>
        loss(
          X,
          gamma.map((v, c) => (c === j ? v + d : v)),
          beta,
        ),
      ),
    );
    const db = beta.map((_, j) =>
      numeric((d) =>
        loss(
          X,
          gamma,
          beta.map((v, c) => (c === j ? v + d : v)),
        ),
      ),
    );
    await expectNoLeaks(() => {
      const init = initBatchNorm(3);
      const state = { mean: tf.variable(init.state.mean), variance: tf.variable(init.state.variance) };
      const x = tf.tensor2d(X);
      const g = tf.tensor1d(gamma);
      const b = tf.tensor1d(beta);
      const rt = tf.tensor2d(r);
      const grads = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(batchNorm({ gamma: gi, beta: bi }, state, xi, { training: true }), rt)),
      )([x, g, b]);
      const loose = { atol: 1e-4 + tolerance.atol, rtol: 1e-4 + tolerance.rtol };
      expectClose(grads[0] as tf.Tensor, dx, loose);
      expectClose(grads[1] as tf.Tensor, dg, loose);
      expectClose(grads[2] as tf.Tensor, db, loose);
      // A 4-D input [2, 1, 2, 3] normalises over its first three axes, as the 2-D one over its rows.
      const x4 = tf.reshape(x, [2, 1, 2, 3]);
      const y4 = batchNorm({ gamma: g, beta: b }, state, x4, { training: true });
      const y2 = batchNorm({ gamma: g, beta: b }, state, x, { training: true });
      expectClose(Array.from(y4.dataSync()), Array.from(y2.dataSync()), tolerance);
      tf.dispose([
        ...grads,
        x,
        x4,
        g,
        b,
        rt,
        y4,
        y2,
        init.params.gamma,
        init.params.beta,
        init.state.mean,
        init.state.variance,
        state.mean,
        state.variance,
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
