// Internal: checks of option objects and plain arguments, with messages that name the function and the
// argument. Not exported from the package.
import { ArgumentError } from '@elbo/core';

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
  if (typeof x === 'number') return String(x);
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
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
    throw new ArgumentError(`${fn}: argument '${arg}' is ${describe(options)}, expected an object`);
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

/** Throws an ArgumentError unless `value` is undefined or a boolean. */
export function checkBoolean(value: unknown, arg: string, fn: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ArgumentError(`${fn}: argument '${arg}' is ${describe(value)}, expected true or false`);
}

/** Throws an ArgumentError unless `value` is a finite number. */
export function checkFiniteNumber(value: unknown, arg: string, fn: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new ArgumentError(`${fn}: argument '${arg}' is ${describe(value)}, expected a finite number`);
}

/** Throws an ArgumentError unless `value` is an integer ≥ 1. */
export function checkCount(value: unknown, arg: string, fn: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  throw new ArgumentError(`${fn}: argument '${arg}' is ${describe(value)}, expected an integer ≥ 1`);
}
