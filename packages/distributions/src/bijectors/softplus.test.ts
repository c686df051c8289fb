import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { Softplus, softplus } from './softplus.js';

// Expected values computed in float64: softplus(x) = log1p(eˣ), its inverse log(expm1(y)),
// log σ(x) = −log1p(e⁻ˣ) and −log(1 − e^−y) = −log(−expm1(−y)).
describeEachBackend('Softplus', ({ backend, tolerance }) => {
  const tol = backend === 'webgl' ? { atol: 1e-3, rtol: 2e-3 } : { atol: 1e-6, rtol: 1e-5 };

  it('maps x to log(1 + eˣ) and back, keeping both tails', async () => {
    await expectNoLeaks(() => {
      const b = softplus();
      expect(b.name).toBe('Softplus');
      const xs = [-20, -1, 0, 1, 30];
      const y = b.forward(xs);
      expectClose(
        y,
        xs.map((v) => Math.log1p(Math.exp(v))),
        tol,
      );
      const x = b.inverse([1e-6, Math.LN2, 100]);
      expectClose(x, [Math.log(Math.expm1(1e-6)), 0, 100], tol);
      tf.dispose([y, x]);
    });
  });

  it('has log|dy/dx| = log σ(x) and log|dx/dy| = −log(1 − e^−y), stable in the tails', async () => {
    await expectNoLeaks(() => {
      const b = new Softplus();
      const xs = [-100, -3, 0, 3, 40];
      const ldj = b.forwardLogDetJacobian(xs, 0);
      expectClose(
        ldj,
        xs.map((v) => -Math.log1p(Math.exp(-v))),
        tolerance,
      );
      const ys = [1e-6, 0.5, 5, 50];
      const ildj = b.inverseLogDetJacobian(ys, 0);
      expectClose(
        ildj,
        ys.map((v) => -Math.log(-Math.expm1(-v))),
        tol,
      );
      const summed = b.forwardLogDetJacobian([[0, 0]], 1);
      expectClose(summed, [2 * -Math.LN2], tolerance);
      tf.dispose([ldj, ildj, summed]);
    });
  });
});
