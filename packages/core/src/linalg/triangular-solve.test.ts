import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors/errors.js';
import fixture from './fixtures/linalg.json' with { type: 'json' };
import { triangularSolve, type TriangularSolveOptions } from './triangular-solve.js';

// References: fixtures/linalg.json from fixtures/generate_linalg.py (scipy.linalg.solve_triangular, i.e.
// LAPACK dtrtrs, for X; torch float64 autograd through torch.linalg.solve_triangular for the gradients).

type Nested = number | Nested[];

/** Replaces the triangle of every matrix of a nested [..., n, n] array that a solve must not read. */
function withOtherTriangle(a: Nested, lower: boolean, value: number): Nested {
  if (!Array.isArray(a)) return a;
  if (Array.isArray(a[0]) && !Array.isArray((a[0] as Nested[])[0])) {
    return (a as number[][]).map((row, i) => row.map((x, j) => ((lower ? j > i : j < i) ? value : x)));
  }
  return a.map((m) => withOtherTriangle(m, lower, value));
}

const cases = fixture.triangularSolve.filter((c) => !c.name.startsWith('Hilbert'));
const hilbert = fixture.triangularSolve.filter((c) => c.name.startsWith('Hilbert'));

describeEachBackend('triangularSolve', ({ tolerance }) => {
  it.each(cases)('solves $name as LAPACK trtrs does', async (c) => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const x = triangularSolve(c.l, c.b, { lower: c.lower, adjoint: c.adjoint });
        expect(x.dtype).toBe('float32');
        expect(x.shape).toEqual(tf.tensor(c.x).shape);
        expectClose(x, c.x, tolerance);
      }),
    );
  });

  it.each(cases)('has the gradients of torch w.r.t. l and b, $name', async (c) => {
    const options: TriangularSolveOptions = { lower: c.lower, adjoint: c.adjoint };
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const v = tf.tensor(c.v);
        const [gradL, gradB] = tf.grads((l: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(triangularSolve(l, b, options), v)),
        )([tf.tensor(c.l), tf.tensor(c.b)]);
        // Broadcast batch axes are summed back: the gradients have the arguments' own shapes.
        expect(gradL?.shape).toEqual(tf.tensor(c.l).shape);
        expect(gradB?.shape).toEqual(tf.tensor(c.b).shape);
        expectClose(gradL as tf.Tensor, c.gradL, tolerance);
        expectClose(gradB as tf.Tensor, c.gradB, tolerance);
      }),
    );
  });

  it.each(hilbert)('solves with an ill-conditioned factor: $name', async (c) => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        // Forward substitution is backward stable; the error relative to X's scale stays near float32 rounding.
        const x = triangularSolve(c.l, c.b);
        const scale = Math.max(...(c.x as number[][]).flat().map(Math.abs));
        expectClose(x, c.x, { atol: 1e-5 * scale, rtol: 0 });
      }),
    );
  });

  it('reads only the triangle it is told to (the other one may hold NaN), and its gradient stays there', async () => {
    const picked = cases.filter((c) => c.name.startsWith('n=5'));
    expect(picked).toHaveLength(4);
    await expectNoLeaks(() =>
      tf.tidy(() => {
        for (const c of picked) {
          const options = { lower: c.lower, adjoint: c.adjoint };
          expectClose(
            triangularSolve(withOtherTriangle(c.l, c.lower, Number.NaN) as number[][], c.b, options),
            c.x,
            tolerance,
          );
          const gradL = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(triangularSolve(l, c.b, options), c.v)))(
            tf.tensor(withOtherTriangle(c.l, c.lower, 7) as number[][]),
          );
          // torch's reference gradient is zero off the triangle too.
          expectClose(gradL, c.gradL, tolerance);
        }
      }),
    );
  });

  it('solves the documented example and leaves a tensor argument alive', async () => {
    const l = tf.tensor2d([
      [2, 0],
      [1, 1],
    ]);
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expectClose(triangularSolve(l, [[2], [3]]), [[1], [2]], tolerance);
        expectClose(triangularSolve(l, [[2], [3]], { adjoint: true }), [[-0.5], [3]], tolerance);
        // Upper: [[2, 1], [0, 1]] X = [[2], [3]] is the adjoint system above.
        expectClose(
          triangularSolve(
            [
              [2, 1],
              [0, 1],
            ],
            [[2], [3]],
            { lower: false },
          ),
          [[-0.5], [3]],
          tolerance,
        );
      }),
    );
    expect(l.isDisposed).toBe(false);
    l.dispose();
  });

  it('throws an ArgumentError for unknown or malformed options', async () => {
    await expectNoLeaks(() => {
      const solve = triangularSolve as (l: unknown, b: unknown, o: unknown) => tf.Tensor;
      expect(() => solve([[1]], [[1]], { upper: true })).toThrow(ArgumentError);
      expect(() => solve([[1]], [[1]], { upper: true })).toThrow(
        "triangularSolve: unknown option 'upper', expected one of 'lower', 'adjoint'",
      );
      expect(() => solve([[1]], [[1]], { adjoint: 'yes' })).toThrow(
        `triangularSolve: option 'adjoint' is "yes", expected true or false`,
      );
      expect(() => solve([[1]], [[1]], null)).toThrow("triangularSolve: argument 'options' is null");
      expect(() => solve('x', [[1]], {})).toThrow('triangularSolve: argument \'l\' is the string "x"');
    });
  });

  it('throws a ShapeError naming the function, the argument and the shapes', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expect(() =>
          triangularSolve(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            [[1], [2]],
          ),
        ).toThrow(ShapeError);
        expect(() =>
          triangularSolve(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            [[1], [2]],
          ),
        ).toThrow(
          "triangularSolve: argument 'l' has shape [2,3], expected [..., n, n] (a square matrix or a batch of them)",
        );
        expect(() => triangularSolve(tf.eye(3), [1, 2, 3])).toThrow(
          "triangularSolve: argument 'b' has shape [3], expected [..., 3, k] to match 'l' [3,3] (a vector: reshape it to [3, 1])",
        );
        expect(() => triangularSolve(tf.eye(3), tf.ones([4, 2]))).toThrow(
          "triangularSolve: argument 'b' has shape [4,2], expected [..., 3, k] to match 'l' [3,3]",
        );
        expect(() => triangularSolve(tf.ones([2, 3, 3]), tf.ones([4, 3, 1]))).toThrow(
          "triangularSolve: the batch axes of 'l' [2] (shape [2,3,3]) and 'b' [4] (shape [4,3,1]) do not broadcast; expected equal batch axes or axes of size 1",
        );
      }),
    );
  });

  it('handles empty batches and zero right-hand sides', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expect(triangularSolve(tf.ones([0, 3, 3]), tf.ones([3, 2])).shape).toEqual([0, 3, 2]);
        expect(triangularSolve(tf.eye(3), tf.ones([3, 0])).shape).toEqual([3, 0]);
        expect(triangularSolve(tf.ones([2, 0, 0]), tf.ones([0, 1])).shape).toEqual([2, 0, 1]);
      }),
    );
  });
});
