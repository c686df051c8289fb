import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { expect, it } from 'vitest';
import { DomainError, ShapeError } from '../errors/errors.js';
import { cholesky } from './cholesky.js';
import fixture from './fixtures/linalg.json' with { type: 'json' };
import { matrixDiagonal } from './matrix-diagonal.js';

// References: fixtures/linalg.json from fixtures/generate_linalg.py (LAPACK dpotrf through numpy for L,
// torch float64 autograd for the gradients), all computed on the float32-rounded inputs.

const wellConditioned = fixture.cholesky.filter((c) => !c.illConditioned);
const illConditioned = fixture.cholesky.filter((c) => c.illConditioned);

type Nested = number | Nested[];
const maxAbs = (x: Nested): number => (Array.isArray(x) ? Math.max(0, ...x.map(maxAbs)) : Math.abs(x));

/** A float32 error bound for an ill-conditioned input, relative to the reference's largest entry. */
const relativeToMax = (expected: Nested, fraction: number): Tolerance => ({
  atol: fraction * maxAbs(expected),
  rtol: 0,
});

/** Replaces the strict upper triangle of every matrix of a nested [..., n, n] array. */
function withUpper(a: Nested, value: number): Nested {
  if (!Array.isArray(a)) return a;
  if (Array.isArray(a[0]) && !Array.isArray((a[0] as Nested[])[0])) {
    return (a as number[][]).map((row, i) => row.map((x, j) => (j > i ? value : x)));
  }
  return a.map((m) => withUpper(m, value));
}

/** The 64×64 Gaussian-kernel matrix of the fixture, rebuilt from its formula and rounded to float32. */
function kernelMatrix(n: number): tf.Tensor2D {
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) values[i * n + j] = Math.exp(-0.5 * ((i - j) / 8) ** 2) + (i === j ? 0.1 : 0);
  }
  return tf.tensor2d(values, [n, n]);
}

