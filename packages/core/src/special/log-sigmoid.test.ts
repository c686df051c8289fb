import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { logSigmoid } from './log-sigmoid.js';

// Reference: scipy.special.log_expit (checked against mpmath) and expit(−x), x from −1e30 to 87.
const x = fixture.logSigmoid.x.map(Number);
const value = fixture.logSigmoid.value.map(Number);
const grad = fixture.logSigmoid.grad.map(Number);
// Results next to or below float32's smallest normal number 1.2e-38 (e⁻⁸⁷ = 1.6e-38, e⁻¹⁰⁰ = 3.7e-44)
// lose digits or are flushed to 0 (WebGL): compared in absolute terms, to 1e-37.
const TINY = 1e-37;

describeEachBackend('logSigmoid', ({ backend }) => {
  const rtol = backend === 'webgl' ? 5e-6 : 4e-7;

  it('matches scipy.special.log_expit, both tails included', async () => {
    await expectNoLeaks(() => {
      const y = logSigmoid(x);
      expectClose(y, value, { atol: TINY, rtol });
      y.dispose();
    });
  });

  it('has σ(−x) as its gradient', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => logSigmoid(t))(xt);
      expectClose(g, grad, { atol: TINY, rtol: 2 * rtol });
      tf.dispose([xt, g]);
    });
  });

  it('handles the edges: −∞ → −∞, ∞ → 0, NaN → NaN', () => {
    const y = logSigmoid([-Infinity, Infinity, NaN]);
    expectClose(y, [-Infinity, 0, NaN], { atol: 0, rtol: 0 });
    y.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => logSigmoid('a')).toThrow(ArgumentError);
    expect(() => logSigmoid('a')).toThrow(/^logSigmoid: argument 'x'/);
  });
});
