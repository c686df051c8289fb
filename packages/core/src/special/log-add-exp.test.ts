import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { logAddExp } from './log-add-exp.js';

// Reference: numpy.logaddexp and scipy.special.expit(a − b), expit(b − a) on all pairs of 12 float32-exact
// values from −1e30 to 1e30.
const a = fixture.logAddExp.a.map(Number);
const b = fixture.logAddExp.b.map(Number);
const value = fixture.logAddExp.value.map(Number);
const da = fixture.logAddExp.da.map(Number);
const db = fixture.logAddExp.db.map(Number);
// Results next to or below float32's smallest normal number 1.2e-38 (e⁻⁸⁷ = 1.6e-38, e⁻¹⁰⁰ = 3.7e-44)
// lose digits or are flushed to 0 (WebGL): compared in absolute terms, to 1e-37.
const TINY = 1e-37;

describeEachBackend('logAddExp', ({ backend }) => {
  // Measured max relative error 3.3e-7 (values), 1.5e-6 (gradients, σ in its e⁻²⁰ tail).
  const rtol = backend === 'webgl' ? 5e-6 : 4e-7;

  it('matches numpy.logaddexp from −1e30 to 1e30', async () => {
    await expectNoLeaks(() => {
      const y = logAddExp(a, b);
      expectClose(y, value, { atol: TINY, rtol });
      y.dispose();
    });
  });

  it('has (σ(a − b), σ(b − a)) as its gradient', async () => {
    await expectNoLeaks(() => {
      const at = tf.tensor1d(a);
      const bt = tf.tensor1d(b);
      const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => logAddExp(p, q))([at, bt]);
      expectClose(ga as tf.Tensor, da, { atol: TINY, rtol: backend === 'webgl' ? 1e-5 : 2e-6 });
      expectClose(gb as tf.Tensor, db, { atol: TINY, rtol: backend === 'webgl' ? 1e-5 : 2e-6 });
      tf.dispose([at, bt, ga as tf.Tensor, gb as tf.Tensor]);
    });
  });

  it('broadcasts, and sums the gradient back to each argument’s shape', () => {
    const at = tf.tensor2d([[0], [1]]);
    const bt = tf.tensor1d([0, 1, 2]);
    const y = logAddExp(at, bt);
    expect(y.shape).toEqual([2, 3]);
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => logAddExp(p, q))([at, bt]);
    const sigma = (t: number) => 1 / (1 + Math.exp(-t));
    expect((ga as tf.Tensor).shape).toEqual([2, 1]);
    expectClose(ga as tf.Tensor, [[sigma(0) + sigma(-1) + sigma(-2)], [sigma(1) + sigma(0) + sigma(-1)]], {
      atol: 1e-6,
      rtol: 1e-6,
    });
    expectClose(gb as tf.Tensor, [sigma(0) + sigma(-1), sigma(1) + sigma(0), sigma(2) + sigma(1)], {
      atol: 1e-6,
      rtol: 1e-6,
    });
    tf.dispose([at, bt, y, ga as tf.Tensor, gb as tf.Tensor]);
  });

  it('handles infinities and NaN, with gradient ½ each at a tie', () => {
    const y = logAddExp(
      [-Infinity, -Infinity, Infinity, Infinity, NaN, 0],
      [-Infinity, 3, -Infinity, Infinity, 1, 0],
    );
    expectClose(y, [-Infinity, 3, Infinity, Infinity, NaN, Math.LN2], { atol: 0, rtol: 1e-7 });
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => logAddExp(p, q))([
      tf.tensor1d([2, -Infinity]),
      tf.tensor1d([2, 3]),
    ]);
    expectClose(ga as tf.Tensor, [0.5, 0], { atol: 0, rtol: 0 });
    expectClose(gb as tf.Tensor, [0.5, 1], { atol: 0, rtol: 0 });
    tf.dispose([y, ga as tf.Tensor, gb as tf.Tensor]);
  });

  it('names itself and the argument for bad input', () => {
    expect(() => logAddExp('a', 1)).toThrow(ArgumentError);
    expect(() => logAddExp(1, 'b')).toThrow(/^logAddExp: argument 'b'/);
    expect(() => logAddExp([1, 2], [1, 2, 3])).toThrow(ShapeError);
  });
});
