// Internal: checks of option objects and plain arguments, with messages that name the function and the
// argument. Not exported from the package.
import { ArgumentError, describeValue, DomainError } from '@elbo/core';

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
