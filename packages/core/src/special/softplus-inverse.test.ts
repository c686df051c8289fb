import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { softplusInverse } from './softplus-inverse.js';

// Reference: log(expm1(y)) from mpmath and 1/(1 − e^−y) in float64, y from 1e-30 to 1e30.
const y = fixture.softplusInverse.x.map(Number);
const value = fixture.softplusInverse.value.map(Number);
const grad = fixture.softplusInverse.grad.map(Number);

describeEachBackend('softplusInverse', ({ backend }) => {
  // Measured max relative error 1.5e-7, the root y = log 2 included (there the float32 y is 2.6e-8 above
  // log 2 and the value is 3.8e-9).
  const rtol = backend === 'webgl' ? 5e-6 : 4e-7;

  it('matches log(expm1(y)) from 1e-30 to 1e30', async () => {
    await expectNoLeaks(() => {
      const x = softplusInverse(y);
      expectClose(x, value, { atol: 0, rtol });
      x.dispose();
    });
  });

  it('has 1/(1 − e^−y) as its gradient', async () => {
    await expectNoLeaks(() => {
      const yt = tf.tensor1d(y);
      const g = tf.grad((t: tf.Tensor) => softplusInverse(t))(yt);
      expectClose(g, grad, { atol: 0, rtol: 2 * rtol });
      tf.dispose([yt, g]);
    });
  });

  it('inverts the softplus: log(1 + e^x) of the result is y again', () => {
    const back = tf.tidy(() => tf.softplus(softplusInverse([0.1, 1, 5])));
    expectClose(back, [0.1, 1, 5], { atol: 1e-6, rtol: 1e-6 });
    back.dispose();
  });

  it('handles the edges: 0 → −∞, y < 0 → NaN, ∞ → ∞, NaN → NaN', () => {
    const x = softplusInverse([0, -1, Infinity, NaN]);
    expectClose(x, [-Infinity, NaN, Infinity, NaN], { atol: 0, rtol: 0 });
    x.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => softplusInverse('a')).toThrow(ArgumentError);
    expect(() => softplusInverse('a')).toThrow(/^softplusInverse: argument 'y'/);
  });
});
