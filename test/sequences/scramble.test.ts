import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { digitalShift, digitalShiftKey, owenScramble } from '../../src/sequences/scramble.js';
import '../../src/sequences/node/register-joe-kuo-table.js';   // the properties draw any of the 21,201 components
import { SOBOL_COMPONENTS, sobolComponent } from '../../src/sequences/sobol.js';
import type { SobolOrder } from '../../src/sequences/sobol.js';
import { pairsHitEveryCellOnce, readGolden, topBitsArePermutation } from './helpers.js';

interface GoldenScramble {
  cases: { seed: number; component: number; natural: number[]; digitalShift: number[]; owenScramble: number[] }[];
}

type Scrambler = (values: Uint32Array, seed: number, component: number) => void;
const scramblers: [string, Scrambler][] = [['digitalShift', digitalShift], ['owenScramble', owenScramble]];
const orders: SobolOrder[] = ['natural', 'gray'];
const anySeed = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

function scrambled(scramble: Scrambler, values: Uint32Array, seed: number, component: number): Uint32Array {
  const out = values.slice();
  scramble(out, seed, component);
  return out;
}

describe('golden values (scripts/golden-sobol.py, written digit by digit)', () => {
  const golden = readGolden<GoldenScramble>('golden-scramble.json');
  for (const g of golden.cases) {
    it(`seed ${g.seed}, component ${g.component}`, () => {
      const x = sobolComponent(g.component, 0, 16);
      expect(Array.from(x)).toEqual(g.natural);
      expect(Array.from(scrambled(digitalShift, x, g.seed, g.component))).toEqual(g.digitalShift);
      expect(Array.from(scrambled(owenScramble, x, g.seed, g.component))).toEqual(g.owenScramble);
    });
  }
});

describe.each(scramblers)('%s', (_name, scramble) => {
  it('keeps the (0,1) property of every component, in both orders, for any seed', () => {
    fc.assert(fc.property(
      anySeed, fc.integer({ min: 0, max: SOBOL_COMPONENTS - 1 }), fc.integer({ min: 0, max: 12 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(...orders),
      (seed, c, m, u, order) => {
        const start = Math.floor(u * 2 ** (32 - m)) * 2 ** m;
        return topBitsArePermutation(scrambled(scramble, sobolComponent(c, start, 2 ** m, order), seed, c), m);
      }), { numRuns: 200 });
  });

  it('keeps the (0,2)-net property of components 0 and 1, in both orders, for any seed', () => {
    fc.assert(fc.property(
      anySeed, fc.integer({ min: 0, max: 12 }), fc.nat(12), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.constantFrom(...orders),
      (seed, m, aRaw, u, order) => {
        const a = aRaw % (m + 1);
        const start = Math.floor(u * 2 ** (32 - m)) * 2 ** m;
        const x = scrambled(scramble, sobolComponent(0, start, 2 ** m, order), seed, 0);
        const y = scrambled(scramble, sobolComponent(1, start, 2 ** m, order), seed, 1);
        return pairsHitEveryCellOnce(x, y, a, m - a);
      }), { numRuns: 200 });
  });

  it('is deterministic per (seed, component) and differs across seeds and components', () => {
    const x = sobolComponent(3, 0, 64);
    expect(Array.from(scrambled(scramble, x, 99, 3))).toEqual(Array.from(scrambled(scramble, x, 99, 3)));
    const seen = new Set<string>();
    for (let seed = -10; seed < 40; seed++) seen.add(scrambled(scramble, x, seed, 3).join(','));
    for (let c = 0; c < 50; c++) seen.add(scrambled(scramble, x, 7, c).join(','));
    seen.add(scrambled(scramble, x, 2 ** 40, 3).join(','));   // the high seed word matters
    seen.add(scrambled(scramble, x, 0, 3).join(','));         // already present: same as seed 0 above
    expect(seen.size).toBe(50 + 49 + 1);                      // (seed 7, component 3) appears in both loops
  });

  it('gives uniform values: one point over 4096 seeds, and the stratified points of one seed', () => {
    const x = new Uint32Array([0x12345678]);
    let sum = 0;
    const ones = new Float64Array(32);
    for (let seed = 0; seed < 4096; seed++) {
      const v = scrambled(scramble, x, seed, 11)[0];
      sum += v / 2 ** 32;
      for (let b = 0; b < 32; b++) ones[b] += (v >>> b) & 1;
    }
    // mean of 4096 uniforms: sd = sqrt(1/12/4096) = 0.0045; each bit: sd of the count = 32
    expect(Math.abs(sum / 4096 - 0.5)).toBeLessThan(0.02);
    for (let b = 0; b < 32; b++) expect(Math.abs(ones[b] - 2048)).toBeLessThan(5 * 32);
    const pts = scrambled(scramble, sobolComponent(11, 0, 4096), 5, 11);
    const mean = pts.reduce((s, v) => s + v / 2 ** 32, 0) / 4096;
    expect(Math.abs(mean - 0.5)).toBeLessThan(1 / 4096);   // one point per interval of 1/4096
  });

  it('throws SobolnetError naming a bad seed or component', () => {
    const x = new Uint32Array(4);
    expect(() => scramble(x, 1.5, 0)).toThrow(SobolnetError);
    expect(() => scramble(x, 1.5, 0)).toThrow(/seed.*1\.5/);
    expect(() => scramble(x, 2 ** 53, 0)).toThrow(/seed.*9007199254740992/);
    expect(() => scramble(x, 1, -1)).toThrow(/component.*-1/);
    expect(() => scramble(x, 1, Number.NaN)).toThrow(/component.*NaN/);
  });
});

describe('digitalShift', () => {
  it('XORs one key into every value', () => {
    const x = sobolComponent(2, 100, 300);
    const key = digitalShiftKey(42, 2);
    expect(Array.from(scrambled(digitalShift, x, 42, 2))).toEqual(Array.from(x, (v) => (v ^ key) >>> 0));
  });
});

describe('owenScramble', () => {
  it('is nested: two values share exactly as many leading digits after scrambling as before', () => {
    fc.assert(fc.property(anySeed, fc.nat(SOBOL_COMPONENTS - 1), fc.nat(0xffffffff), fc.nat(0xffffffff), (seed, c, a, b) => {
      const s = scrambled(owenScramble, new Uint32Array([a, b]), seed, c);
      return Math.clz32(s[0] ^ s[1]) === Math.clz32(a ^ b);
    }), { numRuns: 1000 });
  });

  it('gives the same values on long arrays (tabulated top digits) as on short ones', () => {
    const x = sobolComponent(6, 3 * 2 ** 16, 2 ** 16);
    const long = scrambled(owenScramble, x, -123, 6);
    const short = x.slice();
    for (let k = 0; k < short.length; k += 1000) owenScramble(short.subarray(k, k + 1000), -123, 6);
    expect(long).toEqual(short);
    expect(topBitsArePermutation(long, 16)).toBe(true);
  });

  it('is not a digital shift: the flip of a digit depends on the digits above it', () => {
    // Values that differ only in digit 0 get different flips in some lower digit.
    const x = new Uint32Array([0x00000000, 0x80000000]);
    const s = scrambled(owenScramble, x, 1, 0);
    expect(((s[0] ^ x[0]) & 0x7fffffff) === ((s[1] ^ x[1]) & 0x7fffffff)).toBe(false);
  });
});
