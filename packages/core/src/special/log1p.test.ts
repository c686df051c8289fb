import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { log1p } from './log1p.js';

// Reference: numpy.log1p and 1/(1 + x) in float64 at float32-exact x from −0.999 to 1e30, tiny ones included.
const x = fixture.log1p.x.map(Number);
const value = fixture.log1p.value.map(Number);
const grad = fixture.log1p.grad.map(Number);

describeEachBackend('log1p', ({ backend }) => {
  const rtol = backend === 'webgl' ? 2e-6 : 4e-7;

  it('matches numpy.log1p, down to |x| = 1e-30 (where tf.log1p on wasm and WebGL returns 0)', async () => {
    await expectNoLeaks(() => {
      const y = log1p(x);
      expectClose(y, value, { atol: 0, rtol });
      y.dispose();
    });
  });

  it('has 1/(1 + x) as its gradient', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => log1p(t))(xt);
      expectClose(g, grad, { atol: 0, rtol });
      tf.dispose([xt, g]);
    });
  });

  it('handles the edges: −1 → −∞, below −1 → NaN, ∞ → ∞, NaN → NaN', () => {
    const y = log1p([-1, -2, Infinity, NaN, 0]);
    expectClose(y, [-Infinity, NaN, Infinity, NaN, 0], { atol: 0, rtol: 0 });
    y.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => log1p('a')).toThrow(ArgumentError);
    expect(() => log1p('a')).toThrow(/^log1p: argument 'x'/);
  });
});
