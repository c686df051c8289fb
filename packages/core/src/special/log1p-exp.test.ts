import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { log1pExp, softplus } from './log1p-exp.js';

// Reference: numpy.logaddexp(0, x) and scipy.special.expit in float64 at float32-exact x from −87 to 1e30.
const x = fixture.log1pExp.x.map(Number);
const value = fixture.log1pExp.value.map(Number);
const grad = fixture.log1pExp.grad.map(Number);
// Results next to or below float32's smallest normal number 1.2e-38 (e⁻⁸⁷ = 1.6e-38, e⁻¹⁰⁰ = 3.7e-44)
// lose digits or are flushed to 0 (WebGL): compared in absolute terms, to 1e-37.
const TINY = 1e-37;

describeEachBackend('log1pExp', ({ backend }) => {
  // Measured max relative error 1.4e-7 (cpu, wasm), 1.3e-6 (WebGL on SwiftShader, in the e⁻⁵⁰ tail).
  const rtol = backend === 'webgl' ? 5e-6 : 4e-7;

  it('matches log(1 + eˣ) from −87 to 1e30, the e^x tail included', async () => {
    await expectNoLeaks(() => {
      const y = log1pExp(x);
      expectClose(y, value, { atol: TINY, rtol });
      y.dispose();
    });
  });

  it('has the sigmoid as its gradient, ½ at 0', async () => {
    await expectNoLeaks(() => {
      const xt = tf.tensor1d(x);
      const g = tf.grad((t: tf.Tensor) => log1pExp(t))(xt);
      expectClose(g, grad, { atol: TINY, rtol: 2 * rtol });
      tf.dispose([xt, g]);
      const zero = tf.scalar(0);
      const g0 = tf.grad((t: tf.Tensor) => log1pExp(t))(zero);
      expectClose(g0, 0.5, { atol: 0, rtol: 0 });
      tf.dispose([zero, g0]);
    });
  });

  it('is what softplus names', () => {
    expect(softplus).toBe(log1pExp);
  });

  it('handles the edges: −∞ → 0, ∞ → ∞, NaN → NaN', () => {
    const y = log1pExp([-Infinity, Infinity, NaN]);
    expectClose(y, [0, Infinity, NaN], { atol: 0, rtol: 0 });
    y.dispose();
  });

  it('names itself and the argument for bad input', () => {
    expect(() => log1pExp('a')).toThrow(ArgumentError);
    expect(() => softplus('a')).toThrow(/^log1pExp: argument 'x' is the string "a"/);
  });
});
