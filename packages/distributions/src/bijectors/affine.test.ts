import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Affine, affine } from './affine.js';

describeEachBackend('Affine', ({ tolerance }) => {
  it('maps x to shift + scale·x and back; log|det J| = Σ log|scale| over the event', async () => {
    await expectNoLeaks(() => {
      const b = affine([1, -1], [2, -0.5]);
      const y = b.forward([
        [0, 0],
        [1, 4],
      ]);
      expectClose(
        y,
        [
          [1, -1],
          [3, -3],
        ],
        tolerance,
      );
      const x = b.inverse([
        [1, -1],
        [3, -3],
      ]);
      expectClose(
        x,
        [
          [0, 0],
          [1, 4],
        ],
        tolerance,
      );
      const ldj = b.forwardLogDetJacobian(
        [
          [0, 0],
          [1, 4],
        ],
        1,
      );
      expectClose(ldj, [0, 0], tolerance); // log 2 + log ½
      const ldj0 = b.forwardLogDetJacobian(5, 0);
      expect(ldj0.shape).toEqual([2]);
      expectClose(ldj0, [Math.LN2, -Math.LN2], tolerance);
      tf.dispose([y, x, ldj, ldj0]);
      b.dispose();
    });
  });

  it('takes its log-det shape from the shift too, and gradients reach both parameters', async () => {
    await expectNoLeaks(() => {
      const b = new Affine([[0], [1], [2]], 3);
      const ldj = b.forwardLogDetJacobian([1, 2], 1);
      expectClose(ldj, [2 * Math.log(3), 2 * Math.log(3), 2 * Math.log(3)], tolerance);
      b.dispose();
      const shift = tf.scalar(0.5);
      const factor = tf.scalar(2);
      const [gShift, gScale] = tf.grads((s: tf.Tensor, c: tf.Tensor) =>
        tf.sum(new Affine(s, c).forward([1, 2, 3])),
      )([shift, factor]);
      expectClose(gShift!, 3, tolerance);
      expectClose(gScale!, 6, tolerance);
      tf.dispose([ldj, shift, factor, gShift!, gScale!]);
    });
  });
});

describe('Affine input checks', () => {
  it('rejects a zero scale or a non-finite shift, and parameters that do not broadcast', () => {
    expect(() => new Affine(0, 0)).toThrow(
      "Affine: argument 'scale' has 0 at flat index 0, expected a finite number ≠ 0",
    );
    expect(() => new Affine(Number.NaN, 1)).toThrow(DomainError);
    const b = new Affine([1, 2, 3], 1);
    expect(() => b.forwardShape([2])).toThrow(ShapeError);
    b.dispose();
  });
});
