import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { trigamma } from './trigamma.js';

// Reference: scipy.special.polygamma(1, x) in float64, and the tetragamma polygamma(2, x) from mpmath
// (scipy's loses 1.5e-3 at large negative half-integers), at float32-exact arguments.
const x = fixture.trigamma.x.map(Number);
const value = fixture.trigamma.value.map(Number);
const grad = fixture.trigamma.grad.map(Number);
const inFloat32 = (v: number) => v === 0 || (Math.abs(v) >= 1.2e-38 && Math.abs(v) <= 3.4e38);

describeEachBackend('trigamma', ({ backend }) => {
  // cpu/wasm: measured max relative error 2.9e-7 (values) and 3.0e-7 (gradient); WebGL (SwiftShader) the same.
  const rtol = backend === 'webgl' ? 1e-5 : 1e-6;

  it('matches scipy.special.polygamma(1, x) over the whole real line', async () => {
    await expectNoLeaks(() => {
      const y = trigamma(x);
      const keep = value.map((v, i) => (inFloat32(v) ? i : -1)).filter((i) => i >= 0);
      const got = y.dataSync();
      expectClose(
        keep.map((i) => got[i] as number),
        keep.map((i) => value[i] as number),
        { atol: 0, rtol },
      );
      y.dispose();
    });
  });

  it('has the tetragamma function as its gradient', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => trigamma(t))(xt);
      const keep = grad.map((v, i) => (inFloat32(v) ? i : -1)).filter((i) => i >= 0);
      const got = g.dataSync();
      expectClose(
        keep.map((i) => got[i] as number),
        keep.map((i) => grad[i] as number),
        { atol: 0, rtol: 2 * rtol },
      );
      tf.dispose([xt, g]);
    });
  });

  it('follows scipy at the edges', () => {
    // x: 0, −1, −2, −100, ∞, −∞, NaN → ∞, ∞, ∞, ∞, 0, ∞, NaN.
    const y = trigamma(fixture.edges.x.map(Number));
    expectClose(y, fixture.edges.trigamma.map(Number), { atol: 0, rtol: 0 });
    y.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => trigamma('a')).toThrow(ArgumentError);
    expect(() => trigamma('a')).toThrow(/^trigamma: argument 'x'/);
  });
});
