/**
 * 32-bit integer hashing shared by the seeded PRNG and the scramblers. Every function here is
 * pinned by golden values (scripts/golden-sobol.py re-implements them independently): changing
 * one changes every seeded topology and every seeded stream.
 */
import { checkInt } from '../core/errors.js';

const TWO_32 = 4294967296;

/**
 * MurmurHash3's 32-bit finaliser: a bijection on 32-bit patterns with full avalanche. Returns the
 * pattern as a signed int32 (`>>> 0` gives the unsigned value): measured in Node 20, int32 results
 * made Owen scrambling about 1.5x faster than uint32 results (which V8 may box as doubles).
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** One step of the hash chain: absorb the 32-bit word `w` into the state `h`. */
export function hashStep(h: number, w: number): number {
  return fmix32(((h ^ w) + 0x9e3779b9) | 0);
}

/**
 * A safe-integer seed as two 32-bit words [lo, hi] (two's complement, so -1 is [2^32-1, 2^32-1]).
 * Validates the seed: this is the public edge of every seeded function.
 */
export function seedWords(seed: number, what = 'seed'): [number, number] {
  checkInt(seed, what, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const lo = seed >>> 0;                                // ToUint32 = seed mod 2^32
  const hi = Math.floor((seed - lo) / TWO_32) >>> 0;    // exact: seed - lo is a multiple of 2^32
  return [lo, hi];
}

/** A 32-bit key in [0, 2^32) for (seed, component) in the domain `tag` (one tag per use, so keys never coincide across uses). */
export function deriveKey(tag: number, seed: number, component: number): number {
  const [lo, hi] = seedWords(seed);
  return hashStep(hashStep(hashStep(tag >>> 0, lo), hi), component >>> 0) >>> 0;
}
