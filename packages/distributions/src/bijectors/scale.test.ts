import * as tf from '@tensorflow/tfjs-core';
import { DomainError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Scale, scale } from './scale.js';

describeEachBackend('Scale', ({ tolerance }) => {
  it('multiplies by the scale; log|det J| is n·log|scale| over an event of n elements', async () => {
    await expectNoLeaks(() => {
      const b = scale(-2);
      const y = b.forward([1, 3, -0.5]);
      expectClose(y, [-2, -6, 1], tolerance);
      const x = b.inverse([-2, -6, 1]);
      expectClose(x, [1, 3, -0.5], tolerance);
      const ldj = b.forwardLogDetJacobian(
        [
          [1, 3, -0.5],
          [0, 0, 0],
        ],
        1,
      );
      expectClose(ldj, [3 * Math.LN2, 3 * Math.LN2], tolerance);
      const ildj = b.inverseLogDetJacobian([[1, 3, -0.5]], 2);
      expectClose(ildj, -3 * Math.LN2, tolerance);
      const per = b.forwardLogDetJacobian([1, 2], 0);
      expectClose(per, [Math.LN2, Math.LN2], tolerance);
      tf.dispose([y, x, ldj, ildj, per]);
      b.dispose();
    });
  });

  it('passes gradients to the scale: d/ds Σ s·x = Σ x', async () => {
    await expectNoLeaks(() => {
      const s = tf.scalar(1.5);
      const g = tf.grad((u: tf.Tensor) => tf.sum(new Scale(u).forward([1, 2, 4])))(s);
      expectClose(g, 7, tolerance);
      tf.dispose([s, g]);
    });
  });
});

describe('Scale input checks', () => {
  it('rejects a zero or non-finite scale given as numbers, naming the argument', () => {
    expect(() => new Scale([1, 0])).toThrow(DomainError);
    expect(() => new Scale([1, 0])).toThrow(
      "Scale: argument 'scale' has 0 at flat index 1, expected a finite number ≠ 0 (a scale of 0 is not invertible)",
    );
    expect(() => new Scale(Infinity)).toThrow(DomainError);
  });

  it('checks tensor scales only when asked', () => {
    const s = tf.tensor([0, 1]);
    expect(() => new Scale(s).dispose()).not.toThrow();
    expect(() => new Scale(s, { validate: true })).toThrow(DomainError);
    s.dispose();
  });
});
