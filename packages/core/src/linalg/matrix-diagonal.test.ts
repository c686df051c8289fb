import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ShapeError } from '../errors/errors.js';
import fixture from './fixtures/linalg.json' with { type: 'json' };
import { matrixDiagonal } from './matrix-diagonal.js';

// Reference: numpy.diagonal(axis1=-2, axis2=-1) of the fixture matrices (fixtures/generate_linalg.py).

describeEachBackend('matrixDiagonal', ({ tolerance }) => {
  it.each(fixture.cholesky)('is numpy.diagonal of $name', async (c) => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const d = matrixDiagonal(c.a);
        expect(d.shape).toEqual(tf.tensor(c.diagonalOfA).shape);
        expectClose(d, c.diagonalOfA, { atol: 0, rtol: 0 });
      }),
    );
  });

  it('takes min(m, n) entries of a rectangular matrix, batched', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expectClose(
          matrixDiagonal([
            [1, 2, 3],
            [4, 5, 6],
          ]),
          [1, 5],
          { atol: 0, rtol: 0 },
        );
        expectClose(
          matrixDiagonal([
            [1, 2],
            [3, 4],
            [5, 6],
          ]),
          [1, 4],
          { atol: 0, rtol: 0 },
        );
        const batch = matrixDiagonal([
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          [
            [7, 8, 9],
            [10, 11, 12],
          ],
        ]);
        expect(batch.shape).toEqual([2, 2]);
        expectClose(
          batch,
          [
            [1, 5],
            [7, 11],
          ],
          { atol: 0, rtol: 0 },
        );
        expect(matrixDiagonal(tf.zeros([2, 0, 3])).shape).toEqual([2, 0]);
      }),
    );
  });

  it('keeps an off-diagonal ±∞ or NaN out of the diagonal', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expectClose(
          matrixDiagonal([
            [1, Number.POSITIVE_INFINITY],
            [Number.NaN, 2],
          ]),
          [1, 2],
          { atol: 0, rtol: 0 },
        );
      }),
    );
  });

  it('puts the gradient back on the diagonal, zeros elsewhere', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(matrixDiagonal(a), [3, -2])))(tf.ones([2, 3]));
        expectClose(
          grad,
          [
            [3, 0, 0],
            [0, -2, 0],
          ],
          tolerance,
        );
      }),
    );
  });

  it('throws a ShapeError for rank below 2', async () => {
    await expectNoLeaks(() => {
      expect(() => matrixDiagonal([1, 2])).toThrow(ShapeError);
      expect(() => matrixDiagonal([1, 2])).toThrow(
        "matrixDiagonal: argument 'a' has shape [2], expected [..., m, n] (a matrix or a batch of them)",
      );
    });
  });
});
