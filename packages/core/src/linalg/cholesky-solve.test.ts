import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ShapeError } from '../errors/errors.js';
import { cholesky } from './cholesky.js';
import { choleskySolve } from './cholesky-solve.js';
import fixture from './fixtures/linalg.json' with { type: 'json' };

// References: fixtures/linalg.json from fixtures/generate_linalg.py (numpy.linalg.solve on A = L Lᵀ for X;
// torch float64 autograd through torch.cholesky_solve for the gradients).

describeEachBackend('choleskySolve', ({ tolerance }) => {
  it.each(fixture.choleskySolve)('solves A X = B from the factor of A, $name', async (c) => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const x = choleskySolve(c.l, c.b);
        expect(x.dtype).toBe('float32');
        expect(x.shape).toEqual(tf.tensor(c.x).shape);
        expectClose(x, c.x, tolerance);
      }),
    );
  });

  it.each(fixture.choleskySolve)(
    'has the gradients of torch.cholesky_solve w.r.t. l and b, $name',
    async (c) => {
      await expectNoLeaks(() =>
        tf.tidy(() => {
          const v = tf.tensor(c.v);
          const [gradL, gradB] = tf.grads((l: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(choleskySolve(l, b), v)),
          )([tf.tensor(c.l), tf.tensor(c.b)]);
          expect(gradL?.shape).toEqual(tf.tensor(c.l).shape);
          expect(gradB?.shape).toEqual(tf.tensor(c.b).shape);
          expectClose(gradL as tf.Tensor, c.gradL, tolerance);
          expectClose(gradB as tf.Tensor, c.gradB, tolerance);
        }),
      );
    },
  );

  it('solves the documented example, and composes with cholesky', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expectClose(
          choleskySolve(
            [
              [2, 0],
              [1, 2],
            ],
            [[6], [7]],
          ),
          [[1], [1]],
          tolerance,
        );
        // A X = A gives X = I for a fixture matrix factored by cholesky.
        const a = fixture.cholesky.find((c) => c.name === 'n=5')?.a ?? [];
        expectClose(choleskySolve(cholesky(a), a), tf.eye(5), tolerance);
      }),
    );
  });

  it('throws a ShapeError naming the function, the argument and the shapes', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expect(() => choleskySolve(tf.ones([3, 2]), tf.ones([3, 1]))).toThrow(ShapeError);
        expect(() => choleskySolve(tf.ones([3, 2]), tf.ones([3, 1]))).toThrow(
          "choleskySolve: argument 'l' has shape [3,2], expected [..., n, n] (a square matrix or a batch of them)",
        );
        expect(() => choleskySolve(tf.eye(2), tf.ones([3, 1]))).toThrow(
          "choleskySolve: argument 'b' has shape [3,1], expected [..., 2, k] to match 'l' [2,2]",
        );
        expect(() => choleskySolve(tf.ones([3, 2, 2]), tf.ones([2, 2, 1]))).toThrow(
          "choleskySolve: the batch axes of 'l' [3] (shape [3,2,2]) and 'b' [2] (shape [2,2,1]) do not broadcast",
        );
      }),
    );
  });
});
