import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { Exp, exp } from './exp.js';

describeEachBackend('Exp', ({ tolerance }) => {
  it('maps x to eˣ and back, with log|det J| = Σ x over the event', async () => {
    await expectNoLeaks(() => {
      const b = exp();
      expect(b.name).toBe('Exp');
      expect([b.forwardMinEventRank, b.inverseMinEventRank]).toEqual([0, 0]);
      const y = b.forward([0, 1, -2]);
      expectClose(y, [1, Math.E, Math.exp(-2)], tolerance);
      const x = b.inverse([1, Math.E, Math.exp(-2)]);
      expectClose(x, [0, 1, -2], tolerance);
      const ldj = b.forwardLogDetJacobian(
        [
          [0, 1, -2],
          [3, 4, 5],
        ],
        1,
      );
      expectClose(ldj, [-1, 12], tolerance);
      const ildj = b.inverseLogDetJacobian(
        [
          [1, Math.E],
          [Math.exp(3), Math.exp(4)],
        ],
        1,
      );
      expectClose(ildj, [-1, -7], tolerance);
      tf.dispose([y, x, ldj, ildj]);
    });
  });

  it('has the documented edge values: inverse(0) = −∞, inverse(−1) = NaN, forward(89) = +∞', async () => {
    await expectNoLeaks(() => {
      const b = new Exp();
      const x = b.inverse([0, -1]);
      expectClose(x, [-Infinity, Number.NaN], tolerance);
      const y = b.forward([89]);
      expectClose(y, [Infinity], tolerance);
      tf.dispose([x, y]);
    });
  });

  it('passes gradients: d/dx Σ eˣ = eˣ', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor([0, 1]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(new Exp().forward(t)))(x);
      expectClose(g, [1, Math.E], tolerance);
      tf.dispose([x, g]);
    });
  });
});
