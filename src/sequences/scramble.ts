/**
 * Randomisations of one Sobol' component that keep its net structure, in place on 32-bit values
 * floor(x * 2^32). Deterministic per (seed, component); different components (and seeds) get
 * independent scrambles. Both are bijections of [0, 2^32) that map every dyadic interval
 * [a/2^m, (a+1)/2^m) onto a dyadic interval of the same length, so the (0,1)-sequence property
 * of each component and the (0,m,2)-net property of components 0 and 1 survive.
 *
 * The key derivation and the hash below are pinned by golden values (test/sequences/golden-scramble.json,
 * re-implemented bit by bit in scripts/golden-sobol.py): changing them changes every scrambled topology.
 *
 * Shape legend: N number of values.
 */
import { checkInt } from '../core/errors.js';
import { deriveKey, fmix32, hashStep } from './hash.js';

const SHIFT_TAG = 0x53484654;   // 'SHFT'
const OWEN_TAG = 0x4f57454e;    // 'OWEN'

function checkScrambleArgs(seed: number, component: number): void {
  checkInt(seed, 'scramble seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  checkInt(component, 'scramble component', 0, 0xffffffff);
}

/** The 32-bit shift (in [0, 2^32)) that digitalShift XORs into every value of (seed, component). */
export function digitalShiftKey(seed: number, component: number): number {
  checkScrambleArgs(seed, component);
  return deriveKey(SHIFT_TAG, seed, component);
}

/** Random digital shift: values[N] ^= one seeded 32-bit shift per (seed, component). */
export function digitalShift(values: Uint32Array, seed: number, component: number): void {
  const shift = digitalShiftKey(seed, component);
  for (let n = 0; n < values.length; n++) values[n] ^= shift;
}

/** The 31 random bits (a depth-5 tree) of the digit group whose node is `u` (marker bit above the prefix digits). */
function nodeHash(u: number, k1: number, k2: number): number {
  return fmix32(fmix32(u ^ k1) ^ k2);
}

/**
 * The flips of five digits y = y_0 y_1 .. y_4 (y_0 the most significant) from the tree of random bits
 * in h: digit t takes bit 2^t - 1 + (y_0 .. y_(t-1) as an integer). Returned as five bits, y_0's first.
 */
function treeFlips5(h: number, y: number): number {
  return ((h & 1) << 4) |
    (((h >>> (1 + (y >>> 4))) & 1) << 3) |
    (((h >>> (3 + (y >>> 3))) & 1) << 2) |
    (((h >>> (7 + (y >>> 2))) & 1) << 1) |
    ((h >>> (15 + (y >>> 1))) & 1);
}

/** The flips of digits d..d+4 of x (d = 5, 10, .., 25), in place: digit k at bit 31 - k. */
function groupFlips(x: number, d: number, k1: number, k2: number): number {
  return treeFlips5(nodeHash((1 << d) | (x >>> (32 - d)), k1, k2), (x >>> (27 - d)) & 31) << (27 - d);
}

/** The flips of the last two digits (30, 31) of x. */
function lastFlips(x: number, k1: number, k2: number): number {
  const h = nodeHash((1 << 30) | (x >>> 2), k1, k2);
  return ((h & 1) << 1) | ((h >>> (1 + ((x >>> 1) & 1))) & 1);
}

/** From this length on, owenScramble tabulates the flips of the first 15 digits (2^15 entries). */
const TOP_TABLE_MIN_LENGTH = 1 << 16;

/**
 * Owen's nested uniform scrambling, exact form: bit 31-k of a value (its k-th binary digit,
 * k = 0 the most significant) is flipped by a random bit that depends on (seed, component, k)
 * and on the original digits 0..k-1 above it. The random bits of 31 tree nodes come from one hash:
 * digits are taken in groups of five (k = 5g .. 5g+4; the last group has two), and
 *   h = fmix32(fmix32(u ^ k1) ^ k2),  u = 2^(5g) | (digits 0..5g-1 as an integer)
 * gives the flip of digit 5g+t as bit (2^t - 1 + the t digits 5g..5g+t-1 as an integer) of h, i.e.
 * h holds a complete binary tree of depth five (1 + 2 + 4 + 8 + 16 = 31 bits). So seven hashes per
 * value rather than 32, with every digit still scrambled by its whole prefix. Long arrays look the
 * flips of the first three groups (15 digits) up in a table, leaving four hashes per value.
 * k1 = hash chain of ('OWEN', seed, component), k2 = hashStep(k1, 'OWEN').
 * values: [N], scrambled in place.
 */
export function owenScramble(values: Uint32Array, seed: number, component: number): void {
  checkScrambleArgs(seed, component);
  const k1 = deriveKey(OWEN_TAG, seed, component);
  const k2 = hashStep(k1, OWEN_TAG);
  const h0 = nodeHash(1, k1, k2);   // group 0: empty prefix, u = 1
  if (values.length < TOP_TABLE_MIN_LENGTH) {
    for (let n = 0; n < values.length; n++) {
      const x = values[n];
      values[n] = x ^ (treeFlips5(h0, x >>> 27) << 27) ^ groupFlips(x, 5, k1, k2) ^ groupFlips(x, 10, k1, k2) ^
        groupFlips(x, 15, k1, k2) ^ groupFlips(x, 20, k1, k2) ^ groupFlips(x, 25, k1, k2) ^ lastFlips(x, k1, k2);
    }
    return;
  }
  // top[p] = flips of digits 0..14 for the 15-digit prefix p, from the 1 + 32 + 1024 node hashes.
  const h1 = new Int32Array(1 << 5);
  for (let p = 0; p < 1 << 5; p++) h1[p] = nodeHash((1 << 5) | p, k1, k2);
  const h2 = new Int32Array(1 << 10);
  for (let p = 0; p < 1 << 10; p++) h2[p] = nodeHash((1 << 10) | p, k1, k2);
  const top = new Int32Array(1 << 15);
  for (let p = 0; p < 1 << 15; p++) {
    top[p] = (treeFlips5(h0, p >>> 10) << 27) | (treeFlips5(h1[p >>> 10], (p >>> 5) & 31) << 22) |
      (treeFlips5(h2[p >>> 5], p & 31) << 17);
  }
  for (let n = 0; n < values.length; n++) {
    const x = values[n];
    values[n] = x ^ top[x >>> 17] ^ groupFlips(x, 15, k1, k2) ^ groupFlips(x, 20, k1, k2) ^ groupFlips(x, 25, k1, k2) ^
      lastFlips(x, k1, k2);
  }
}
