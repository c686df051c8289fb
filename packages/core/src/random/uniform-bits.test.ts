import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors/errors.js';
import fixture from './fixtures/random.json' with { type: 'json' };
import { seed } from './seed.js';
import { uniformBits } from './uniform-bits.js';

describe('uniformBits', () => {
  it('gives the words of blocks (b, 0, 0, 0) under the seed key, as the Python reference', () => {
    for (const { n, words } of fixture.streams.words) {
      expect(Array.from(uniformBits([words.length], seed(n)))).toEqual(words);
      expect(Array.from(uniformBits([2, 5], n))).toEqual(words);
    }
  });

  it('starts with the Random123 all-zero known answer for seed 0', () => {
    const zero = fixture.philoxKat.vectors.find(
      (v) => v.rounds === 10 && v.key[0] === 0 && v.counter[0] === 0,
    );
    expect(Array.from(uniformBits([4], seed(0)))).toEqual(zero?.expected);
  });

  it('handles empty and scalar shapes', () => {
    expect(uniformBits([0, 3], 1)).toHaveLength(0);
    expect(uniformBits([], 0)[0]).toBe(0x6627e8d5);
  });

  it('rejects bad shapes and seeds', () => {
    expect(() => uniformBits([-1], 0)).toThrow(ShapeError);
    expect(() => uniformBits([2, 1.5], 0)).toThrow(
      "uniformBits: argument 'shape' is [2,1.5], expected an array of non-negative integers such as [128, 32]",
    );
    expect(() => uniformBits(3 as unknown as number[], 0)).toThrow(
      "uniformBits: argument 'shape' is the number 3",
    );
    expect(() => uniformBits([2 ** 16, 2 ** 16], 0)).toThrow(
      "uniformBits: argument 'shape' [65536,65536] has more than 2^31 − 1 elements",
    );
    expect(() => uniformBits([2], -1)).toThrow(ArgumentError);
  });
});
