import * as tf from '@tensorflow/tfjs-core';
import { DomainError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Shift, shift } from './shift.js';

describeEachBackend('Shift', ({ tolerance }) => {
  it('adds the shift with broadcasting; log|det J| is 0 with the broadcast batch shape', async () => {
    await expectNoLeaks(() => {
      const b = shift([1, -1]);
      const y = b.forward([
        [0, 0],
        [2, 3],
      ]);
      expectClose(
        y,
        [
          [1, -1],
          [3, 2],
        ],
        tolerance,
      );
      const x = b.inverse([[1, -1]]);
      expectClose(x, [[0, 0]], tolerance);
      expect(b.forwardShape([3, 1])).toEqual([3, 2]);
      const ldj = b.forwardLogDetJacobian([[0], [1], [2]], 1);
      expect(ldj.shape).toEqual([3]);
      expectClose(ldj, [0, 0, 0], tolerance);
      const ildj = b.inverseLogDetJacobian(0, 0);
      expect(ildj.shape).toEqual([2]);
      tf.dispose([y, x, ldj, ildj]);
      b.dispose();
    });
  });

  it('passes gradients to x and to the shift', async () => {
    await expectNoLeaks(() => {
      const s = tf.tensor([0.5, 2]);
      const x = tf.tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      const [gx, gs] = tf.grads((t: tf.Tensor, u: tf.Tensor) => tf.sum(tf.square(new Shift(u).forward(t))))([
        x,
        s,
      ]);
      // d/dx Σ(x + s)² = 2(x + s); d/ds = Σ over rows of 2(x + s).
      expectClose(
        gx!,
        [
          [3, 8],
          [7, 12],
          [11, 16],
        ],
        tolerance,
      );
      expectClose(gs!, [21, 36], tolerance);
      tf.dispose([s, x, gx!, gs!]);
    });
  });
});

describe('Shift input checks', () => {
  it('rejects a non-finite shift given as numbers, naming the argument', () => {
    expect(() => new Shift([0, Number.NaN])).toThrow(DomainError);
    expect(() => new Shift([0, Number.NaN])).toThrow(
      "Shift: argument 'shift' has NaN at flat index 1, expected a finite number",
    );
  });

  it('frees the tensors it created and keeps the ones passed in', () => {
    const before = tf.memory().numTensors;
    new Shift([1, 2]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const t = tf.tensor([1, 2]);
    new Shift(t).dispose();
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });
});
