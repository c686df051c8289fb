// Internal: checks of option objects and plain arguments, with messages that name the function and the
// argument. Not exported from the package.
import { ArgumentError, describeValue } from '@elbo/core';

/** Throws an ArgumentError unless `value` is undefined or a boolean. */
export function checkBoolean(value: unknown, arg: string, fn: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ArgumentError(`${fn}: argument '${arg}' is ${describeValue(value)}, expected true or false`);
}

/** Throws an ArgumentError unless `value` is a finite number. */
export function checkFiniteNumber(value: unknown, arg: string, fn: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new ArgumentError(`${fn}: argument '${arg}' is ${describeValue(value)}, expected a finite number`);
}

/** Throws an ArgumentError unless `value` is an integer ≥ 1. */
export function checkCount(value: unknown, arg: string, fn: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  throw new ArgumentError(`${fn}: argument '${arg}' is ${describeValue(value)}, expected an integer ≥ 1`);
}
