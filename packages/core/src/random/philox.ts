import { ArgumentError } from '../errors/errors.js';

// Philox-4x32 constants (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC'11; Random123 `philox.h`): the two round multipliers and the Weyl increments of the key schedule
// (golden ratio and √3 − 1 in 0.32 fixed point).
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
// The multipliers split in 16-bit halves, so every partial product is exact in a double (< 2^32).
const M0_LO = M0 & 0xffff;
const M0_HI = M0 >>> 16;
const M1_LO = M1 & 0xffff;
const M1_HI = M1 >>> 16;

/** The default number of rounds, Philox-4x32-10 (the Crush-resistant choice of Random123). */
const DEFAULT_ROUNDS = 10;

/**
 * The high 32 bits of the 64-bit product a·M for uint32 `a` and a 32-bit multiplier given as its 16-bit
 * halves: a·M = a_h·M_h·2^32 + (a_h·M_l + a_l·M_h)·2^16 + a_l·M_l, each partial product below 2^32.
 */
function mulhi(a: number, mLo: number, mHi: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const ll = aLo * mLo;
  const lh = aLo * mHi;
  const hl = aHi * mLo;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return aHi * mHi + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
}

/**
 * Writes the Philox-4x32 blocks for counters (c0 + b, c1, c2, c3), b = 0, 1, …, into `out` (4 words per
 * block, the last block cut short when `out.length` is not a multiple of 4). Allocation-free: the whole
 * state lives in local int32 variables; `Math.imul` gives the low and {@link mulhi} the high product word.
 *
 * Internal to `random/`: the public entry points are {@link philox4x32} and the samplers.
 */
export function philoxFill(
  out: Uint32Array,
  key0: number,
  key1: number,
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  rounds: number = DEFAULT_ROUNDS,
): void {
  const n = out.length;
  for (let offset = 0, block = 0; offset < n; offset += 4, block++) {
    let x0 = (c0 + block) | 0;
    let x1 = c1 | 0;
    let x2 = c2 | 0;
    let x3 = c3 | 0;
    let k0 = key0 | 0;
    let k1 = key1 | 0;
    for (let r = 0; r < rounds; r++) {
      if (r > 0) {
        k0 = (k0 + W0) | 0;
        k1 = (k1 + W1) | 0;
      }
      const hi0 = mulhi(x0, M0_LO, M0_HI);
      const lo0 = Math.imul(x0, M0);
      const hi1 = mulhi(x2, M1_LO, M1_HI);
      const lo1 = Math.imul(x2, M1);
      x0 = hi1 ^ x1 ^ k0;
      x1 = lo1;
      x2 = hi0 ^ x3 ^ k1;
      x3 = lo0;
    }
    out[offset] = x0;
    if (offset + 1 < n) out[offset + 1] = x1;
    if (offset + 2 < n) out[offset + 2] = x2;
    if (offset + 3 < n) out[offset + 3] = x3;
  }
}

function isUint32(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
}

function checkWords(words: unknown, length: number, arg: string): readonly number[] {
  if (!Array.isArray(words) && !(words instanceof Uint32Array)) {
    throw new ArgumentError(
      `philox4x32: argument '${arg}' is ${typeof words}, expected an array of ${length} uint32 words`,
    );
  }
  const list = Array.from(words as ArrayLike<unknown>);
  if (list.length !== length || !list.every(isUint32)) {
    throw new ArgumentError(
      `philox4x32: argument '${arg}' is [${list.map(String).join(', ')}], expected ${length} integers in [0, 2^32 − 1]`,
    );
  }
  return list;
}

/**
 * The Philox-4x32-R block function (Salmon et al. 2011, the counter-based generator of Random123 and of
 * TensorFlow's stateless ops): a keyed bijection of 128-bit counters. With counter (x0, x1, x2, x3) and
 * key (k0, k1), each of R rounds computes, with 64-bit products split in high and low words,
 *
 *   (hi0, lo0) = 0xD2511F53·x0,  (hi1, lo1) = 0xCD9E8D57·x2,
 *   (x0, x1, x2, x3) ← (hi1 ⊕ x1 ⊕ k0, lo1, hi0 ⊕ x3 ⊕ k1, lo0),
 *
 * and between rounds bumps the key by the Weyl constants, k0 += 0x9E3779B9, k1 += 0xBB67AE85 (mod 2^32).
 * Ten rounds (the default) pass BigCrush with any counter and key; every seed and sampler of elbo is
 * built on this function (see `random.uniformBits` for the counter layout).
 *
 * @param counter - four uint32 words.
 * @param key - two uint32 words.
 * @param rounds - number of rounds R, an integer in [1, 16]; 10 unless you are checking test vectors.
 * @returns the four output words, a new `Uint32Array`.
 * @example
 * philox4x32([0, 0, 0, 0], [0, 0]) // Uint32Array [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 */
export function philox4x32(
  counter: readonly number[] | Uint32Array,
  key: readonly number[] | Uint32Array,
  rounds: number = DEFAULT_ROUNDS,
): Uint32Array {
  const c = checkWords(counter, 4, 'counter');
  const k = checkWords(key, 2, 'key');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 16) {
    throw new ArgumentError(
      `philox4x32: argument 'rounds' is ${String(rounds)}, expected an integer in [1, 16]`,
    );
  }
  const out = new Uint32Array(4);
  philoxFill(
    out,
    k[0] as number,
    k[1] as number,
    c[0] as number,
    c[1] as number,
    c[2] as number,
    c[3] as number,
    rounds,
  );
  return out;
}
