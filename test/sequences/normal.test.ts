import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { inverseNormalCdf } from '../../src/sequences/normal.js';
import { readGolden } from './helpers.js';

interface GoldenNormal {
  inverseNormalCdf: { p: number; x: number }[];
}

describe('inverseNormalCdf', () => {
  it('matches Newton on erfc (scripts/golden-sobol.py) to 1e-12, tails included', () => {
    const golden = readGolden<GoldenNormal>('golden-rng.json');
    expect(golden.inverseNormalCdf.some((g) => g.p === 1e-10)).toBe(true);
    for (const { p, x } of golden.inverseNormalCdf) {
      expect(Math.abs(inverseNormalCdf(p) - x), `p = ${p}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(x)));
    }
  });

  it('known values', () => {
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(inverseNormalCdf(0.5)).toBe(0);
    expect(inverseNormalCdf(0.8413447460685429)).toBeCloseTo(1, 13);   // Φ(1)
    expect(inverseNormalCdf(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(inverseNormalCdf(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(inverseNormalCdf(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is odd about 1/2 and increasing', () => {
    fc.assert(fc.property(fc.double({ min: 1e-300, max: 0.5, noNaN: true }), (p) => {
      // 1 - p is exact for p in [1/4, 1/2]; elsewhere compare with the exactly representable q = 1 - (1 - p)
      const q = 1 - (1 - p);
      if (q === 0) return true;   // p below 2^-54: 1 - p rounds to 1
      return Math.abs(inverseNormalCdf(q) + inverseNormalCdf(1 - q)) <= 1e-15 * Math.max(1, Math.abs(inverseNormalCdf(q)));
    }), { numRuns: 500 });
    let prev = Number.NEGATIVE_INFINITY;
    for (let i = 1; i < 10000; i++) {
      const x = inverseNormalCdf(i / 10000);
      expect(x).toBeGreaterThan(prev);
      prev = x;
    }
  });

  it('throws a SobolnetError naming p outside [0, 1]', () => {
    for (const bad of [-0.1, 1.1, Number.NaN]) {
      expect(() => inverseNormalCdf(bad)).toThrow(SobolnetError);
      expect(() => inverseNormalCdf(bad)).toThrow(String(bad));
    }
  });
});
