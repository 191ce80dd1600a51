/** Shared helpers of the sequence tests: golden files and the net-property checks. */
import { readFileSync } from 'node:fs';

export function readGolden<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as T;
}

/** True when the top m bits of the 2^m values are a permutation of 0 .. 2^m - 1. values: [2^m]. */
export function topBitsArePermutation(values: Uint32Array, m: number): boolean {
  if (values.length !== 2 ** m) return false;
  const seen = new Uint8Array(values.length);
  for (const v of values) {
    const cell = m === 0 ? 0 : v >>> (32 - m);
    if (seen[cell]) return false;
    seen[cell] = 1;
  }
  return true;
}

/**
 * True when the 2^(a+b) pairs (top a bits of x, top b bits of y) hit every cell of the 2^a x 2^b
 * grid exactly once (a (0,m,2)-net in base 2, elementary intervals of shape a, b). x, y: [2^(a+b)].
 */
export function pairsHitEveryCellOnce(x: Uint32Array, y: Uint32Array, a: number, b: number): boolean {
  const n = 2 ** (a + b);
  if (x.length !== n || y.length !== n) return false;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const cx = a === 0 ? 0 : x[i] >>> (32 - a);
    const cy = b === 0 ? 0 : y[i] >>> (32 - b);
    const cell = cx * 2 ** b + cy;
    if (seen[cell]) return false;
    seen[cell] = 1;
  }
  return true;
}
