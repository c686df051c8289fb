import * as tf from '@tensorflow/tfjs-core';
import { seed, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { conv2d, conv2dTranspose, initConv2d, initConv2dTranspose, type Padding } from './conv2d.js';

// An independent float64 reference: the convolution written as loops over the padded frame, with the
// geometry of TensorFlow ('same': out = ⌈n/s⌉, total padding max((out−1)s + k − n, 0), the smaller half
// before). For L = Σ r ⊙ y both maps are linear, so the gradients are exact sums over the same frame.

interface Geometry {
  out: number;
  before: number;
}
function geometry(n: number, k: number, s: number, padding: Padding): Geometry {
  if (padding === 'valid') return { out: Math.ceil((n - k + 1) / s), before: 0 };
  const out = Math.ceil(n / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + k - n, 0) / 2) };
}

/** For each output (b, o, p) and tap (i, j) inside the input: the input position (m, q). */
function forEachTap(
  b: number,
  h: number,
  w: number,
  k: number,
  s: number,
  gh: Geometry,
  gw: Geometry,
  f: (n: number, o: number, p: number, i: number, j: number, m: number, q: number) => void,
): void {
  for (let n = 0; n < b; n++)
    for (let o = 0; o < gh.out; o++)
      for (let p = 0; p < gw.out; p++)
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) {
            const m = o * s + i - gh.before;
            const q = p * s + j - gw.before;
            if (m >= 0 && m < h && q >= 0 && q < w) f(n, o, p, i, j, m, q);
          }
}

/** y = conv2d(x, w), L = Σ r·y, and dL/dx, dL/dw, in float64. x [b,h,w,ci], w [k,k,ci,co]. */
function convReference(x: tf.Tensor, wt: tf.Tensor, r: tf.Tensor, s: number, padding: Padding) {
  const [b, h, w, ci] = x.shape as [number, number, number, number];
  const [k, , , co] = wt.shape as [number, number, number, number];
  const gh = geometry(h, k, s, padding);
  const gw = geometry(w, k, s, padding);
  const X = x.dataSync();
  const W = wt.dataSync();
  const R = r.dataSync();
  const y = new Float64Array(b * gh.out * gw.out * co);
  const dx = new Float64Array(X.length);
  const dw = new Float64Array(W.length);
  forEachTap(b, h, w, k, s, gh, gw, (n, o, p, i, j, m, q) => {
    for (let c = 0; c < ci; c++)
      for (let d = 0; d < co; d++) {
        const yi = ((n * gh.out + o) * gw.out + p) * co + d;
        const xi = ((n * h + m) * w + q) * ci + c;
        const wi = ((i * k + j) * ci + c) * co + d;
        y[yi]! += X[xi]! * W[wi]!;
        dx[xi]! += R[yi]! * W[wi]!;
        dw[wi]! += R[yi]! * X[xi]!;
      }
  });
  return { y: Array.from(y), dx: Array.from(dx), dw: Array.from(dw), outShape: [b, gh.out, gw.out, co] };
}

/**
 * y = conv2dTranspose(x, w) for x [b,h,w,ci], w [k,k,co,ci]: the adjoint of conv2d from the output
 * frame [b, H, W, co] to x's. L = Σ r·y; returns y, dL/dx, dL/dw in float64.
 */
function convTransposeReference(x: tf.Tensor, wt: tf.Tensor, r: tf.Tensor, s: number, padding: Padding) {
  const [b, h, w, ci] = x.shape as [number, number, number, number];
  const [k, , co] = wt.shape as [number, number, number, number];
  const H = padding === 'same' ? h * s : (h - 1) * s + k;
  const Wd = padding === 'same' ? w * s : (w - 1) * s + k;
  const gh = geometry(H, k, s, padding);
  const gw = geometry(Wd, k, s, padding);
  const X = x.dataSync();
  const W = wt.dataSync();
  const R = r.dataSync();
  const y = new Float64Array(b * H * Wd * co);
  const dx = new Float64Array(X.length);
  const dw = new Float64Array(W.length);
  forEachTap(b, H, Wd, k, s, gh, gw, (n, o, p, i, j, m, q) => {
    for (let c = 0; c < ci; c++)
      for (let d = 0; d < co; d++) {
        const xi = ((n * h + o) * w + p) * ci + c;
        const yi = ((n * H + m) * Wd + q) * co + d;
        const wi = ((i * k + j) * co + d) * ci + c;
        y[yi]! += X[xi]! * W[wi]!;
        dx[xi]! += R[yi]! * W[wi]!;
        dw[wi]! += R[yi]! * X[xi]!;
      }
  });
  return { y: Array.from(y), dx: Array.from(dx), dw: Array.from(dw), outShape: [b, H, Wd, co] };
}

function fixed(shape: number[], phase: number): tf.Tensor {
  const n = shape.reduce((a, c) => a * c, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, i) => Math.sin(2.3 * i + phase)),
    shape,
  );
}

const CASES: Array<{ h: number; k: number; s: number; padding: Padding }> = [
  { h: 7, k: 3, s: 1, padding: 'same' },
  { h: 8, k: 4, s: 2, padding: 'same' },
  { h: 7, k: 4, s: 2, padding: 'same' }, // asymmetric padding
  { h: 9, k: 3, s: 2, padding: 'valid' },
  { h: 6, k: 2, s: 3, padding: 'valid' },
];

