import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { Rng } from '../../src/sequences/rng.js';
import { readGolden } from './helpers.js';

interface GoldenRng {
  rng: { seed: number; nextU32: number[]; nextFloat: number[] }[];
}

describe('Rng', () => {
  it('matches the independent xoshiro128** implementation in scripts/golden-sobol.py', () => {
    const golden = readGolden<GoldenRng>('golden-rng.json');
    expect(golden.rng.find((g) => g.seed === 1)?.nextU32.length).toBeGreaterThan(0);
    for (const g of golden.rng) {
      const r = new Rng(g.seed);
      expect(g.nextU32.map(() => r.nextU32()), `seed ${g.seed}`).toEqual(g.nextU32);
      const f = new Rng(g.seed);
      expect(g.nextFloat.map(() => f.nextFloat()), `seed ${g.seed}`).toEqual(g.nextFloat);
    }
  });

  it('same seed, same stream; different seeds, different streams', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    for (let i = 0; i < 1000; i++) expect(a.nextU32()).toBe(b.nextU32());
    const firsts = new Set<string>();
    const seeds = [-(2 ** 53 - 1), -1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1];
    for (let s = 0; s < 2000; s++) seeds.push(s);
    for (const s of seeds) {
      const r = new Rng(s);
      firsts.add(`${r.nextU32()} ${r.nextU32()}`);
    }
    expect(firsts.size).toBe(seeds.length);
  });

  it('nextU32 is a 32-bit unsigned integer with balanced bits', () => {
    const r = new Rng(5);
    const ones = new Float64Array(32);
    let ok = true;
    for (let i = 0; i < 20000; i++) {
      const x = r.nextU32();
      ok &&= Number.isInteger(x) && x >= 0 && x < 2 ** 32;
      for (let b = 0; b < 32; b++) ones[b] += (x >>> b) & 1;
    }
    expect(ok).toBe(true);
    for (let b = 0; b < 32; b++) expect(Math.abs(ones[b] - 10000)).toBeLessThan(5 * Math.sqrt(5000));
  });

  it('nextFloat lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Rng(7);
    let s = 0;
    let s2 = 0;
    const n = 100000;
    let ok = true;
    for (let i = 0; i < n; i++) {
      const x = r.nextFloat();
      ok &&= x >= 0 && x < 1;
      s += x;
      s2 += x * x;
    }
    expect(ok).toBe(true);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
  });

  it('nextInt stays in [0, n) and hits every value evenly', () => {
    const r = new Rng(11);
    expect(r.nextInt(1)).toBe(0);
    const counts = new Float64Array(10);
    const n = 100000;
    let ok = true;
    for (let i = 0; i < n; i++) {
      const k = r.nextInt(10);
      ok &&= Number.isInteger(k) && k >= 0 && k < 10;
      counts[k]++;
    }
    expect(ok).toBe(true);
    // chi-square with 9 degrees of freedom: P(chi2 > 33.7) = 1e-4
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(33.7);
    for (const bound of [2 ** 31 + 1, 2 ** 32, 2 ** 32 + 3, 2 ** 53]) {
      let max = 0;
      for (let i = 0; i < 2000; i++) {
        const k = r.nextInt(bound);
        ok &&= Number.isInteger(k) && k >= 0 && k < bound;
        max = Math.max(max, k);
      }
      expect(ok, `bound ${bound}`).toBe(true);
      expect(max).toBeGreaterThan(bound * 0.99);
    }
  });

  it('nextInt rejects bad bounds with a SobolnetError naming them', () => {
    const r = new Rng(1);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 53 + 2, Number.POSITIVE_INFINITY]) {
      expect(() => r.nextInt(bad)).toThrow(SobolnetError);
      expect(() => r.nextInt(bad)).toThrow(String(bad));
    }
  });

  it('nextNormal has mean 0, variance 1 and normal tails over 1e5 draws', () => {
    const r = new Rng(2024);
    const n = 100000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.nextNormal();
      s += x;
      s2 += x * x;
      if (Math.abs(x) > 1.959963984540054) beyond2++;
    }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(beyond2 / n - 0.05)).toBeLessThan(5 * Math.sqrt(0.05 * 0.95 / n));
  });

  it('shuffle is a permutation, seeded, and moves every element around', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const b = new Int32Array(a);
    new Rng(3).shuffle(a);
    new Rng(3).shuffle(b);
    expect(a).toEqual(Array.from(b));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    // position of element 0 after shuffling [0, 1, 2, 3] is uniform
    const where = new Float64Array(4);
    const r = new Rng(4);
    for (let t = 0; t < 40000; t++) {
      const c = [0, 1, 2, 3];
      r.shuffle(c);
      where[c.indexOf(0)]++;
    }
    for (const w of where) expect(Math.abs(w - 10000)).toBeLessThan(5 * Math.sqrt(40000 * 0.25 * 0.75));
    new Rng(1).shuffle([]);   // empty and single arrays are fine
    new Rng(1).shuffle([1]);
  });

  it('rejects seeds that are not safe integers, naming them', () => {
    for (const bad of [1.5, Number.NaN, 2 ** 53, -(2 ** 53)]) {
      expect(() => new Rng(bad)).toThrow(SobolnetError);
      expect(() => new Rng(bad)).toThrow(String(bad));
    }
  });
});
