import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, random, seed, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { depthwiseConv2d, initDepthwiseConv2d } from './depthwise-conv2d.js';

// An independent float64 reference: the depthwise convolution as loops, 'same' padding (k−1)/2, and for
// L = Σ r ⊙ y the exact gradients dL/dx and dL/dW over the same taps.
function reference(x: tf.Tensor, w: tf.Tensor, r: tf.Tensor) {
  const [b, h, wd, c] = x.shape as [number, number, number, number];
  const k = w.shape[0] as number;
  const p = (k - 1) / 2;
  const X = x.dataSync();
  const W = w.dataSync();
  const R = r.dataSync();
  const y = new Float64Array(X.length);
  const dx = new Float64Array(X.length);
  const dw = new Float64Array(W.length);
  for (let n = 0; n < b; n++)
    for (let o = 0; o < h; o++)
      for (let q = 0; q < wd; q++)
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) {
            const m = o + i - p;
            const s = q + j - p;
            if (m < 0 || m >= h || s < 0 || s >= wd) continue;
            for (let ch = 0; ch < c; ch++) {
              const yi = ((n * h + o) * wd + q) * c + ch;
              const xi = ((n * h + m) * wd + s) * c + ch;
              const wi = (i * k + j) * c + ch;
              y[yi] = (y[yi] as number) + (X[xi] as number) * (W[wi] as number);
              dx[xi] = (dx[xi] as number) + (R[yi] as number) * (W[wi] as number);
              dw[wi] = (dw[wi] as number) + (R[yi] as number) * (X[xi] as number);
            }
          }
  return { y: Array.from(y), dx: Array.from(dx), dw: Array.from(dw) };
}

describeEachBackend('depthwiseConv2d', ({ tolerance }) => {
  for (const [b, h, w, c, k] of [
    [2, 5, 4, 3, 3],
    [3, 8, 8, 4, 5],
    [1, 3, 3, 2, 5],
  ] as const) {
    it(`matches the loop reference in value and both gradients, x [${b}, ${h}, ${w}, ${c}], ${k}×${k}`, async () => {
      const x = random.normal([b, h, w, c], seed(1));
      const params = initDepthwiseConv2d(c, k, seed(2));
      const r = random.normal([b, h, w, c], seed(3));
      const ref = reference(x, params.filter, r);
      await expectNoLeaks(() => {
        const y = depthwiseConv2d({ filter: params.filter }, x);
        expectClose(Array.from(y.dataSync()), ref.y, tolerance);
        y.dispose();
        const g = tf.grads((xi: tf.Tensor, wi: tf.Tensor) =>
          tf.sum(tf.mul(depthwiseConv2d({ filter: wi }, xi), r)),
        )([x, params.filter]);
        expectClose(Array.from((g[0] as tf.Tensor).dataSync()), ref.dx, tolerance);
        expectClose(Array.from((g[1] as tf.Tensor).dataSync()), ref.dw, tolerance);
        tf.dispose(g);
      });
      tf.dispose([x, r, params.filter, params.bias as tf.Tensor]);
    });
  }

  it('adds the bias and passes its gradient Σ dY', () => {
    const x = random.normal([2, 4, 4, 3], seed(4));
    const p = initDepthwiseConv2d(3, 3, seed(5));
    const bias = tf.tensor1d([0.5, -1, 2]);
    const y0 = depthwiseConv2d({ filter: p.filter }, x);
    const y1 = depthwiseConv2d({ filter: p.filter, bias }, x);
    expectClose(tf.sub(y1, y0), tf.broadcastTo(bias, [2, 4, 4, 3]), tolerance);
    const db = tf.grad((bb: tf.Tensor) => tf.sum(depthwiseConv2d({ filter: p.filter, bias: bb }, x)))(bias);
    expectClose(db, [32, 32, 32], tolerance);
    tf.dispose([x, p.filter, p.bias as tf.Tensor, bias, y0, y1, db]);
  });

  it('names the bad shape or kernel', () => {
    const p = initDepthwiseConv2d(3, 3, seed(0));
    expect(() => depthwiseConv2d(p, tf.zeros([1, 4, 4, 2]))).toThrow(ShapeError);
    expect(() => depthwiseConv2d(p, tf.zeros([1, 4, 4, 2]))).toThrow(/expected \[batch, height, width, 3\]/);
    expect(() => initDepthwiseConv2d(3, 4, seed(0))).toThrow(ArgumentError);
    expect(() => initDepthwiseConv2d(3, 4, seed(0))).toThrow(/odd positive integer/);
    tf.dispose([p.filter, p.bias as tf.Tensor]);
  });
});
