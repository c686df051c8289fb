import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { expect, it } from 'vitest';
import { DomainError, ShapeError } from '../errors/errors.js';
import fixture from './fixtures/linalg.json' with { type: 'json' };
import { logAbsDetTriangular, logDet, logDetFromCholesky } from './log-det.js';
import { matrixDiagonal } from './matrix-diagonal.js';

// References: fixtures/linalg.json from fixtures/generate_linalg.py (numpy.linalg.slogdet for log det A;
// torch float64 autograd through torch.logdet and 2 Σ log diag L for the gradients).

const wellConditioned = fixture.cholesky.filter((c) => !c.illConditioned);
const illConditioned = fixture.cholesky.filter((c) => c.illConditioned);

type Nested = number | Nested[];
const maxAbs = (x: Nested): number => (Array.isArray(x) ? Math.max(0, ...x.map(maxAbs)) : Math.abs(x));
const half = (x: Nested): Nested => (Array.isArray(x) ? x.map(half) : x / 2);
const relativeToMax = (expected: Nested, fraction: number): Tolerance => ({
  atol: fraction * maxAbs(expected),
  rtol: 0,
});

/** Flips the sign of column j of every matrix for the j with flip[j] set: T ↦ T S, S = diag(±1). */
function flipColumns(a: Nested, flip: readonly boolean[]): Nested {
  if (!Array.isArray(a)) return a;
  if (Array.isArray(a[0]) && !Array.isArray((a[0] as Nested[])[0])) {
    return (a as number[][]).map((row) => row.map((x, j) => (flip[j] === true ? -x : x)));
  }
  return a.map((m) => flipColumns(m, flip));
}

function kernelMatrix(n: number): tf.Tensor2D {
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) values[i * n + j] = Math.exp(-0.5 * ((i - j) / 8) ** 2) + (i === j ? 0.1 : 0);
  }
  return tf.tensor2d(values, [n, n]);
}

describeEachBackend('logDet', ({ tolerance }) => {
  it.each(wellConditioned)(
    'is log det A of numpy slogdet, with the gradient A⁻¹ of torch, $name',
    async (c) => {
      await expectNoLeaks(() =>
        tf.tidy(() => {
          const value = logDet(c.a);
          expect(value.shape).toEqual(tf.tensor(c.a).shape.slice(0, -2));
          expectClose(value, c.logDet, tolerance);
          expectClose(tf.grad((a: tf.Tensor) => tf.sum(logDet(a)))(tf.tensor(c.a)), c.gradLogDet, tolerance);
        }),
      );
    },
  );

  it.each(illConditioned)(
    'stays accurate for ill-conditioned input: $name (condition $condition)',
    async (c) => {
      await expectNoLeaks(() =>
        tf.tidy(() => {
          // Measured ≤ 3.7e-4 absolute on log det ≈ −35 (condition 1e5, wasm's log).
          expectClose(logDet(c.a), c.logDet, { atol: 2e-3, rtol: 1e-4 });
          // Entries of A⁻¹ up to 5e4: measured ≤ 2.7e-4 of the largest.
          const grad = tf.grad((a: tf.Tensor) => tf.sum(logDet(a)))(tf.tensor(c.a));
          expectClose(grad, c.gradLogDet, relativeToMax(c.gradLogDet, 2e-3));
        }),
      );
    },
  );

  it('handles the 64×64 kernel matrix', async () => {
    const k = fixture.kernel64;
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const a = kernelMatrix(k.n);
        expectClose(logDet(a), k.logDet, tolerance);
        expectClose(
          matrixDiagonal(tf.grad((x: tf.Tensor) => logDet(x))(a)),
          k.diagonalOfGradLogDet,
          tolerance,
        );
      }),
    );
  });

  it('computes the documented example', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() =>
        expectClose(
          logDet([
            [4, 2],
            [2, 5],
          ]),
          Math.log(16),
          tolerance,
        ),
      ),
    );
  });

  it('throws a DomainError naming logDet for a matrix that is not positive definite', async () => {
    await expectNoLeaks(() => {
      expect(() =>
        logDet([
          [1, 2],
          [2, 1],
        ]),
      ).toThrow(DomainError);
      expect(() =>
        logDet([
          [1, 2],
          [2, 1],
        ]),
      ).toThrow(
        "logDet: argument 'a' is not positive definite: the leading minor of order 2 fails, its pivot is -3, expected > 0.",
      );
      expect(() =>
        logDet([
          [
            [1, 0],
            [0, 1],
          ],
          [
            [-1, 0],
            [0, 1],
          ],
        ]),
      ).toThrow(
        "logDet: argument 'a' (matrix [1] of the batch [2]) is not positive definite: the leading minor of order 1 fails",
      );
    });
  });

  it('throws a ShapeError for a matrix that is not square', async () => {
    await expectNoLeaks(() => {
      expect(() => logDet([[1, 2]])).toThrow(ShapeError);
      expect(() => logDet([[1, 2]])).toThrow("logDet: argument 'a' has shape [1,2], expected [..., n, n]");
    });
  });
});

