/**
 * The one seeded pseudo-random number generator of the project: xoshiro128** (Blackman & Vigna),
 * four 32-bit words of state held in plain numbers, seeded from any safe integer through a
 * splitmix-style hash chain. Same seed, same stream, on every platform (only 32-bit integer
 * operations and exact double arithmetic are used).
 *
 * Seeding (pinned by test/sequences/golden-rng.json, re-implemented in scripts/golden-sobol.py):
 *   [lo, hi] = seed as two 32-bit words (two's complement)
 *   for k = 0..3: x += 0x9E3779B9; y += 0x7F4A7C15; s[k] = fmix32(x ^ fmix32(y))   (x = lo, y = hi initially)
 * and s = [1, 0, 0, 0] in the (never observed) case that all four words are zero.
 */
import { SobolnetError } from '../core/errors.js';
import { fmix32, seedWords } from './hash.js';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** The seeded pseudo-random generator (xoshiro128**): the same seed gives the same stream on every platform. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second normal deviate of the last polar-method pair, or NaN when there is none. */
  private spareNormal = Number.NaN;

  /** Any safe integer seed (negative too). */
  constructor(seed: number) {
    const [lo, hi] = seedWords(seed, 'Rng seed');
    let x = lo;
    let y = hi;
    const s = [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) {
      x = (x + 0x9e3779b9) >>> 0;
      y = (y + 0x7f4a7c15) >>> 0;
      s[k] = fmix32(x ^ fmix32(y));
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    this.s0 = s[0];
    this.s1 = s[1];
    this.s2 = s[2];
    this.s3 = s[3];
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const a = this.nextU32() >>> 5;   // 27 bits
    const b = this.nextU32() >>> 6;   // 26 bits
    return (a * 67108864 + b) / TWO_53;
  }

  /** Uniform integer in [0, n) without modulo bias (rejection sampling); n an integer in [1, 2^53]. */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_53 && Number.isInteger(n))) {
      throw new SobolnetError(`Rng.nextInt bound must be an integer in [1, 2^53], got ${String(n)}`);
    }
    if (n <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % n);   // largest multiple of n not above 2^32
      let x = this.nextU32();
      while (x >= limit) x = this.nextU32();
      return x % n;
    }
    const limit = TWO_53 - (TWO_53 % n);
    let x = this.nextFloat() * TWO_53;      // uniform integer in [0, 2^53)
    while (x >= limit) x = this.nextFloat() * TWO_53;
    return x % n;
  }

  /** Standard normal deviate (Marsaglia's polar method; the pair's second value is kept for the next call). */
  nextNormal(): number {
    const spare = this.spareNormal;
    if (spare === spare) {   // not NaN
      this.spareNormal = Number.NaN;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt(-2 * Math.log(s) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Fisher–Yates shuffle in place: every permutation equally likely. */
  shuffle(a: { length: number; [i: number]: number }): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
