import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  DomainError,
  formatShape,
  log1mExp,
  logSigmoid,
  matrixDiagonal,
  ShapeError,
  softplus,
  softplusInverse,
  type TensorInput,
} from '@elbo/core';
import type { Support } from '../support.js';
import { Bijector } from './bijector.js';

/** Options of {@link FillScaleTriL}. */
export interface FillScaleTriLOptions {
  /** Added to the softplus of the diagonal, keeping it away from 0: a finite number ≥ 0; 1e-5 as in TFP. */
  readonly diagShift?: number;
}

const KNOWN_OPTIONS = ['diagShift'];

/** Lower-triangular matrices with a positive diagonal (torch's `constraints.lower_cholesky`). */
const lowerCholesky: Support = {
  name: 'lower_cholesky',
  discrete: false,
  eventRank: 2,
  contains: (value) =>
    tf.tidy(() => {
      const n = value.shape[value.rank - 1] ?? 0;
      const zeroAbove = tf.all(tf.equal(tf.where(mask(n, false), 0, value), 0), [-2, -1]);
      const diagonal = matrixDiagonal(value);
      const positiveDiagonal = tf.all(tf.logicalAnd(tf.greater(diagonal, 0), tf.isFinite(diagonal)), -1);
      const finite = tf.all(tf.isFinite(value), [-2, -1]);
      return tf.logicalAnd(tf.logicalAnd(zeroAbove, positiveDiagonal), finite);
    }),
};

/** n with n(n + 1)/2 = m, or undefined when m is not a triangular number ≥ 1. */
function triangularSide(m: number): number | undefined {
  const n = Math.round((Math.sqrt(8 * m + 1) - 1) / 2);
  return m >= 1 && (n * (n + 1)) / 2 === m ? n : undefined;
}

/** A boolean [n, n] mask of the lower triangle (diagonal included), or of the diagonal. */
function mask(n: number, diagonalOnly: boolean): tf.Tensor {
  const values: boolean[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) values.push(diagonalOnly ? i === j : j <= i);
  return tf.tensor2d(values, [n, n], 'bool');
}

/** Zero begin and full sizes for every axis but the last, then `begin`/`size` for the last. */
function lastAxisSlice(x: tf.Tensor, begin: number, size: number): tf.Tensor {
  return tf.slice(x, [...x.shape.slice(0, -1).map(() => 0), begin], [...x.shape.slice(0, -1), size]);
}

/**
 * TFP's `fill_triangular` (lower): the vector [..., n(n+1)/2] as the lower triangle of [..., n, n] in
 * TFP's order, x = [1, 2, 3, 4, 5, 6] ↦ [[4, 0, 0], [6, 5, 0], [3, 2, 1]]: the last n(n−1)/2 entries
 * followed by the whole vector reversed fill an n × n matrix row by row, whose upper triangle is then
 * cleared. Built of slice, reverse, concat and reshape, whose gradients run on every backend.
 */
function fillTriangular(x: tf.Tensor, n: number): tf.Tensor {
  const batch = x.shape.slice(0, -1);
  const m = (n * (n + 1)) / 2;
  if (n === 1) return tf.reshape(x, [...batch, 1, 1]);
  const tail = lastAxisSlice(x, m - (n * n - m), n * n - m);
  const full = tf.reshape(tf.concat([tail, tf.reverse(x, -1)], -1), [...batch, n, n]);
  return tf.where(mask(n, false), full, 0);
}

/** TFP's `fill_triangular_inverse` (lower): the inverse of {@link fillTriangular}; the upper triangle is ignored. */
function fillTriangularInverse(y: tf.Tensor, n: number): tf.Tensor {
  const batch = y.shape.slice(0, -2);
  const m = (n * (n + 1)) / 2;
  if (n === 1) return tf.reshape(y, [...batch, 1]);
  const lower = tf.where(mask(n, false), y, 0);
  const zeros = batch.map(() => 0);
  const lastRow = tf.reshape(tf.slice(lower, [...zeros, n - 1, 0], [...batch, 1, n]), [...batch, n]);
  const portion = tf.slice(lower, [...zeros, 0, 0], [...batch, n - 1, n]);
  const rotated = tf.reverse(portion, [portion.rank - 1, portion.rank - 2]);
  const end = tf.reshape(tf.add(portion, rotated), [...batch, n * (n - 1)]);
  return tf.concat([tf.reverse(lastRow, -1), lastAxisSlice(end, 0, m - n)], -1);
}

/**
 * Maps an unconstrained vector of length n(n+1)/2 to a lower-triangular n × n matrix with a positive
 * diagonal, a Cholesky factor (TFP's `FillScaleTriL`, the default `Softplus` diagonal bijector): the
 * vector fills the lower triangle in TFP's `fill_triangular` order (x = [1, …, 6] ↦ [[4, 0, 0],
 * [6, 5, 0], [3, 2, 1]] before the diagonal map), then each diagonal entry d becomes softplus(d) +
 * diagShift. Only the diagonal is transformed, so log|det J| = Σᵢ log σ(dᵢ) over the n diagonal inputs;
 * the inverse takes dᵢ = softplus⁻¹(Lᵢᵢ − diagShift) and reads the other entries back, ignoring the
 * upper triangle. Events: vectors [..., n(n+1)/2] forward (`forwardMinEventRank` 1), matrices
 * [..., n, n] inverse (`inverseMinEventRank` 2).
 *
 * Edge cases: a last axis whose length is not a triangular number (1, 3, 6, 10, ...) throws a
 * ShapeError; a diagonal entry ≤ diagShift has no inverse (−∞ at equality, NaN below).
 *
 * @example
 * const b = new FillScaleTriL({ diagShift: 0 });
 * b.forward([0, 0, 0]).print(); // [[0.6931472, 0], [0, 0.6931472]]
 * b.forward([1, 2, 3]).print(); // [[3.0485873, 0], [2, 1.3132616]]
 * b.forwardLogDetJacobian([0, 0, 0], 1).print(); // -1.3862944  (= 2 log σ(0))
 */
