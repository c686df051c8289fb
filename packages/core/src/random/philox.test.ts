import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/random.json' with { type: 'json' };
import { philox4x32, philoxFill } from './philox.js';

describe('philox4x32', () => {
  it(`matches the Random123 known-answer vectors (${fixture.philoxKat.source})`, () => {
    expect(fixture.philoxKat.vectors).toHaveLength(6);
    for (const { rounds, counter, key, expected } of fixture.philoxKat.vectors) {
      expect(Array.from(philox4x32(counter, key, rounds))).toEqual(expected);
    }
  });

  it('runs 10 rounds by default', () => {
    const v = fixture.philoxKat.vectors.find((x) => x.rounds === 10 && x.counter[0] === 0x243f6a88);
    expect(v).toBeDefined();
    expect(Array.from(philox4x32(v!.counter, v!.key))).toEqual(v!.expected);
  });

  it('philoxFill writes consecutive counters and cuts the last block short', () => {
    const out = new Uint32Array(7);
    philoxFill(out, 0, 0, 0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff);
    // Block 1 has counter c0 = 0xffffffff: the all-ones known-answer counter, with key (0, 0).
    expect(Array.from(out.subarray(0, 4))).toEqual(
      Array.from(philox4x32([0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff], [0, 0])),
    );
    expect(Array.from(out.subarray(4))).toEqual(
      Array.from(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0, 0])).slice(0, 3),
    );
  });

  it('rejects malformed counters, keys and round counts', () => {
    expect(() => philox4x32([0, 0, 0], [0, 0])).toThrow(ArgumentError);
    expect(() => philox4x32([0, 0, 0, 2 ** 32], [0, 0])).toThrow(
      "philox4x32: argument 'counter' is [0, 0, 0, 4294967296], expected 4 integers in [0, 2^32 − 1]",
    );
    expect(() => philox4x32([0, 0, 0, 0], [0, -1])).toThrow(/argument 'key'/);
    expect(() => philox4x32([0, 0, 0, 0], [0, 0], 0)).toThrow(
      /argument 'rounds' is 0, expected an integer in \[1, 16\]/,
    );
  });
});
