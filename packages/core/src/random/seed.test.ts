import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/random.json' with { type: 'json' };
import { foldIn, isSeed, seed, splitSeed, toSeed, type Seed } from './seed.js';

const streams = fixture.streams;

describe('seed', () => {
  it('maps n to the key (n mod 2^32, floor(n / 2^32)), as the Python reference does', () => {
    for (const { n, key } of streams.seedKeys) expect(seed(n).key).toEqual(key);
  });

  it('returns a frozen seed', () => {
    const s = seed(5);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.key)).toBe(true);
    expect(() => {
      (s.key as unknown as number[])[0] = 1;
    }).toThrow(TypeError);
  });

  it('rejects anything but a non-negative safe integer, naming the argument', () => {
    for (const bad of [NaN, -1, 1.5, 2 ** 53, Infinity, -Infinity]) {
      expect(() => seed(bad)).toThrow(ArgumentError);
    }
    expect(() => seed(-1)).toThrow(
      "seed: argument 'n' is -1, expected a non-negative safe integer (0 ≤ n ≤ 2^53 − 1)",
    );
    expect(() => seed(2 ** 53)).toThrow("seed: argument 'n' is 9007199254740992, expected");
    expect(() => seed('3' as unknown as number)).toThrow(`seed: argument 'n' is the string "3"`);
    expect(() => seed(undefined as unknown as number)).toThrow("seed: argument 'n' is a undefined");
    expect(seed(2 ** 53 - 1).key).toEqual([0xffffffff, 0x1fffff]);
  });
});

describe('isSeed', () => {
  it('accepts seeds, also after a JSON round trip, and nothing else', () => {
    expect(isSeed(seed(1))).toBe(true);
    expect(isSeed(JSON.parse(JSON.stringify(seed(1))))).toBe(true);
    expect(isSeed({ key: [0, 0xffffffff] })).toBe(true);
    for (const bad of [
      1,
      null,
      undefined,
      'seed',
      [1, 2],
      { key: [1] },
      { key: [1, 2, 3] },
      { key: [1, -1] },
      { key: [1, 2 ** 32] },
      { key: [0.5, 1] },
      { key: '12' },
    ]) {
      expect(isSeed(bad)).toBe(false);
    }
  });
});

describe('toSeed', () => {
  it('passes seeds through, turns numbers into seeds and freezes parsed seeds', () => {
    const s = seed(9);
    expect(toSeed(s, 'seed', 'f')).toBe(s);
    expect(toSeed(9, 'seed', 'f').key).toEqual([9, 0]);
    const parsed = JSON.parse(JSON.stringify(s)) as Seed;
    const t = toSeed(parsed, 'seed', 'f');
    expect(t.key).toEqual([9, 0]);
    expect(Object.isFrozen(t)).toBe(true);
  });

  it('names the calling function and argument', () => {
    expect(() => toSeed(-2, 'seed', 'Normal.sample')).toThrow(ArgumentError);
    expect(() => toSeed(-2, 'seed', 'Normal.sample')).toThrow(
      "Normal.sample: argument 'seed' is -2, expected a Seed or a non-negative safe integer (0 ≤ n ≤ 2^53 − 1)",
    );
    expect(() => toSeed({ key: [1] } as unknown as Seed, 'rng', 'svi.step')).toThrow(
      "svi.step: argument 'rng' is an object without a valid 'key' (two uint32 words), expected a Seed (from seed(n), splitSeed or foldIn) or a non-negative safe integer",
    );
    expect(() => toSeed('1' as unknown as Seed, 'seed', 'f')).toThrow(`f: argument 'seed' is the string "1"`);
  });
});

describe('splitSeed', () => {
  it('matches the Python reference of the documented counter layout', () => {
    const children = splitSeed(seed(streams.split.n), streams.split.k);
    expect(children.map((c) => c.key)).toEqual(streams.split.keys);
    const [, second] = splitSeed(streams.splitOfSplit.path[0] as number, 2);
    expect(splitSeed(second as Seed, streams.splitOfSplit.k).map((c) => c.key)).toEqual(
      streams.splitOfSplit.keys,
    );
  });

  it('gives distinct children, distinct from the parent, and a prefix-stable list', () => {
    const parent = seed(123);
    const children = splitSeed(parent, 1000);
    const keys = new Set(children.map((c) => c.key.join(':')));
    expect(keys.size).toBe(1000);
    expect(keys.has(parent.key.join(':'))).toBe(false);
    expect(splitSeed(parent, 3).map((c) => c.key)).toEqual(children.slice(0, 3).map((c) => c.key));
    expect(children.every((c) => Object.isFrozen(c))).toBe(true);
    // Children of different parents differ.
    expect(splitSeed(seed(124), 1)[0]?.key).not.toEqual(children[0]?.key);
  });

  it('rejects a bad k or seed', () => {
    for (const bad of [0, -1, 1.5, NaN, 2 ** 32 + 1]) {
      expect(() => splitSeed(seed(1), bad)).toThrow(ArgumentError);
    }
    expect(() => splitSeed(seed(1), 0)).toThrow(
      "splitSeed: argument 'k' is 0, expected an integer in [1, 2^32]",
    );
    expect(() => splitSeed(-1, 2)).toThrow("splitSeed: argument 's' is -1");
  });
});

describe('foldIn', () => {
  it('matches the Python reference, including data above 2^32', () => {
    for (const { n, data, key } of streams.foldIn) expect(foldIn(seed(n), data).key).toEqual(key);
  });

  it('gives different seeds for different data, and differs from splitSeed', () => {
    const s = seed(0);
    const folded = Array.from({ length: 100 }, (_, i) => foldIn(s, i).key.join(':'));
    expect(new Set(folded).size).toBe(100);
    const split = splitSeed(s, 100).map((c) => c.key.join(':'));
    expect(folded.some((k) => split.includes(k))).toBe(false);
    expect(Object.isFrozen(foldIn(s, 1))).toBe(true);
  });

  it('rejects bad data', () => {
    expect(() => foldIn(seed(0), -1)).toThrow(ArgumentError);
    expect(() => foldIn(seed(0), 0.5)).toThrow(
      "foldIn: argument 'data' is 0.5, expected a non-negative safe integer (0 ≤ data ≤ 2^53 − 1)",
    );
    expect(() => foldIn(seed(0), NaN)).toThrow(ArgumentError);
  });
});
