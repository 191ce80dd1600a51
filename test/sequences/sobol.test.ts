import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { JOE_KUO_DEGREE_COUNTS, JOE_KUO_LINES } from '../../src/sequences/joe-kuo-head.js';
import '../../src/sequences/node/register-joe-kuo-table.js';
import { SOBOL_COMPONENTS, SOBOL_POINTS, directionNumbers, sobolComponent } from '../../src/sequences/sobol.js';
import type { SobolOrder } from '../../src/sequences/sobol.js';
import { pairsHitEveryCellOnce, readGolden, topBitsArePermutation } from './helpers.js';

interface GoldenSobol {
  components: number;
  directionChecksum: number;
  points: {
    component: number;
    directionNumbers: number[];
    natural: number[];
    gray: number[];
    largeIndices: number[];
    naturalAtLargeIndices: number[];
  }[];
}

const golden = readGolden<GoldenSobol>('golden-sobol.json');
const orders: SobolOrder[] = ['natural', 'gray'];
const sorted = (a: Uint32Array): Uint32Array => a.slice().sort();   // typed-array sort is numeric

describe('Joe–Kuo table', () => {
  it('covers components 0..21200', () => {
    expect(SOBOL_COMPONENTS).toBe(JOE_KUO_LINES + 1);
    expect(SOBOL_COMPONENTS).toBe(golden.components);
    expect(JOE_KUO_DEGREE_COUNTS.reduce((s, c) => s + c, 0)).toBe(JOE_KUO_LINES);
  });

  it('decodes the direction numbers of every component (checksum from the raw file)', () => {
    let h = 0;
    for (let c = 0; c < SOBOL_COMPONENTS; c++) {
      for (const v of directionNumbers(c)) h = (Math.imul(h, 31) + v) >>> 0;
    }
    expect(h).toBe(golden.directionChecksum);
  });

  it('returns a copy of the direction numbers', () => {
    const before = Array.from(directionNumbers(5));
    directionNumbers(5).fill(0);
    expect(Array.from(directionNumbers(5))).toEqual(before);
    expect(before[0]).toBe(0x80000000);
  });
});

describe('sobolComponent against the golden reference (scripts/golden-sobol.py)', () => {
  for (const g of golden.points) {
    it(`component ${g.component}`, () => {
      expect(Array.from(directionNumbers(g.component))).toEqual(g.directionNumbers);
      expect(Array.from(sobolComponent(g.component, 0, 64))).toEqual(g.natural);
      expect(Array.from(sobolComponent(g.component, 0, 64, 'natural'))).toEqual(g.natural);
      expect(Array.from(sobolComponent(g.component, 0, 64, 'gray'))).toEqual(g.gray);
      g.largeIndices.forEach((index, k) => {
        expect(sobolComponent(g.component, index, 1)[0]).toBe(g.naturalAtLargeIndices[k]);
      });
      // Long runs (table path) ending at or passing the large indices agree too.
      const last = sobolComponent(g.component, SOBOL_POINTS - 5000, 5000);
      expect(last[4999]).toBe(g.naturalAtLargeIndices[g.largeIndices.indexOf(SOBOL_POINTS - 1)]);
      const around = sobolComponent(g.component, 65000, 2000);
      expect(around[65535 - 65000]).toBe(g.naturalAtLargeIndices[g.largeIndices.indexOf(65535)]);
      expect(around[65536 - 65000]).toBe(g.naturalAtLargeIndices[g.largeIndices.indexOf(65536)]);
      const small = sobolComponent(g.component, 2 ** 31 - 3, 10);   // stepping path across 2^31
      expect(small[2]).toBe(g.naturalAtLargeIndices[g.largeIndices.indexOf(2 ** 31 - 1)]);
      expect(small[3]).toBe(g.naturalAtLargeIndices[g.largeIndices.indexOf(2 ** 31)]);
    });
  }

  it('gray order maps aligned block k of 2^m indices onto natural block gray(k)', () => {
    for (const g of golden.points) {
      for (let m = 0; m <= 6; m++) {
        for (let k = 0; k < 64 / 2 ** m; k++) {
          const gk = k ^ (k >>> 1);
          const gray = g.gray.slice(k * 2 ** m, (k + 1) * 2 ** m).sort((x, y) => x - y);
          const nat = g.natural.slice(gk * 2 ** m, (gk + 1) * 2 ** m).sort((x, y) => x - y);
          expect(gray).toEqual(nat);
        }
      }
    }
    // so the first 2^M points are the same set in both orders, and far out in the sequence
    // block 3 of 2^16 points in Gray order is natural block gray(3) = 2.
    const M = 2 ** 16;
    expect(sorted(sobolComponent(1000, 0, M, 'gray'))).toEqual(sorted(sobolComponent(1000, 0, M)));
    expect(sorted(sobolComponent(1000, 3 * M, M, 'gray'))).toEqual(sorted(sobolComponent(1000, 2 * M, M)));
  });

  it('gray order at step i is natural point gray(i)', () => {
    const i0 = 2 ** 32 - 1500;
    const gray = sobolComponent(77, i0, 1500, 'gray');
    for (const k of [0, 1, 2, 255, 256, 257, 1000, 1499]) {
      const i = i0 + k;
      expect(gray[k]).toBe(sobolComponent(77, (i ^ (i >>> 1)) >>> 0, 1)[0]);
    }
  });
});

