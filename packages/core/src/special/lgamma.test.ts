import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { lgamma } from './lgamma.js';

// Reference: scipy.special.gammaln and psi in float64 at float32-exact arguments from 1e-30 to 1e36 and
// negative non-integers down to −1e6 (fixtures/generate_special.py).
const x = fixture.lgamma.x.map(Number);
const value = fixture.lgamma.value.map(Number);
const grad = fixture.lgamma.grad.map(Number);
// Second derivative: trigamma at the digamma fixture's arguments (its `grad`).
const x2 = fixture.digamma.x.map(Number);
const second = fixture.digamma.grad.map(Number);
const inFloat32 = (v: number) => v === 0 || (Math.abs(v) >= 1.2e-38 && Math.abs(v) <= 3.4e38);

describeEachBackend('lgamma', ({ backend }) => {
  // cpu/wasm: measured max relative error 1.1e-6, at the zero of log|Γ| next to −2.5 (absolute 6e-8).
  // WebGL (SwiftShader): measured 3.7e-2 relative / 2e-8 absolute next to the zero at x = 1 before log1p;
  // a real GPU's transcendental functions may be coarser, hence the looser bound there.
  const tol = backend === 'webgl' ? { atol: 1e-6, rtol: 1e-5 } : { atol: 1e-7, rtol: 2e-6 };

  it('matches scipy.special.gammaln from 1e-30 to 1e36 and on the negative axis', async () => {
    await expectNoLeaks(() => {
      const y = lgamma(x);
      expect(y.dtype).toBe('float32');
      expectClose(y, value, tol);
      y.dispose();
    });
  });

  it('has digamma as its gradient', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => lgamma(t))(xt);
      const keep = grad.map((v, i) => (inFloat32(v) ? i : -1)).filter((i) => i >= 0);
      const got = g.dataSync();
      expectClose(
        keep.map((i) => got[i] as number),
        keep.map((i) => grad[i] as number),
        {
          atol: 1e-6,
          rtol: backend === 'webgl' ? 1e-5 : 3e-6,
        },
      );
      tf.dispose([xt, g]);
    });
  });

  it('has trigamma as its second derivative', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x2);
      const g2 = tf.grad((t: tf.Tensor) => tf.grad((u: tf.Tensor) => lgamma(u))(t))(xt);
      const keep = second.map((v, i) => (inFloat32(v) ? i : -1)).filter((i) => i >= 0);
      const got = g2.dataSync();
      expectClose(
        keep.map((i) => got[i] as number),
        keep.map((i) => second[i] as number),
        {
          atol: 1e-6,
          rtol: backend === 'webgl' ? 1e-5 : 1e-6,
        },
      );
      tf.dispose([xt, g2]);
    });
  });

  it('keeps its relative accuracy next to its zeros at 1 and 2', () => {
    // lgamma(1 + h) ≈ −γh, lgamma(2 + h) ≈ (1 − γ)h: values from the fixture, compared relatively only.
    const near = x
      .map((v, i) => [v, i] as const)
      .filter(([v]) => Math.abs(v - 1) < 0.02 || Math.abs(v - 2) < 0.02);
    expect(near.length).toBeGreaterThanOrEqual(10);
    const y = lgamma(near.map(([v]) => v));
    expectClose(
      y,
      near.map(([, i]) => value[i] as number),
      { atol: 0, rtol: backend === 'webgl' ? 5e-2 : 2e-6 },
    );
    y.dispose();
  });

  it('follows scipy at the edges: poles, ±∞, NaN', () => {
    const y = lgamma(fixture.edges.x.map(Number));
    // x: 0, −1, −2, −100, ∞, −∞, NaN → ∞, ∞, ∞, ∞, ∞, −∞, NaN; and −0 → ∞ (scipy.special.gammaln(-0.0)).
    expectClose(y, fixture.edges.lgamma.map(Number), { atol: 0, rtol: 0 });
    const negativeZero = lgamma(tf.tensor1d([-0]));
    expectClose(negativeZero, [Infinity], { atol: 0, rtol: 0 });
    tf.dispose([y, negativeZero]);
  });

  it('keeps the shape and accepts numbers, nested arrays and int32 tensors', () => {
    const a = lgamma([
      [1, 2],
      [3, 4],
    ]);
    expect(a.shape).toEqual([2, 2]);
    expectClose(
      a,
      [
        [0, 0],
        [Math.log(2), Math.log(6)],
      ],
      tol,
    );
    const b = lgamma(5);
    expect(b.shape).toEqual([]);
    expectClose(b, Math.log(24), tol);
    const i = tf.tensor1d([3], 'int32');
    const c = lgamma(i);
    expect(c.dtype).toBe('float32');
    expectClose(c, [Math.log(2)], tol);
    tf.dispose([a, b, c, i]);
  });

  it('names itself and the argument for bad input', () => {
    expect(() => lgamma('a')).toThrow(ArgumentError);
    expect(() => lgamma('a')).toThrow(/^lgamma: argument 'x' is the string "a", expected/);
    expect(() => lgamma([[1], [2, 3]])).toThrow(/^lgamma: argument 'x' is not a rectangular array/);
  });
});
