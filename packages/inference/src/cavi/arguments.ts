import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  DomainError,
  ShapeError,
  formatShape,
  toFloatTensor,
  type TensorInput,
} from '@elbo/core';

/**
 * Throws an `ArgumentError` unless `options` is a plain object whose keys are all in `known`.
 * Internal to the CAVI and natural-gradient folders.
 */
export function checkOptionKeys(
  options: unknown,
  known: readonly string[],
  fn: string,
  arg = 'options',
): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${options === null ? 'null' : Array.isArray(options) ? 'an array' : `a ${typeof options}`}, expected an object with keys ${known.map((k) => `'${k}'`).join(', ')}`,
    );
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      throw new ArgumentError(
        `${fn}: unknown option '${key}' in '${arg}', expected one of ${known.map((k) => `'${k}'`).join(', ')}`,
      );
    }
  }
  return record;
}

/** What a numeric option must satisfy. */
export type NumberCheck = 'finite' | 'positive' | 'nonNegative' | 'positiveInteger';

const CHECK_TEXT: Record<NumberCheck, string> = {
  finite: 'a finite number',
  positive: 'a finite number > 0',
  nonNegative: 'a finite number ≥ 0',
  positiveInteger: 'an integer ≥ 1',
};

/** Reads a number option (or returns `fallback` when it is undefined), with a DomainError naming it. */
export function readNumber(
  record: Record<string, unknown>,
  key: string,
  check: NumberCheck,
  fn: string,
  fallback?: number,
  arg = 'options',
): number {
  const value = record[key];
  if (value === undefined) {
    if (fallback === undefined)
      throw new ArgumentError(`${fn}: ${arg}.${key} is missing, expected ${CHECK_TEXT[check]}`);
    return fallback;
  }
  if (typeof value !== 'number') {
    throw new ArgumentError(`${fn}: ${arg}.${key} is a ${typeof value}, expected ${CHECK_TEXT[check]}`);
  }
  const ok =
    Number.isFinite(value) &&
    (check === 'finite' ||
      (check === 'positive' && value > 0) ||
      (check === 'nonNegative' && value >= 0) ||
      (check === 'positiveInteger' && Number.isInteger(value) && value >= 1));
  if (!ok) throw new DomainError(`${fn}: ${arg}.${key} is ${value}, expected ${CHECK_TEXT[check]}`);
  return value;
}

/**
 * Converts a data argument to a float32 tensor of the given rank, rejecting an empty one and non-finite
 * entries (one read-back of a boolean). Returns a new tensor the caller owns (a copy when `data` was a
 * tensor, so the caller may dispose its own).
 */
export function toDataTensor(data: TensorInput, rank: 1 | 2, fn: string, arg = 'data'): tf.Tensor {
  return tf.tidy(() => {
    const x = toFloatTensor(data, arg, fn);
    const expected = rank === 1 ? '[N] (one observation per entry)' : '[N, D] (one observation per row)';
    if (x.rank !== rank) {
      throw new ShapeError(
        `${fn}: argument '${arg}' has shape ${formatShape(x.shape)}, expected ${expected}`,
      );
    }
    if (x.size === 0) {
      throw new ShapeError(
        `${fn}: argument '${arg}' is empty (shape ${formatShape(x.shape)}), expected ${expected} with N ≥ 1`,
      );
    }
    const finite = tf.all(tf.isFinite(x)).dataSync()[0];
    if (finite !== 1) {
      const flat = x.dataSync();
      const index = flat.findIndex((v) => !Number.isFinite(v));
      throw new DomainError(
        `${fn}: argument '${arg}' has ${flat[index]} at flat index ${index}, expected finite numbers (drop or impute missing values first)`,
      );
    }
    return tf.clone(x);
  });
}
