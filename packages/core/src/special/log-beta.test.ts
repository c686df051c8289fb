import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { logBeta } from './log-beta.js';

// Reference: log B(a, b) and ψ(a) − ψ(a+b), ψ(b) − ψ(a+b) from mpmath at 50 digits (scipy.special.betaln
// agrees to 3e-9) on all pairs of 19 float32-exact values from 1e-6 to 1e20.
const a = fixture.logBeta.a.map(Number);
const b = fixture.logBeta.b.map(Number);
const value = fixture.logBeta.value.map(Number);
const da = fixture.logBeta.da.map(Number);
const db = fixture.logBeta.db.map(Number);

describeEachBackend('logBeta', ({ backend }) => {
  it('matches log B(a, b) from 1e-6 to 1e20, without the cancellation of the direct sum', async () => {
    // cpu/wasm: measured max relative error 5.4e-6 where log B crosses 0 between small arguments
    // (absolute 2.6e-7); absolute at most 4.3e-6 next to |log B| ≈ 7; 1.1e-7 relative for large ones.
    const tol = backend === 'webgl' ? { atol: 2e-5, rtol: 1e-5 } : { atol: 5e-6, rtol: 2e-6 };
    await expectNoLeaks(() => {
      const y = logBeta(a, b);
      expectClose(y, value, tol);
      const large = value.map((_, i) => i).filter((i) => Math.min(a[i] as number, b[i] as number) >= 8);
      const got = y.dataSync();
      expectClose(
        large.map((i) => got[i] as number),
        large.map((i) => value[i] as number),
        { atol: 0, rtol: 1e-6 },
      );
      y.dispose();
    });
  });

  it('has (ψ(a) − ψ(a+b), ψ(b) − ψ(a+b)) as its gradient, relatively accurate for every pair', async () => {
    // Measured max relative error 2.1e-7 on cpu, wasm and WebGL (SwiftShader), including
    // ψ(1e20) − ψ(1e20 + 7.9) = −7.9e-20 and ψ(7.9) − ψ(7.9 + 1e-6) = −1.3e-7.
    await expectNoLeaks(() => {
      const at = tf.tensor1d(a);
      const bt = tf.tensor1d(b);
      const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => logBeta(p, q))([at, bt]);
      const rtol = backend === 'webgl' ? 1e-5 : 1e-6;
      expectClose(ga as tf.Tensor, da, { atol: 0, rtol });
      expectClose(gb as tf.Tensor, db, { atol: 0, rtol });
      tf.dispose([at, bt, ga as tf.Tensor, gb as tf.Tensor]);
    });
  });

  it('broadcasts, and sums the gradient back to each argument’s shape', () => {
    const at = tf.tensor2d([[1], [2]]);
    const bt = tf.tensor1d([1, 2, 3]);
    const y = logBeta(at, bt);
    expect(y.shape).toEqual([2, 3]);
    // B(1, b) = 1/b, B(2, b) = 1/(b(b + 1)).
    expectClose(
      y,
      [
        [0, -Math.log(2), -Math.log(3)],
        [-Math.log(2), -Math.log(6), -Math.log(12)],
      ],
      {
        atol: 1e-6,
        rtol: 1e-6,
      },
    );
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => logBeta(p, q))([at, bt]);
    expect((ga as tf.Tensor).shape).toEqual([2, 1]);
    expect((gb as tf.Tensor).shape).toEqual([3]);
    // ∂/∂a at a = 1: Σ_b (ψ(1) − ψ(1 + b)) = −(1 + 3/2 + 11/6); at a = 2: −(1/2 + 5/6 + 13/12).
    expectClose(ga as tf.Tensor, [[-(1 + 1.5 + 11 / 6)], [-(0.5 + 5 / 6 + 13 / 12)]], {
      atol: 1e-5,
      rtol: 1e-5,
    });
    tf.dispose([at, bt, y, ga as tf.Tensor, gb as tf.Tensor]);
  });

  it('follows scipy.special.betaln at the edges', () => {
    const e = fixture.edges.logBeta;
    // (0,1) ∞, (1,0) ∞, (0,0) ∞, (∞,1) −∞, (1,∞) −∞, (∞,∞) NaN, (NaN,1) NaN, (0,∞) ∞, (2.5,NaN) NaN,
    // (1e30, 1e30) −1.386e30, (1, 1e-30) 69.08.
    const y = logBeta(e.a.map(Number), e.b.map(Number));
    expectClose(y, e.value.map(Number), { atol: 0, rtol: 1e-6 });
    y.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => logBeta('a', 1)).toThrow(ArgumentError);
    expect(() => logBeta(1, 'b')).toThrow(/^logBeta: argument 'b' is the string "b"/);
    expect(() => logBeta([1, 2], [1, 2, 3])).toThrow(ShapeError);
    expect(() => logBeta([1, 2], [1, 2, 3])).toThrow(
      "logBeta: arguments 'a' [2] and 'b' [3] do not broadcast",
    );
  });
});
