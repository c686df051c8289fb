import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { log1mExp } from './log1m-exp.js';

// Reference: log(1 − eˣ) (numpy, checked against mpmath) and −1/expm1(−x), x from −1e30 to −1e-30 and
// on both sides of −log 2.
const x = fixture.log1mExp.x.map(Number);
const value = fixture.log1mExp.value.map(Number);
const grad = fixture.log1mExp.grad.map(Number);
const inFloat32 = (v: number) => v === 0 || (Math.abs(v) >= 1.2e-38 && Math.abs(v) <= 3.4e38);
// Results next to or below float32's smallest normal number 1.2e-38 (e⁻⁸⁷ = 1.6e-38, e⁻¹⁰⁰ = 3.7e-44)
// lose digits or are flushed to 0 (WebGL): compared in absolute terms, to 1e-37.
const TINY = 1e-37;

describeEachBackend('log1mExp', ({ backend }) => {
  const rtol = backend === 'webgl' ? 5e-6 : 4e-7;

  it('matches log(1 − eˣ) on both sides of −log 2', async () => {
    await expectNoLeaks(() => {
      const y = log1mExp(x);
      expectClose(y, value, { atol: TINY, rtol });
      y.dispose();
    });
  });

  it('has −1/expm1(−x) as its gradient', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => log1mExp(t))(xt);
      const keep = grad.map((v, i) => (inFloat32(v) ? i : -1)).filter((i) => i >= 0);
      const got = g.dataSync();
      expectClose(
        keep.map((i) => got[i] as number),
        keep.map((i) => grad[i] as number),
        { atol: TINY, rtol: 2 * rtol },
      );
      tf.dispose([xt, g]);
    });
  });

  it('handles the edges: 0 → −∞, x > 0 → NaN, −∞ → 0, NaN → NaN', () => {
    const y = log1mExp([0, 1, -Infinity, NaN]);
    expectClose(y, [-Infinity, NaN, 0, NaN], { atol: 0, rtol: 0 });
    y.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => log1mExp('a')).toThrow(ArgumentError);
    expect(() => log1mExp('a')).toThrow(/^log1mExp: argument 'x'/);
  });
});
