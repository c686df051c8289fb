import { ArgumentError } from '../errors/errors.js';
import { philoxFill } from './philox.js';
import { DOMAIN_FOLD, DOMAIN_SPLIT } from './counter-layout.js';

/**
 * An immutable random key: two uint32 words, the key of the Philox-4x32-10 generator that every sampler
 * of elbo reads its bits from. A seed is a value, not a state: using the same seed twice gives the same
 * draws twice, so derive one seed per use with {@link splitSeed} or {@link foldIn}. Seeds are frozen
 * plain objects, so they survive `JSON.stringify`/`JSON.parse` (a parsed copy is accepted everywhere a
 * seed is, see {@link isSeed}).
 *
 * @example
 * const s: Seed = seed(42); // { key: [42, 0] }
 */
export interface Seed {
  /** The Philox key (k0, k1), each an integer in [0, 2^32 − 1]. */
  readonly key: readonly [number, number];
}

const TWO_32 = 4294967296;

function makeSeed(k0: number, k1: number): Seed {
  return Object.freeze({ key: Object.freeze([k0 >>> 0, k1 >>> 0] as const) });
}

function describe(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return `an object without a valid 'key' (two uint32 words)`;
  return `a ${typeof x}`;
}

function isNonNegativeSafeInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Makes the seed of the non-negative integer `n`: the Philox key (n mod 2^32, ⌊n / 2^32⌋). Distinct
 * integers give distinct keys, and Philox-4x32-10 turns distinct keys into independent-looking streams,
 * so `seed(0)`, `seed(1)`, … are fine as unrelated seeds.
 *
 * @param n - an integer in [0, 2^53 − 1] (`Number.MAX_SAFE_INTEGER`).
 * @throws ArgumentError for anything else (NaN, ±Infinity, negative, fractional, above 2^53 − 1, not a number).
 * @example
 * const s = seed(42);
 * const eps = normal([128, 32], s); // the same values on every backend
 */
export function seed(n: number): Seed {
  if (!isNonNegativeSafeInteger(n)) {
    throw new ArgumentError(
      `seed: argument 'n' is ${describe(n)}, expected a non-negative safe integer (0 ≤ n ≤ 2^53 − 1)`,
    );
  }
  return makeSeed(n % TWO_32, Math.floor(n / TWO_32));
}

/**
 * Whether `x` is a {@link Seed}: an object whose `key` is an array of two integers in [0, 2^32 − 1].
 * The check is structural, so a seed that went through JSON is still a seed.
 *
 * @example
 * isSeed(seed(1)) // true
 * isSeed({ key: [1, 2] }) // true
 * isSeed(1) // false (a number is accepted by samplers, but it is not a Seed)
 */
export function isSeed(x: unknown): x is Seed {
  if (typeof x !== 'object' || x === null) return false;
  const key = (x as { key?: unknown }).key;
  return (
    Array.isArray(key) &&
    key.length === 2 &&
    key.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
  );
}

/**
 * Converts a public `seed` argument at the boundary: a {@link Seed} is returned as a frozen seed, a
 * non-negative safe integer `n` becomes `seed(n)`, anything else is an error that names the calling
 * function and the argument. For other packages' sampling functions.
 *
 * @param value - a Seed or a non-negative safe integer.
 * @param arg - the argument's name, for messages.
 * @param fn - the calling function's name, for messages.
 * @throws ArgumentError when `value` is neither.
 * @example
 * function sample(shape: number[], s: Seed | number) {
 *   const key = toSeed(s, 'seed', 'Normal.sample');
 *   return normal(shape, key);
 * }
 */
export function toSeed(value: Seed | number, arg: string, fn: string): Seed {
  if (typeof value === 'number') {
    if (!isNonNegativeSafeInteger(value)) {
      throw new ArgumentError(
        `${fn}: argument '${arg}' is ${describe(value)}, expected a Seed or a non-negative safe integer (0 ≤ n ≤ 2^53 − 1)`,
      );
    }
    return seed(value);
  }
  if (!isSeed(value)) {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${describe(value)}, expected a Seed (from seed(n), splitSeed or foldIn) or a non-negative safe integer`,
    );
  }
  return Object.isFrozen(value) && Object.isFrozen(value.key) ? value : makeSeed(value.key[0], value.key[1]);
}

/**
 * Splits a seed into `k` child seeds. Child j's key is the first two words of the Philox-4x32-10 block
 * with counter (j, 0, 3, 0) under the parent's key (domain 3 = split, see `random.uniformBits`): the
 * children are outputs of a keyed pseudo-random function, statistically independent of each other, of
 * the parent's own draws and of {@link foldIn}'s seeds. Child j does not depend on `k`, so
 * `splitSeed(s, 2)` is a prefix of `splitSeed(s, 3)`.
 *
 * @param s - the parent seed (or a non-negative safe integer).
 * @param k - the number of children, an integer in [1, 2^32].
 * @returns `k` frozen seeds.
 * @throws ArgumentError for a bad seed or `k`.
 * @example
 * const [sEncoder, sDecoder] = splitSeed(seed(0), 2);
 */
export function splitSeed(s: Seed | number, k: number): Seed[] {
  const parent = toSeed(s, 's', 'splitSeed');
  if (!Number.isInteger(k) || k < 1 || k > TWO_32) {
    throw new ArgumentError(`splitSeed: argument 'k' is ${describe(k)}, expected an integer in [1, 2^32]`);
  }
  const words = new Uint32Array(4);
  const children: Seed[] = [];
  for (let j = 0; j < k; j++) {
    philoxFill(words, parent.key[0], parent.key[1], j, 0, DOMAIN_SPLIT, 0);
    children.push(makeSeed(words[0] as number, words[1] as number));
  }
  return children;
}

/**
 * Derives the seed of `data` (a step number, an epoch, an index) from `s`, as JAX's `fold_in`: the first
 * two words of the Philox-4x32-10 block with counter (data mod 2^32, ⌊data / 2^32⌋, 4, 0) under s's key
 * (domain 4 = fold-in). Distinct `data` give independent seeds, so a training loop can use
 * `foldIn(s, step)` instead of carrying split seeds along.
 *
 * @param s - the seed (or a non-negative safe integer).
 * @param data - a non-negative safe integer.
 * @throws ArgumentError for a bad seed or `data`.
 * @example
 * for (let step = 0; step < 1000; step++) {
 *   const eps = normal([128, 32], foldIn(seed(0), step));
 *   // …
 *   eps.dispose();
 * }
 */
export function foldIn(s: Seed | number, data: number): Seed {
  const parent = toSeed(s, 's', 'foldIn');
  if (!isNonNegativeSafeInteger(data)) {
    throw new ArgumentError(
      `foldIn: argument 'data' is ${describe(data)}, expected a non-negative safe integer (0 ≤ data ≤ 2^53 − 1)`,
    );
  }
  const words = new Uint32Array(4);
  philoxFill(words, parent.key[0], parent.key[1], data % TWO_32, Math.floor(data / TWO_32), DOMAIN_FOLD, 0);
  return makeSeed(words[0] as number, words[1] as number);
}
