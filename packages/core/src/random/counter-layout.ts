import { philoxFill } from './philox.js';

// The counter layout of elbo's random streams, internal to random/ (the table is in uniformBits' TSDoc).
// A seed is a Philox key; a 128-bit counter (c0, c1, domain, 0) selects a block of four uint32 words, and
// the domain word keeps the uses apart.
/** Plain streams: block b of a sampler's words has counter (b, 0, 0, 0). */
export const DOMAIN_STREAM = 0;
/** Per-element blocks of rejection samplers: element i, attempt j has counter (i, j, 1, 0). */
export const DOMAIN_ELEMENT = 1;
/** The extra uniform of the Gamma α < 1 boost: element i has counter (i, 0, 2, 0). */
export const DOMAIN_BOOST = 2;
/** splitSeed: child j's key is the first two words of counter (j, 0, 3, 0). */
export const DOMAIN_SPLIT = 3;
/** foldIn: the seed of `data` is the first two words of counter (data mod 2^32, ⌊data / 2^32⌋, 4, 0). */
export const DOMAIN_FOLD = 4;

const TWO_NEG_24 = 2 ** -24;
const TWO_NEG_32 = 2 ** -32;
const TWO_NEG_53 = 2 ** -53;

/** A uniform on the grid {0, 2^-24, …, 1 − 2^-24} from the top 24 bits of a word (exact in float32). */
export function wordToUnit24(w: number): number {
  return (w >>> 8) * TWO_NEG_24;
}

/** A uniform in the open interval (0, 1) from one word: (w + ½)·2^-32. */
export function wordToOpenUnit32(w: number): number {
  return ((w >>> 0) + 0.5) * TWO_NEG_32;
}

/** A uniform on the grid {0, 2^-53, …, 1 − 2^-53} from two words (27 + 26 bits, as MT19937's genrand_res53). */
export function wordsToUnit53(w0: number, w1: number): number {
  return ((w0 >>> 5) * 67108864 + (w1 >>> 6)) * TWO_NEG_53;
}

/** The first `n` words of the plain stream of `key`: blocks (b, 0, 0, 0), b = 0, 1, …, 4 words each. */
export function streamWords(key: readonly [number, number], n: number): Uint32Array {
  const out = new Uint32Array(n);
  philoxFill(out, key[0], key[1], 0, 0, DOMAIN_STREAM, 0);
  return out;
}
