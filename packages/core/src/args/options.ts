import { ArgumentError } from '../errors/index.js';

/**
 * A short description of a value for an error message: `null`, `undefined`, `an array`, `the string "…"`
 * (cut at 20 characters), the number itself, `a function`, the class name of an object, `a boolean`, ...
 *
 * @example describeValue([1, 2]) // 'an array'
 */
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
 * Checks an options argument at a public boundary: undefined (then `{}`) or a plain object whose keys
 * are all in `allowed`, returned as a record. The error names the function, the argument and the
 * unknown key, and lists the allowed ones.
 *
 * @throws {ArgumentError} `fitSurrogatePosterior: argument 'options' has the unknown option 'step', expected only 'steps', 'seed'`.
 * @example const o = checkOptions(options, ['samples', 'seed'], 'klDivergence');
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
