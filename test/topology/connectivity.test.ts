import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { buildConnectivity } from '../../src/topology/connectivity.js';
import { expectCsrInvariants, gatherLists, referenceDuplicates, referenceGather } from './reference.js';

/** Random small path sets: widths, then P (source, target) pairs. */
const pathSets = fc.record({ I: fc.integer({ min: 1, max: 12 }), O: fc.integer({ min: 1, max: 12 }) })
  .chain(({ I, O }) => fc.record({
    I: fc.constant(I), O: fc.constant(O),
    src: fc.array(fc.integer({ min: 0, max: I - 1 }), { minLength: 0, maxLength: 80 }),
    seedT: fc.array(fc.integer({ min: 0, max: O - 1 }), { minLength: 80, maxLength: 80 }),
    policy: fc.constantFrom('merge' as const, 'keep' as const),
  }));

describe('buildConnectivity', () => {
  it('a hand-made example: gather order, transpose, merge and keep', () => {
    // paths: 0->1, 2->1, 0->1 (repeat), 1->0, 2->1 (repeat), 0->2
    const src = Int32Array.of(0, 2, 0, 1, 2, 0);
    const tgt = Int32Array.of(1, 1, 1, 0, 1, 2);
    const m = buildConnectivity(src, tgt, 3, 3, 'merge');
    expect(Array.from(m.targetOffsets)).toEqual([0, 1, 3, 4]);
    expect(Array.from(m.sources)).toEqual([1, 0, 2, 0]);
    expect(Array.from(m.sourceOffsets)).toEqual([0, 2, 3, 4]);
    expect(Array.from(m.targets)).toEqual([1, 2, 0, 1]);
    expect(Array.from(m.edgeOf)).toEqual([1, 3, 0, 2]);
    expect([m.edges, m.duplicates]).toEqual([4, 2]);
    const k = buildConnectivity(src, tgt, 3, 3, 'keep');
    expect(Array.from(k.targetOffsets)).toEqual([0, 1, 5, 6]);
    expect(Array.from(k.sources)).toEqual([1, 0, 0, 2, 2, 0]);
    expect(Array.from(k.edgeOf)).toEqual([1, 2, 5, 0, 3, 4]);
    expect([k.edges, k.duplicates]).toEqual([6, 2]);
  });

  it('property: CSR invariants hold and the index equals a brute-force gather', () => {
    fc.assert(fc.property(pathSets, ({ I, O, src, seedT, policy }) => {
      const s = Int32Array.from(src);
      const t = Int32Array.from(src, (_, i) => seedT[i]);
      const c = buildConnectivity(s, t, I, O, policy);
      expectCsrInvariants(c);
      expect(gatherLists(c)).toEqual(referenceGather(s, t, O, policy));
      const dup = referenceDuplicates(s, t);
      expect(c.duplicates).toBe(dup);
      expect(c.edges).toBe(policy === 'keep' ? s.length : s.length - dup);
    }), { numRuns: 300 });
  });

  it('rejects units out of range and mismatched lengths', () => {
    expect(() => buildConnectivity(Int32Array.of(0, 3), Int32Array.of(0, 0), 3, 1, 'merge'))
      .toThrow(/source units must lie in \[0, 2\], got 3/);
    expect(() => buildConnectivity(Int32Array.of(0), Int32Array.of(-1), 3, 1, 'merge'))
      .toThrow(/target units must lie in \[0, 0\], got -1/);
    expect(() => buildConnectivity(Int32Array.of(0), Int32Array.of(0, 0), 3, 1, 'merge')).toThrow(SobolnetError);
  });
});