describeEachBackend('cholesky', ({ tolerance }) => {
  it.each(wellConditioned)('factors $name as LAPACK potrf does', async (c) => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const l = cholesky(c.a);
        expect(l.dtype).toBe('float32');
        expect(l.shape).toEqual(tf.tensor(c.a).shape);
        expectClose(l, c.l, tolerance);
      }),
    );
  });

  it.each(wellConditioned)('has the gradient of torch for sum(L ⊙ W), $name', async (c) => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const w = tf.tensor(c.w);
        const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(cholesky(a), w)))(tf.tensor(c.a));
        expectClose(grad, c.gradSumLW, tolerance);
      }),
    );
  });

  it.each(illConditioned)(
    'factors an ill-conditioned but positive-definite matrix: $name (condition $condition)',
    async (c) => {
      await expectNoLeaks(() =>
        tf.tidy(() => {
          const l = cholesky(c.a);
          // float32 forward error grows with the condition number; measured ≤ 1.2e-6 of max|L| on every backend.
          expectClose(l, c.l, { atol: 1e-5 * maxAbs(c.l), rtol: 1e-3 });
          // The backward error stays at float32 rounding whatever the conditioning: L Lᵀ reproduces A.
          expectClose(tf.matMul(l, l, false, true), c.a, { atol: 1e-6 * maxAbs(c.a), rtol: 0 });
          const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(cholesky(a), c.w)))(tf.tensor(c.a));
          // Gradients involve A⁻¹: measured ≤ 1.4e-4 of the largest entry at condition 1e5.
          expectClose(grad, c.gradSumLW, relativeToMax(c.gradSumLW, 2e-3));
        }),
      );
    },
  );

  it('factors the 64×64 kernel matrix (the largest n of the project)', async () => {
    const k = fixture.kernel64;
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const l = cholesky(kernelMatrix(k.n));
        expectClose(matrixDiagonal(l), k.diagonalOfL, tolerance);
        expectClose(tf.slice(l, [k.n - 1, 0], [1, k.n]), k.lastRowOfL, tolerance);
        // Upper triangle exactly zero.
        const rows = l.arraySync() as number[][];
        expect(rows.every((row, i) => row.every((x, j) => j <= i || x === 0))).toBe(true);
      }),
    );
  });

  it('reads only the lower triangle of a (the upper one may hold anything, NaN included)', async () => {
    const c = wellConditioned.find((x) => x.name === 'batch [3] of 4x4');
    if (c === undefined) throw new Error('fixture case missing');
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expectClose(cholesky(withUpper(c.a, Number.NaN) as number[][][]), c.l, tolerance);
        expectClose(cholesky(withUpper(c.a, 1e30) as number[][][]), c.l, tolerance);
      }),
    );
  });

  it('returns a new tensor and leaves a tensor argument alive and unchanged', () => {
    const c = wellConditioned[2];
    if (c === undefined) throw new Error('fixture case missing');
    const a = tf.tensor(c.a);
    const before = tf.memory().numTensors;
    const l = cholesky(a);
    expect(tf.memory().numTensors).toBe(before + 1); // the result, and no intermediate
    expect(l).not.toBe(a);
    expect(a.isDisposed).toBe(false);
    expectClose(a, c.a, { atol: 0, rtol: 0 });
    expectClose(l, c.l, tolerance);
    tf.dispose([a, l]);
  });

  it('casts an int32 tensor and handles an empty batch', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expectClose(
          cholesky(
            tf.tensor2d(
              [
                [4, 2],
                [2, 5],
              ],
              [2, 2],
              'int32',
            ),
          ),
          [
            [2, 0],
            [1, 2],
          ],
          tolerance,
        );
        const empty = cholesky(tf.zeros([0, 3, 3]));
        expect(empty.shape).toEqual([0, 3, 3]);
      }),
    );
  });

  it.each(fixture.notPositiveDefinite)(
    'throws a DomainError for $name, naming the minor LAPACK names',
    async (c) => {
      await expectNoLeaks(() => {
        let error: unknown;
        try {
          cholesky(c.a);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        const message = (error as DomainError).message;
        expect(message).toMatch(/^cholesky: argument 'a'/);
        expect(message).toContain('is not positive definite');
        expect(message).toContain(`the leading minor of order ${c.order} fails`);
        if (c.batchIndex.length > 0)
          expect(message).toContain(`(matrix [${c.batchIndex.join(',')}] of the batch`);
      });
    },
  );

  it('says an exact zero pivot is not > 0', () => {
    expect(() =>
      cholesky([
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(
      "cholesky: argument 'a' is not positive definite: the leading minor of order 2 fails, its pivot is 0, expected > 0.",
    );
    expect(() =>
      cholesky([
        [1, 2, 0],
        [2, 1, 0],
        [0, 0, 1],
      ]),
    ).toThrow('its pivot is -3, expected > 0');
  });

  it('throws a DomainError, not NaN, for NaN or infinite entries', async () => {
    await expectNoLeaks(() => {
      expect(() =>
        cholesky([
          [Number.NaN, 0],
          [0, 1],
        ]),
      ).toThrow(DomainError);
      expect(() =>
        cholesky([
          [Number.NaN, 0],
          [0, 1],
        ]),
      ).toThrow(/order 1 fails, its pivot is NaN: the matrix holds NaN/);
      expect(() =>
        cholesky([
          [1, 0],
          [Number.POSITIVE_INFINITY, 1],
        ]),
      ).toThrow(/order 2 fails, its pivot is -Infinity/);
      expect(() =>
        cholesky([
          [Number.POSITIVE_INFINITY, 0],
          [0, 1],
        ]),
      ).toThrow(/order 1 fails, its pivot is Infinity/);
    });
  });

  it('throws inside tf.grad without leaking, and the next gradient still works', async () => {
    const bad = tf.tensor2d([
      [1, 2],
      [2, 1],
    ]);
    const good = tf.tensor(fixture.cholesky[1]?.a ?? []);
    await expectNoLeaks(() => {
      expect(() => tf.grad((a: tf.Tensor) => tf.sum(cholesky(a)))(bad)).toThrow(DomainError);
      const c = fixture.cholesky[1];
      if (c === undefined) throw new Error('fixture case missing');
      tf.tidy(() =>
        expectClose(
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(cholesky(a), c.w)))(good),
          c.gradSumLW,
          tolerance,
        ),
      );
    });
    tf.dispose([bad, good]);
  });

  it('throws a ShapeError naming the function, the argument and both shapes', async () => {
    await expectNoLeaks(() => {
      expect(() =>
        cholesky([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toThrow(ShapeError);
      expect(() =>
        cholesky([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toThrow(
        "cholesky: argument 'a' has shape [2,3], expected [..., n, n] (a square matrix or a batch of them)",
      );
      expect(() => cholesky([1, 2])).toThrow("cholesky: argument 'a' has shape [2], expected [..., n, n]");
      expect(() => cholesky(4)).toThrow("cholesky: argument 'a' has shape [], expected [..., n, n]");
    });
  });
});