describeEachBackend('logDetFromCholesky and logAbsDetTriangular', ({ tolerance }) => {
  it.each(fixture.cholesky)('give 2 Σ log|L_ii| and Σ log|L_ii| with their gradients, $name', async (c) => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const l = tf.tensor(c.lF32);
        const value = logDetFromCholesky(l);
        expect(value.shape).toEqual(l.shape.slice(0, -2));
        expectClose(value, c.logDetFromCholesky, tolerance);
        expectClose(
          tf.grad((x: tf.Tensor) => tf.sum(logDetFromCholesky(x)))(l),
          c.gradLogDetFromCholesky,
          tolerance,
        );
        expectClose(logAbsDetTriangular(l), half(c.logDetFromCholesky), tolerance);
        expectClose(
          tf.grad((x: tf.Tensor) => tf.sum(logAbsDetTriangular(x)))(l),
          half(c.gradLogDetFromCholesky),
          tolerance,
        );
      }),
    );
  });

  it('use |L_ii|: negative diagonal entries give the same value and gradients 1 / L_ii', async () => {
    const c = fixture.cholesky.find((x) => x.name === 'n=5');
    if (c === undefined) throw new Error('fixture case missing');
    const flip = [true, false, true, true, false];
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const t = tf.tensor(flipColumns(c.lF32, flip) as number[][]);
        expectClose(logAbsDetTriangular(t), half(c.logDetFromCholesky), tolerance);
        expectClose(logDetFromCholesky(t), c.logDetFromCholesky, tolerance);
        // ∂/∂T_ii = 1 / T_ii = S_ii / L_ii: the reference gradient with the same columns flipped.
        const grad = tf.grad((x: tf.Tensor) => logAbsDetTriangular(x))(t);
        expectClose(grad, flipColumns(half(c.gradLogDetFromCholesky), flip), tolerance);
      }),
    );
  });

  it('read only the diagonal (upper or lower triangular alike) and give −∞ for a zero on it', async () => {
    await expectNoLeaks(() =>
      tf.tidy(() => {
        expectClose(
          logAbsDetTriangular([
            [2, 0],
            [1, -3],
          ]),
          Math.log(6),
          tolerance,
        );
        expectClose(
          logAbsDetTriangular([
            [2, 5],
            [0, -3],
          ]),
          Math.log(6),
          tolerance,
        );
        expectClose(
          logDetFromCholesky([
            [2, 0],
            [1, 2],
          ]),
          Math.log(16),
          tolerance,
        );
        expectClose(
          logAbsDetTriangular([
            [1, 0],
            [4, 0],
          ]),
          Number.NEGATIVE_INFINITY,
          tolerance,
        );
        expectClose(logDetFromCholesky(tf.zeros([3, 0, 0])), [0, 0, 0], tolerance);
      }),
    );
  });

  it('throw a ShapeError naming the function and the argument', async () => {
    await expectNoLeaks(() => {
      expect(() => logDetFromCholesky([1, 2])).toThrow(
        "logDetFromCholesky: argument 'l' has shape [2], expected [..., n, n]",
      );
      expect(() => logAbsDetTriangular([[1, 2, 3]])).toThrow(ShapeError);
      expect(() => logAbsDetTriangular([[1, 2, 3]])).toThrow(
        "logAbsDetTriangular: argument 't' has shape [1,3], expected [..., n, n]",
      );
    });
  });
});
