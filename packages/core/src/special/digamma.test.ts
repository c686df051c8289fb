import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import { digamma } from './digamma.js';
import fixture from './fixtures/special.json' with { type: 'json' };

// Reference: scipy.special.psi (checked against mpmath) and polygamma(1, x) in float64 at float32-exact
// arguments from 1e-30 to 1e36, around the positive root 1.4616…, and negative non-integers.
const x = fixture.digamma.x.map(Number);
const value = fixture.digamma.value.map(Number);
const grad = fixture.digamma.grad.map(Number);
const inFloat32 = (v: number) => v === 0 || (Math.abs(v) >= 1.2e-38 && Math.abs(v) <= 3.4e38);

describeEachBackend('digamma', ({ backend }) => {
  // cpu/wasm: measured max relative error 2.3e-6, next to a root on the negative axis (absolute 2.8e-7);
  // elsewhere below 1e-6. WebGL (SwiftShader) measured the same; looser for real GPUs.
  const tol = backend === 'webgl' ? { atol: 1e-6, rtol: 1e-5 } : { atol: 3e-7, rtol: 1e-6 };

  it('matches scipy.special.psi over the whole real line', async () => {
    await expectNoLeaks(() => {
      const y = digamma(x);
      expectClose(y, value, tol);
      y.dispose();
    });
  });

  it('keeps its relative accuracy next to its positive root', () => {
    const near = x.map((v, i) => [v, i] as const).filter(([v]) => Math.abs(v - 1.4616321) < 0.2);
    expect(near.length).toBeGreaterThanOrEqual(8);
    const y = digamma(near.map(([v]) => v));
    expectClose(
      y,
      near.map(([, i]) => value[i] as number),
      { atol: 0, rtol: backend === 'webgl' ? 1e-4 : 2e-6 },
    );
    y.dispose();
  });

  it('has trigamma as its gradient', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => digamma(t))(xt);
      const keep = grad.map((v, i) => (inFloat32(v) ? i : -1)).filter((i) => i >= 0);
      const got = g.dataSync();
      expectClose(
        keep.map((i) => got[i] as number),
        keep.map((i) => grad[i] as number),
        {
          atol: 0,
          rtol: backend === 'webgl' ? 1e-5 : 1e-6,
        },
      );
      tf.dispose([xt, g]);
    });
  });

  it('follows scipy at the edges', () => {
    // x: 0, −1, −2, −100, ∞, −∞, NaN → −∞, NaN, NaN, NaN, ∞, NaN, NaN.
    const y = digamma(fixture.edges.x.map(Number));
    expectClose(y, fixture.edges.digamma.map(Number), { atol: 0, rtol: 0 });
    tf.dispose(y);
    // scipy.special.psi(-0.0) = +∞ (the limit from the left), psi(0.0) = −∞.
    const zeros = digamma(tf.tensor1d([-0, 0]));
    expectClose(zeros, [Infinity, -Infinity], { atol: 0, rtol: 0 });
    tf.dispose(zeros);
  });

  it('names itself and the argument for bad input', () => {
    expect(() => digamma('a')).toThrow(ArgumentError);
    expect(() => digamma({} as never)).toThrow(/^digamma: argument 'x' is/);
  });
});