describe('slices agree with one long run', () => {
  const long = new Map<string, Uint32Array>();
  const base = 2 ** 31 - 6000;   // crosses 2^31
  for (const order of orders) for (const c of [0, 1, 9, 21200]) long.set(`${c} ${order}`, sobolComponent(c, base, 12000, order));

  it('for any start, count and order (stepping and table paths)', () => {
    fc.assert(fc.property(
      fc.constantFrom(0, 1, 9, 21200), fc.constantFrom(...orders), fc.nat(11999), fc.nat(3000),
      (c, order, offset, n) => {
        const count = Math.min(n, 12000 - offset);
        const ref = long.get(`${c} ${order}`)!.subarray(offset, offset + count);
        const got = sobolComponent(c, base + offset, count, order);
        return got.length === count && got.every((v, k) => v === ref[k]);
      }), { numRuns: 300 });
  });

  it('writes into a given output array and returns it', () => {
    const out = new Uint32Array(700).fill(7);
    const got = sobolComponent(9, base + 5, 600, 'gray', out);
    expect(got).toBe(out);
    expect(Array.from(out.subarray(0, 600))).toEqual(Array.from(long.get('9 gray')!.subarray(5, 605)));
    expect(out[600]).toBe(7);
    expect(sobolComponent(3, 10, 0).length).toBe(0);
    expect(sobolComponent(3, SOBOL_POINTS, 0).length).toBe(0);
  });
});

describe('net properties', () => {
  it('(0,1): the top m bits of every aligned block of 2^m points are a permutation', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: SOBOL_COMPONENTS - 1 }), fc.integer({ min: 0, max: 12 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.constantFrom(...orders),
      (c, m, u, order) => {
        const block = Math.floor(u * 2 ** (32 - m));
        return topBitsArePermutation(sobolComponent(c, block * 2 ** m, 2 ** m, order), m);
      }), { numRuns: 400 });
  });

  it('(0,1) in every block of a long run, for the first and last components', () => {
    for (const c of [0, 1, 2, 21199, 21200]) {
      for (const order of orders) {
        const x = sobolComponent(c, 0, 2 ** 13, order);
        for (let m = 1; m <= 13; m++) {
          let ok = true;
          for (let b = 0; b < x.length; b += 2 ** m) ok &&= topBitsArePermutation(x.subarray(b, b + 2 ** m), m);
          expect(ok, `component ${c}, ${order}, m = ${m}`).toBe(true);
        }
      }
    }
  });

  it('(0,2): components 0 and 1 hit every 2^a x 2^b cell once in each aligned block of 2^(a+b) points', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 12 }), fc.nat(12), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(...orders),
      (m, aRaw, u, order) => {
        const a = aRaw % (m + 1);
        const start = Math.floor(u * 2 ** (32 - m)) * 2 ** m;
        const x = sobolComponent(0, start, 2 ** m, order);
        const y = sobolComponent(1, start, 2 ** m, order);
        return pairsHitEveryCellOnce(x, y, a, m - a);
      }), { numRuns: 300 });
  });

  it('other adjacent pairs are not (0,2)-nets in general (the property test can fail)', () => {
    // Components 4 and 5 (Joe–Kuo dimensions 5 and 6) repeat cells: a sanity check of the checker.
    const x = sobolComponent(4, 0, 64);
    const y = sobolComponent(5, 0, 64);
    let all = true;
    for (let a = 0; a <= 6; a++) all &&= pairsHitEveryCellOnce(x, y, a, 6 - a);
    expect(all).toBe(false);
  });
});

describe('validation', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['component -1', () => sobolComponent(-1, 0, 1), /component.*-1/],
    ['component 21201', () => sobolComponent(21201, 0, 1), /component.*21201/],
    ['component 1.5', () => sobolComponent(1.5, 0, 1), /component.*1\.5/],
    ['component NaN', () => directionNumbers(Number.NaN), /component.*NaN/],
    ['negative start', () => sobolComponent(0, -1, 1), /start.*-1/],
    ['fractional start', () => sobolComponent(0, 0.5, 1), /start.*0\.5/],
    ['start past 2^32', () => sobolComponent(0, SOBOL_POINTS + 1, 0), /start.*4294967297/],
    ['negative count', () => sobolComponent(0, 0, -3), /count.*-3/],
    ['count past the end', () => sobolComponent(0, SOBOL_POINTS - 10, 11), /count.*got 11/],
    ['unknown order', () => sobolComponent(0, 0, 1, 'reversed' as SobolOrder), /order.*reversed/],
    ['short output', () => sobolComponent(0, 0, 10, 'natural', new Uint32Array(9)), /length 9/],
    ['wrong output type', () => sobolComponent(0, 0, 10, 'natural', new Float64Array(10) as unknown as Uint32Array), /Float64Array/],
  ];
  for (const [what, call, message] of bad) {
    it(`throws SobolnetError naming the value: ${what}`, () => {
      expect(call).toThrow(SobolnetError);
      expect(call).toThrow(message);
    });
  }
});
