import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import { expm1 } from './expm1.js';
import fixture from './fixtures/special.json' with { type: 'json' };

// Reference: numpy.expm1 and exp in float64 at float32-exact x from −87 to 88, tiny ones included.
const x = fixture.expm1.x.map(Number);
const value = fixture.expm1.value.map(Number);
const grad = fixture.expm1.grad.map(Number);

describeEachBackend('expm1', ({ backend }) => {
  const rtol = backend === 'webgl' ? 2e-6 : 4e-7;

  it('matches numpy.expm1, down to |x| = 1e-30 (where exp(x) − 1 on WebGL returns 0)', async () => {
    await expectNoLeaks(() => {
      const y = expm1(x);
      expectClose(y, value, { atol: 0, rtol });
      y.dispose();
    });
  });

  it('has eˣ as its gradient', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => expm1(t))(xt);
      // e⁻⁸⁷ = 1.6e-38 sits next to float32's smallest normal number: compared absolutely, to 1e-37.
      expectClose(g, grad, { atol: 1e-37, rtol });
      tf.dispose([xt, g]);
    });
  });

  it('handles the edges: ∞ → ∞, −∞ → −1, NaN → NaN', () => {
    const y = expm1([Infinity, -Infinity, NaN, 0]);
    expectClose(y, [Infinity, -1, NaN, 0], { atol: 0, rtol: 0 });
    y.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => expm1('a')).toThrow(ArgumentError);
    expect(() => expm1('a')).toThrow(/^expm1: argument 'x'/);
  });
});