export class FillScaleTriL extends Bijector {
  readonly name = 'FillScaleTriL';
  readonly codomain = lowerCholesky;
  override readonly forwardMinEventRank = 1;
  override readonly inverseMinEventRank = 2;
  /** The constant added to the softplus of the diagonal. */
  readonly diagShift: number;

  constructor(options: FillScaleTriLOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new ArgumentError(
        `FillScaleTriL: argument 'options' is ${options === null ? 'null' : typeof options}, expected an object { diagShift }`,
      );
    }
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.includes(key)) {
        throw new ArgumentError(
          `FillScaleTriL: unknown option '${key}' (known options: ${KNOWN_OPTIONS.join(', ')})`,
        );
      }
    }
    const shift = options.diagShift ?? 1e-5;
    if (typeof shift !== 'number') {
      throw new ArgumentError(
        `FillScaleTriL: option 'diagShift' is a ${typeof shift}, expected a finite number ≥ 0`,
      );
    }
    if (!Number.isFinite(shift) || shift < 0) {
      throw new DomainError(`FillScaleTriL: option 'diagShift' is ${shift}, expected a finite number ≥ 0`);
    }
    this.diagShift = shift;
  }

  /** [..., n(n+1)/2] ↦ [..., n, n]. */
  override forwardShape(shape: readonly number[], method = 'forwardShape'): number[] {
    const n = this.sideOfVector(shape, method, 'x');
    return [...shape.slice(0, -1), n, n];
  }

  /** [..., n, n] ↦ [..., n(n+1)/2]. */
  override inverseShape(shape: readonly number[], method = 'inverseShape'): number[] {
    const n = this.sideOfMatrix(shape, method, 'y');
    return [...shape.slice(0, -2), (n * (n + 1)) / 2];
  }

  protected override convert(value: TensorInput, arg: string, method: string, minRank: number): tf.Tensor {
    const t = super.convert(value, arg, method, minRank);
    if (arg === 'x') this.sideOfVector(t.shape, method, arg);
    else this.sideOfMatrix(t.shape, method, arg);
    return t;
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    const n = triangularSide(x.shape[x.rank - 1]!)!;
    const tri = fillTriangular(x, n);
    return tf.where(mask(n, true), tf.add(softplus(tri), this.diagShift), tri);
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    const n = y.shape[y.rank - 1]!;
    const eye = mask(n, true);
    // The diagonal's preimage placed on the diagonal; the off-diagonal entries pass through.
    const diagonal = softplusInverse(tf.sub(matrixDiagonal(y), this.diagShift));
    const onDiagonal = tf.mul(tf.expandDims(diagonal, -2), tf.eye(n));
    return fillTriangularInverse(tf.where(eye, onDiagonal, y), n);
  }

  protected forwardLogDet(x: tf.Tensor): tf.Tensor {
    const n = triangularSide(x.shape[x.rank - 1]!)!;
    return tf.sum(logSigmoid(matrixDiagonal(fillTriangular(x, n))), -1);
  }

  protected override inverseLogDet(y: tf.Tensor): tf.Tensor {
    // dx/dy = 1/σ(x) on the diagonal, and σ(softplus⁻¹(z)) = 1 − e^−z.
    return tf.neg(tf.sum(log1mExp(tf.neg(tf.sub(matrixDiagonal(y), this.diagShift))), -1));
  }

  private sideOfVector(shape: readonly number[], method: string, arg: string): number {
    const m = shape[shape.length - 1];
    const n = m === undefined ? undefined : triangularSide(m);
    if (n === undefined) {
      throw new ShapeError(
        `FillScaleTriL.${method}: argument '${arg}' has shape ${formatShape(shape)}, expected [..., n(n+1)/2] (a last axis of 1, 3, 6, 10, ... entries)`,
      );
    }
    return n;
  }

  private sideOfMatrix(shape: readonly number[], method: string, arg: string): number {
    const n = shape[shape.length - 1];
    if (shape.length < 2 || n === undefined || n < 1 || shape[shape.length - 2] !== n) {
      throw new ShapeError(
        `FillScaleTriL.${method}: argument '${arg}' has shape ${formatShape(shape)}, expected [..., n, n] (square matrices)`,
      );
    }
    return n;
  }
}

/**
 * Shorthand for `new FillScaleTriL(options)`.
 *
 * @example fillScaleTriL().forward([0, 0, 0]).shape; // [2, 2]
 */
export function fillScaleTriL(options?: FillScaleTriLOptions): FillScaleTriL {
  return new FillScaleTriL(options);
}
