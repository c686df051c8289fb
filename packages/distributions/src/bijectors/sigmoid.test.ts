import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { Sigmoid, sigmoid } from './sigmoid.js';

const TINY = 2 ** -126;
const EPS = 2 ** -23;

describeEachBackend('Sigmoid', ({ backend, tolerance }) => {
  it('maps x to σ(x) and back, with log|det J| = −softplus(−x) − softplus(x)', async () => {
    await expectNoLeaks(() => {
      const b = sigmoid();
      expect(b.name).toBe('Sigmoid');
      const y = b.forward([0, 2, -3]);
      expectClose(y, [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(3))], tolerance);
      const x = b.inverse([0.5, 0.25, 0.9]);
      expectClose(x, [0, Math.log(1 / 3), Math.log(9)], tolerance);
      const ldj = b.forwardLogDetJacobian([[0, 2]], 1);
      const sp = (v: number): number => Math.log1p(Math.exp(v));
      expectClose(ldj, [-2 * Math.LN2 - sp(-2) - sp(2)], tolerance);
      tf.dispose([y, x, ldj]);
    });
  });

  it('clamps as torch does: forward in [tiny, 1 − ε], inverse of 0 and 1 finite', async () => {
    await expectNoLeaks(() => {
      const b = new Sigmoid();
      const y = b.forward([-200, 200]);
      const [low, high] = Array.from(y.dataSync());
      if (backend !== 'webgl') expect(low).toBeGreaterThan(0);
      expect(high).toBeLessThan(1);
      expectClose(high!, 1 - EPS, { atol: 1e-7, rtol: 0 });
      const x = b.inverse([0, 1]);
      if (backend !== 'webgl') {
        // logit(tiny) = log(2^-126) − log1p(−2^-126); logit(1 − ε) = log(1 − 2^-23) − log(2^-23).
        expectClose(x, [Math.log(TINY), Math.log1p(-EPS) - Math.log(EPS)], tolerance);
      } else {
        expect(Array.from(x.dataSync()).every(Number.isFinite)).toBe(true);
      }
      tf.dispose([y, x]);
    });
  });

  it('passes gradients: d/dx σ(x) = σ(x)(1 − σ(x))', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor([0, 1]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(new Sigmoid().forward(t)))(x);
      const s = 1 / (1 + Math.exp(-1));
      expectClose(g, [0.25, s * (1 - s)], tolerance);
      tf.dispose([x, g]);
    });
  });
});
