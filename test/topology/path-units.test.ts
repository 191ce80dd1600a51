import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { sobolComponent } from '../../src/sequences/sobol.js';
import { pathUnitLayers, pathUnits, unitsFromFixedPoint } from '../../src/topology/path-units.js';
import { resolveTopologySpec } from '../../src/topology/resolve-spec.js';

describe('unitsFromFixedPoint', () => {
  it('equals floor(n * v / 2^32) computed with BigInt, for every width regime', () => {
    fc.assert(fc.property(
      fc.oneof(fc.integer({ min: 1, max: 2 ** 24 }), fc.constantFrom(1, 2, 1024, 2 ** 21 + 1, 2 ** 24, 2 ** 24 - 1, 12_345_679)),
      fc.array(fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 31, 2 ** 32 - 2)),
        { minLength: 1, maxLength: 64 }),
      (n, vs) => {
        const units = unitsFromFixedPoint(Uint32Array.from(vs), n);
        const want = vs.map((v) => Number((BigInt(n) * BigInt(v)) >> 32n));
        expect(Array.from(units)).toEqual(want);
      }), { numRuns: 300 });
  });

  it('hits the rounding trap of a plain float64 product exactly', () => {
    // n * v = 14920360 * 2^32 - 1 with n above 2^21: the float64 product rounds up to 14920360 * 2^32.
    const n = 16777213;
    const v = 3819612843;
    expect(Math.floor((n * v) / 2 ** 32)).toBe(14920360);
    const exact = Number((BigInt(n) * BigInt(v)) >> 32n);
    expect(exact).toBe(14920359);
    expect(unitsFromFixedPoint(Uint32Array.of(v), n)[0]).toBe(14920359);
  });
});

describe('pathUnits', () => {
  it('maps plain Sobol\' component values to floor(n x) and agrees with pathUnitLayers', () => {
    const spec = resolveTopologySpec({ widths: [784, 1024, 10], source: { kind: 'sobol' }, paths: { total: 5000 }, components: [0, 3, 7] });
    const layers = [...pathUnitLayers(spec)];
    expect(layers).toHaveLength(3);
    for (let l = 0; l < 3; l++) {
      const v = sobolComponent(spec.components[l], 0, 5000);
      const want = Array.from(v, (x) => Math.floor(spec.widths[l] * x / 2 ** 32));
      expect(Array.from(layers[l])).toEqual(want);
      expect(Array.from(pathUnits(spec, l))).toEqual(want);
    }
  });

  it('layer 0 of the van der Corput component visits units in bit-reversed order', () => {
    const spec = resolveTopologySpec({ widths: [8, 8], source: { kind: 'sobol' }, paths: { total: 8 } });
    expect(Array.from(pathUnits(spec, 0))).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
  });

  it('random walks: one stream, reproducible per seed, pathUnits replays earlier layers', () => {
    const spec = resolveTopologySpec({ widths: [10, 20, 30], source: { kind: 'random-walk', seed: 42 }, paths: { total: 1000 } });
    const a = [...pathUnitLayers(spec)];
    const b = [...pathUnitLayers(spec)];
    expect(a).toEqual(b);
    expect(pathUnits(spec, 2)).toEqual(a[2]);
    for (let l = 0; l < 3; l++) {
      expect(Math.max(...a[l])).toBe(spec.widths[l] - 1);
      expect(Math.min(...a[l])).toBe(0);
    }
    const other = [...pathUnitLayers({ ...spec, source: { kind: 'random-walk', seed: 43 } })];
    expect(other[1]).not.toEqual(a[1]);
  });

  it('rejects random-mask and a bad layer', () => {
    const spec = resolveTopologySpec({ widths: [4, 4], source: { kind: 'random-mask', seed: 1 }, paths: { fanIn: 1 } });
    expect(() => pathUnits(spec, 0)).toThrow(SobolnetError);
    const plain = resolveTopologySpec({ widths: [4, 4], source: { kind: 'sobol' }, paths: { fanIn: 1 } });
    expect(() => pathUnits(plain, 2)).toThrow(/layer must be an integer in \[0, 1\], got 2/);
  });
});
