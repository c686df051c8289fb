import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Chain, chain } from './chain.js';
import { Exp } from './exp.js';
import { FillScaleTriL } from './fill-scale-tril.js';
import { Scale } from './scale.js';
import { Shift } from './shift.js';

describeEachBackend('Chain', ({ tolerance }) => {
  it('composes in TFP order: the last bijector is applied first', async () => {
    await expectNoLeaks(() => {
      const shift = new Shift(1);
      const twice = new Scale(2);
      const a = chain([shift, twice]); // 1 + 2x
      const b = chain([twice, shift]); // 2(x + 1)
      const ya = a.forward(3);
      const yb = b.forward(3);
      expectClose(ya, 7, tolerance);
      expectClose(yb, 8, tolerance);
      const xa = a.inverse(7);
      expectClose(xa, 3, tolerance);
      tf.dispose([ya, yb, xa]);
      shift.dispose();
      twice.dispose();
    });
  });

  it('adds the log-determinants, each at its own input: log|d(1 + 2eˣ)/dx| = log 2 + x', async () => {
    await expectNoLeaks(() => {
      const shift = new Shift(1);
      const twice = new Scale(2);
      const b = new Chain([shift, twice, new Exp()]);
      const ldj = b.forwardLogDetJacobian([[0, 1, -2]], 1);
      expectClose(ldj, [3 * Math.LN2 + (0 + 1 - 2)], tolerance);
      const y = b.forward([[0, 1, -2]]);
      const ildj = b.inverseLogDetJacobian(y, 1);
      expectClose(ildj, [-(3 * Math.LN2 - 1)], tolerance);
      tf.dispose([ldj, y, ildj]);
      shift.dispose();
      twice.dispose();
    });
  });

  it('follows event ranks through FillScaleTriL: vectors in, matrices out', async () => {
    await expectNoLeaks(() => {
      const fill = new FillScaleTriL({ diagShift: 0 });
      const b = new Chain([new Scale(2), fill, new Shift(0)]);
      expect([b.forwardMinEventRank, b.inverseMinEventRank]).toEqual([1, 2]);
      expect(b.forwardShape([5, 3])).toEqual([5, 2, 2]);
      expect(b.inverseShape([5, 2, 2])).toEqual([5, 3]);
      const y = b.forward([[0, 0, 0]]);
      expectClose(
        y,
        [
          [
            [2 * Math.LN2, 0],
            [0, 2 * Math.LN2],
          ],
        ],
        tolerance,
      );
      // Scale(2) on the 3 non-zero entries of a 2×2 lower triangle: 4 log 2 (all four entries are
      // scaled, the zero one included, as TFP's Scale on a matrix event), plus 2 log σ(0).
      const ldj = b.forwardLogDetJacobian([[0, 0, 0]], 1);
      expectClose(ldj, [4 * Math.LN2 - 2 * Math.LN2], tolerance);
      const x = b.inverse(y);
      expectClose(x, [[0, 0, 0]], { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([y, ldj, x]);
      b.bijectors.forEach((p) => p.dispose());
    });
  });

  it('is the identity when empty, returning new tensors', async () => {
    await expectNoLeaks(() => {
      const b = new Chain([]);
      const x = tf.tensor([1, 2]);
      const y = b.forward(x);
      expect(y).not.toBe(x);
      expectClose(y, [1, 2], tolerance);
      const ldj = b.forwardLogDetJacobian(x, 1);
      expectClose(ldj, 0, tolerance);
      tf.dispose([x, y, ldj]);
    });
  });
});

describe('Chain input checks', () => {
  it('rejects what is not an array of bijectors, naming the index', () => {
    expect(() => new Chain({} as unknown as [])).toThrow(ArgumentError);
    expect(() => new Chain([new Exp(), 3 as unknown as Exp])).toThrow(
      "Chain: argument 'bijectors' has a number at index 1, expected a Bijector (Exp, Softplus, Shift, ...)",
    );
  });
});
