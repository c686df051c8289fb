// Internal: a short description of any value for error messages. Not exported from the package.

/** A short description of a value for an error message: `null`, `the string "x"`, `an array`, `3`. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (typeof x === 'function') return 'a function';
  if (typeof x === 'object') {
    const name = (x as { constructor?: { name?: string } }).constructor?.name;
    return name !== undefined && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `a ${typeof x}`;
}
