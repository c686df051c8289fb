import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { maskOf, stopGradient } from './index.js';

/** Σ where(cond(x), −x, x²), whose derivative is −1 where x < 0 and 2x elsewhere. */
const piecewise = (cond: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) =>
  tf.sum(tf.where(cond(t), tf.neg(t), tf.square(t)));

describeEachBackend('maskOf and stopGradient', () => {
  it('maskOf lets tf.grad go through a tf.where whose condition depends on x', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor1d([-2, 3, 0.5]);
      const g = tf.grad(piecewise((t) => maskOf([t], (u) => tf.less(u, 0))))(x);
      expect(Array.from(g.dataSync())).toEqual([-1, 6, 1]);
      const one = tf.scalar(1);
      const m = maskOf([x, one], (a, b) => tf.greater(a, b!));
      expect(m.dtype).toBe('bool');
      expect(Array.from(m.dataSync())).toEqual([0, 1, 0]);
      tf.dispose([x, g, one, m]);
    });
  });

  it('without maskOf the same gradient throws (why it exists)', () => {
    // Outside a leak check: tfjs leaves the tape's intermediates behind when it throws.
    const x = tf.tensor1d([-2, 3]);
    expect(() => tf.grad(piecewise((t) => tf.less(t, 0)))(x)).toThrow(/gradient function not found for Less/);
    x.dispose();
  });

  it('stopGradient is the identity in value and zero in gradient', async () => {
    await expectNoLeaks(() => {
      const x = tf.scalar(3);
      const y = stopGradient(x);
      expect(y.dataSync()[0]).toBe(3);
      expect(y).not.toBe(x);
      // d/dx [x · stop(x)] = stop(x) = 3, not 2x = 6.
      const g = tf.grad((t: tf.Tensor) => tf.mul(t, stopGradient(t)))(x);
      expect(g.dataSync()[0]).toBe(3);
      tf.dispose([x, y, g]);
    });
  });
});
