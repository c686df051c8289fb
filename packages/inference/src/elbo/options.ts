// Internal: checks of option objects and plain arguments, with messages that name the function and the
// argument. Not exported from the package.
import { ArgumentError, DomainError } from '@elbo/core';

/** A short description of a value for an error message. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
  if (typeof x === 'number') return String(x);
  if (typeof x === 'function') return 'a function';
  return typeof x === 'object' ? (x.constructor?.name ?? 'an object') : `a ${typeof x}`;
}

/**
 * Throws an ArgumentError unless `options` is undefined or a plain object whose keys are all `allowed`.
 * Returns the options as a record (empty when undefined).
 */
export function checkOptions(
  options: unknown,
  allowed: readonly string[],
  fn: string,
  arg = 'options',
): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(`${fn}: argument '${arg}' is ${describeValue(options)}, expected an object`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new ArgumentError(
        `${fn}: argument '${arg}' has the unknown option '${key}', expected only ${allowed.map((k) => `'${k}'`).join(', ')}`,
      );
    }
  }
  return record;
}

/** An integer ≥ `min` (default 1), or `fallback` when undefined; ArgumentError otherwise. */
export function checkInteger(value: unknown, arg: string, fn: string, fallback?: number, min = 1): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  throw new ArgumentError(
    `${fn}: argument '${arg}' is ${describeValue(value)}, expected an integer ≥ ${min}`,
  );
}

/** A finite number > 0, or `fallback` when undefined. */
export function checkPositiveNumber(value: unknown, arg: string, fn: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number') {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${describeValue(value)}, expected a finite number > 0`,
    );
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new DomainError(`${fn}: argument '${arg}' is ${value}, expected a finite number > 0`);
  }
  return value;
}

/** A function, or an ArgumentError naming the argument. */
export function checkFunction<F>(value: unknown, arg: string, fn: string, expected: string): F {
  if (typeof value !== 'function') {
    throw new ArgumentError(`${fn}: argument '${arg}' is ${describeValue(value)}, expected ${expected}`);
  }
  return value as F;
}
