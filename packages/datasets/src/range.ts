import { ArgumentError } from '@elbo/core';

/**
 * A half-open range of image indices `[start, end)`, or its command-line form `'start:end'` (either
 * bound may be left out: `':100'` is `[0, 100)`, `'9000:'` is `[9000, count)`).
 *
 * @example
 * const a: IndexRange = [0, 1000];
 * const b: IndexRange = '0:1000'; // the same
 */
export type IndexRange = readonly [number, number] | string;

const FORM = /^\s*(\d*)\s*:\s*(\d*)\s*$/;

/**
 * Checks a range of image indices against a set of `count` images and returns it as `[start, end)`
 * with 0 ≤ start < end ≤ count. Accepts a pair of integers or the text `'start:end'` (bounds may be
 * omitted: `':b'`, `'a:'`, `':'`).
 *
 * @param range - `[start, end)` or `'start:end'`.
 * @param count - the number of images the range indexes.
 * @param fn - the calling function, for messages (`parseRange` by default).
 * @throws ArgumentError for a malformed range, an empty one, or one outside [0, count].
 * @example
 * parseRange('100:200', 10000) // [100, 200]
 * parseRange(':5', 10000)      // [0, 5]
 * parseRange('5:2', 10000)     // throws ArgumentError: ... expected start < end
 */
export function parseRange(range: IndexRange, count: number, fn = 'parseRange'): [number, number] {
  const expected = `expected [start, end) or 'start:end' with integers 0 ≤ start < end ≤ ${count}`;
  let start: number;
  let end: number;
  if (typeof range === 'string') {
    const m = FORM.exec(range);
    if (m === null) {
      throw new ArgumentError(`${fn}: option 'range' is '${range}', ${expected} (for example '0:1000')`);
    }
    start = m[1] === '' || m[1] === undefined ? 0 : Number(m[1]);
    end = m[2] === '' || m[2] === undefined ? count : Number(m[2]);
  } else if (Array.isArray(range) && range.length === 2) {
    [start, end] = range as readonly [number, number];
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
      throw new ArgumentError(`${fn}: option 'range' is [${String(start)}, ${String(end)}], ${expected}`);
    }
  } else {
    const what = Array.isArray(range) ? `an array of length ${range.length}` : `a ${typeof range}`;
    throw new ArgumentError(`${fn}: option 'range' is ${what}, ${expected}`);
  }
  const shown = typeof range === 'string' ? `'${range}'` : `[${start}, ${end}]`;
  if (!(start < end)) {
    throw new ArgumentError(`${fn}: option 'range' is ${shown}, an empty range; ${expected}`);
  }
  if (start < 0 || end > count) {
    throw new ArgumentError(`${fn}: option 'range' is ${shown}, outside the ${count} images; ${expected}`);
  }
  return [start, end];
}