describeEachBackend('conv2d and conv2dTranspose', ({ backend, tolerance }) => {
  const tol = backend === 'webgl' ? tolerance : { atol: 1e-4, rtol: 1e-4 };
  for (const { h, k, s, padding } of CASES) {
    const name = `${h}×${h} input, ${k}×${k} filter, stride ${s}, '${padding}'`;

    it(`conv2d: value and gradients equal the float64 reference (${name})`, async () => {
      const x = fixed([2, h, h + 1, 3], 0.1);
      const filter = fixed([k, k, 3, 4], 0.9);
      const bias = fixed([4], 0.4);
      const one = fixed([1], 0);
      const r = fixed(convReference(x, filter, one, s, padding).outShape, 1.7);
      one.dispose();
      const expected = convReference(x, filter, r, s, padding);
      await expectNoLeaks(() => {
        const y = conv2d({ filter }, x, { strides: s, padding });
        expect(y.shape).toEqual(expected.outShape);
        expectClose(y, expected.y, tol);
        const [gx, gw, gb] = tf.grads((a: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.mul(conv2d({ filter: w, bias: c }, a, { strides: s, padding }), r)),
        )([x, filter, bias]);
        expectClose(gx!, expected.dx, tol);
        expectClose(gw!, expected.dw, tol);
        const sumR = tf.sum(r, [0, 1, 2]);
        expectClose(gb!, sumR, tol);
        sumR.dispose();
        if (backend === 'cpu') {
          // tfjs's stock gradient (Conv2DBackpropInput/Filter), available on cpu only.
          const stock = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
            tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, s, padding), r)),
          )([x, filter]);
          expectClose(gx!, stock[0]!, tolerance);
          expectClose(gw!, stock[1]!, tolerance);
          tf.dispose(stock);
        }
        tf.dispose([y, gx!, gw!, gb!]);
      });
      tf.dispose([x, filter, bias, r]);
    });

    it(`conv2dTranspose: value and gradients equal the float64 reference and tf.conv2dTranspose (${name})`, async () => {
      const x = fixed([2, h, h - 1, 4], 0.3);
      const filter = fixed([k, k, 3, 4], 1.3);
      const one = fixed([1], 0);
      const shape = convTransposeReference(x, filter, one, s, padding).outShape;
      one.dispose();
      const r = fixed(shape, 0.2);
      const expected = convTransposeReference(x, filter, r, s, padding);
      await expectNoLeaks(() => {
        const y = conv2dTranspose({ filter }, x, { strides: s, padding });
        expect(y.shape).toEqual(shape);
        expectClose(y, expected.y, tol);
        const stockY = tf.conv2dTranspose(
          x as tf.Tensor4D,
          filter as tf.Tensor4D,
          shape as [number, number, number, number],
          s,
          padding,
        );
        expectClose(y, stockY, tol);
        const [gx, gw] = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.mul(conv2dTranspose({ filter: w }, a, { strides: s, padding }), r)),
        )([x, filter]);
        expectClose(gx!, expected.dx, tol);
        expectClose(gw!, expected.dw, tol);
        tf.dispose([y, stockY, gx!, gw!]);
      });
      tf.dispose([x, filter, r]);
    });
  }

  it('applies the bias and the activation, and trains a conv layer one Adam step without leaks', async () => {
    const p = initConv2d(1, 4, 3, seed(1));
    const vars = { filter: tf.variable(p.filter), bias: tf.variable(p.bias!) };
    const x = fixed([3, 6, 6, 1], 0.5);
    const y = conv2d(vars, x, { activation: 'relu' });
    expect(tf.min(y).dataSync()[0]).toBeGreaterThanOrEqual(0);
    const opt = tf.train.adam(1e-2);
    const loss = () => tf.mean(tf.square(tf.sub(conv2d(vars, x, { strides: 2 }), 1))) as tf.Scalar;
    const step = () => tf.tidy(() => opt.minimize(loss, true)?.dispose());
    step();
    const before = tf.tidy(() => loss().dataSync()[0] as number);
    await expectNoLeaks(() => {
      for (let i = 0; i < 5; i++) step();
    });
    expect(tf.tidy(() => loss().dataSync()[0] as number)).toBeLessThan(before);
    tf.dispose([p.filter, p.bias!, vars.filter, vars.bias, x, y]);
    opt.dispose();
  });
});

describe('conv2d checks', () => {
  it('initConv2dTranspose uses the [kh, kw, cout, cin] layout', () => {
    const p = initConv2dTranspose(8, 3, 4, 0);
    expect(p.filter.shape).toEqual([4, 4, 3, 8]);
    tf.dispose([p.filter, p.bias!]);
  });

  it('names the function, the argument and what was expected', () => {
    const p = initConv2d(3, 4, 3, 0);
    expect(() => conv2d(p, tf.zeros([1, 5, 5, 2]))).toThrow(ShapeError);
    expect(() => conv2d(p, tf.zeros([1, 5, 5, 2]))).toThrow(
      "conv2d: argument 'x' has shape [1,5,5,2], expected [batch, height, width, 3]",
    );
    expect(() => conv2d(p, tf.zeros([1, 5, 5, 3]), { padding: 'full' as 'same' })).toThrow(
      "conv2d: argument 'options.padding' is \"full\", expected 'same' or 'valid'",
    );
    tf.dispose([p.filter, p.bias!]);
  });
});
