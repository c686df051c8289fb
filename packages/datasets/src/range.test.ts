import { ArgumentError } from '@elbo/core';
import { describe, expect, it } from 'vitest';
import { parseRange } from './range.js';

describe('parseRange', () => {
  it('reads pairs and the CLI form start:end, with omitted bounds', () => {
    expect(parseRange([3, 7], 10)).toEqual([3, 7]);
    expect(parseRange('100:200', 10000)).toEqual([100, 200]);
    expect(parseRange(' 1 : 2 ', 10)).toEqual([1, 2]);
    expect(parseRange(':5', 10)).toEqual([0, 5]);
    expect(parseRange('9:', 10)).toEqual([9, 10]);
    expect(parseRange(':', 10)).toEqual([0, 10]);
  });

  it('rejects malformed, empty, reversed and out-of-bounds ranges with a message naming them', () => {
    expect(() => parseRange('5:2', 10, 'loadMnist')).toThrow(ArgumentError);
    expect(() => parseRange('5:2', 10, 'loadMnist')).toThrow(
      "loadMnist: option 'range' is '5:2', an empty range; expected [start, end) or 'start:end' with integers 0 ≤ start < end ≤ 10",
    );
    expect(() => parseRange('3:3', 10)).toThrow('an empty range');
    expect(() => parseRange('0:11', 10)).toThrow("option 'range' is '0:11', outside the 10 images");
    expect(() => parseRange([-1, 4], 10)).toThrow('outside the 10 images');
    expect(() => parseRange('a:b', 10)).toThrow("option 'range' is 'a:b', expected [start, end)");
    expect(() => parseRange('1-2', 10)).toThrow("is '1-2'");
    expect(() => parseRange('1.5:2', 10)).toThrow(ArgumentError);
    expect(() => parseRange([0.5, 2], 10)).toThrow('is [0.5, 2]');
    expect(() => parseRange([1, 2, 3] as unknown as [number, number], 10)).toThrow('an array of length 3');
    expect(() => parseRange(7 as unknown as string, 10)).toThrow('a number');
  });
});
