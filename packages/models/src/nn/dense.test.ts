import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, seed, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { dense, initDense, transpose2d } from './dense.js';

/** Deterministic values in [−1, 1) that do not need a sampler: sin of a scaled index. */
function fixed(shape: number[], phase: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + phase)),
    shape,
  );
}

describeEachBackend('dense', ({ tolerance }) => {
  // [128, 256] → 512 takes the reordered products on wasm: (Wᵀ·xᵀ)ᵀ forward, (W·dYᵀ)ᵀ for dX, and the
  // split transposes of 256- and 128-row matrices.
  const sizes = [
    [5, 7, 3],
    [128, 256, 512],
  ] as const;
  for (const [rows, inputs, units] of sizes)
    for (const activation of ['linear', 'relu'] as const) {
      it(`value and gradients equal tfjs's stock matMul ones (${activation}, [${rows}, ${inputs}] → ${units})`, async () => {
        const x = fixed([rows, inputs], 0.3);
        const kernel = tf.tidy(() => tf.mul(fixed([inputs, units], 1.1), 1 / Math.sqrt(inputs)));
        const bias = fixed([units], 2.0);
        const r = fixed([rows, units], 0.7); // a random-looking cotangent
        await expectNoLeaks(() => {
          const ours = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(dense({ kernel: w, bias: b }, a, { activation }), r));
          const stock = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
            const y = tf.add(tf.matMul(a, w), b);
            return tf.sum(tf.mul(activation === 'relu' ? tf.relu(y) : y, r));
          };
          const g1 = tf.grads(ours)([x, kernel, bias]);
          const g0 = tf.grads(stock)([x, kernel, bias]);
          for (let i = 0; i < 3; i++) expectClose(g1[i]!, g0[i]!, tolerance);
          const y1 = dense({ kernel, bias }, x, { activation });
          const y0 = tf.tidy(() => {
            const y = tf.add(tf.matMul(x, kernel), bias);
            return activation === 'relu' ? tf.relu(y) : y;
          });
          expectClose(y1, y0, tolerance);
          tf.dispose([...g1, ...g0, y1, y0]);
        });
        tf.dispose([x, kernel, bias, r]);
      });
    }

  it('transpose2d equals tf.transpose, by the split path (rows a multiple of 128) and the plain one', async () => {
    for (const shape of [
      [256, 96],
      [128, 7],
      [130, 5],
    ] as const) {
      const x = fixed([...shape], 0.4) as tf.Tensor2D;
      await expectNoLeaks(() => {
        const ours = transpose2d(x);
        const ref = tf.transpose(x);
        expect(ours.shape).toEqual([shape[1], shape[0]]);
        expect(Array.from(ours.dataSync())).toEqual(Array.from(ref.dataSync()));
        tf.dispose([ours, ref]);
      });
      x.dispose();
    }
  });

  it('gradients match central finite differences', async () => {
    const x = fixed([3, 4], 0.5);
    const kernel = fixed([4, 2], 1.5);
    const bias = fixed([2], 0.1);
    await expectNoLeaks(() => {
      const f = (w: tf.Tensor) => tf.sum(tf.square(dense({ kernel: w, bias }, x, { activation: 'swish' })));
      const g = tf.grad(f)(kernel);
      const gv = g.dataSync();
      const w0 = kernel.dataSync();
      const h = 1e-2;
      for (let i = 0; i < w0.length; i++) {
        const shifted = (d: number) =>
          tf.tidy(() => {
            const w = Float32Array.from(w0);
            w[i] = (w[i] as number) + d;
            return f(tf.tensor(w, kernel.shape)).dataSync()[0] as number;
          });
        const fd = (shifted(h) - shifted(-h)) / (2 * h);
        expect(Math.abs((gv[i] as number) - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      }
      g.dispose();
    });
    tf.dispose([x, kernel, bias]);
  });

  it('handles leading axes, no bias, and skips the input gradient when asked', async () => {
    const x = fixed([2, 3, 4], 0.2);
    const kernel = fixed([4, 5], 0.9);
    await expectNoLeaks(() => {
      const y = dense({ kernel }, x);
      expect(y.shape).toEqual([2, 3, 5]);
      const ref = tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [6, 4]), kernel), [2, 3, 5]));
      expectClose(y, ref, tolerance);
      const [gx, gw] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(dense({ kernel: w }, a, { inputGradient: false })),
      )([x, kernel]);
      expect(Array.from(gx!.dataSync()).every((v) => v === 0)).toBe(true);
      const [gx0, gw0] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.matMul(tf.reshape(a, [6, 4]), w)),
      )([x, kernel]);
      expectClose(gw!, gw0!, tolerance);
      tf.dispose([y, ref, gx!, gw!, gx0!, gw0!]);
    });
    tf.dispose([x, kernel]);
  });
});

describe('dense and initDense checks', () => {
  it('initDense draws He-normal kernels from the seed, identically for the same seed', () => {
    const a = initDense(400, 300, seed(3));
    const b = initDense(400, 300, seed(3));
    const c = initDense(400, 300, seed(4));
    expect(Array.from(a.kernel.dataSync())).toEqual(Array.from(b.kernel.dataSync()));
    expect(Array.from(a.kernel.dataSync())).not.toEqual(Array.from(c.kernel.dataSync()));
    const { mean, variance } = tf.moments(a.kernel);
    // 120 000 draws of N(0, 2/400): the standard error of the variance is 0.005·√(2/120000) ≈ 2e-5.
    expectClose(mean, 0, { atol: 1e-3, rtol: 0 });
    expectClose(variance, 2 / 400, { atol: 1.5e-4, rtol: 0 });
    expectClose(a.bias!, tf.zeros([300]), { atol: 0, rtol: 0 });
    const g = initDense(400, 300, 1, { initializer: 'glorot-uniform', bias: false });
    const bound = Math.sqrt(6 / 700);
    expect(tf.max(tf.abs(g.kernel)).dataSync()[0]).toBeLessThanOrEqual(bound);
    expect(g.bias).toBeUndefined();
    tf.dispose([mean, variance]);
    tf.dispose([a.kernel, a.bias!, b.kernel, b.bias!, c.kernel, c.bias!, g.kernel]);
  });

  it('names the function, the argument and what was expected', () => {
    const p = initDense(4, 3, 0);
    expect(() => dense(p, tf.zeros([2, 5]))).toThrow(ShapeError);
    expect(() => dense(p, tf.zeros([2, 5]))).toThrow(
      "dense: argument 'x' has shape [2,5], expected [..., 4]",
    );
    expect(() => dense(p, tf.zeros([2, 4]), { activation: 'tanh' as 'relu' })).toThrow(ArgumentError);
    expect(() => dense(p, tf.zeros([2, 4]), { activation: 'tanh' as 'relu' })).toThrow(
      "dense: argument 'options.activation' is \"tanh\", expected one of 'linear', 'relu'",
    );
    expect(() => initDense(0, 3, 0)).toThrow(
      "initDense: argument 'inputs' is 0, expected a positive integer",
    );
    tf.dispose([p.kernel, p.bias!]);
  });
});
