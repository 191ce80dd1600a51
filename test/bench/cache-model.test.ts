// The roofline's cache simulator (bench/lib/cache-model.ts) on patterns whose counts follow by hand.
import { describe, expect, it } from 'vitest';
import { CacheHierarchy, CacheLevel, steadyStateCounts, type CacheHierarchySpec } from '../../bench/lib/cache-model.js';

const KiB = 1024;
/** Small caches so the patterns stay small: L1 4 KiB 2-way (32 sets), L2 16 KiB 4-way, L3 64 KiB 8-way. */
const SMALL: CacheHierarchySpec = {
  cores: 1, l1: { bytes: 4 * KiB, ways: 2 }, l2: { bytes: 16 * KiB, ways: 4 }, l3: { bytes: 64 * KiB, ways: 8 }, pageBytes: 0,
};

/** Reads (or writes) bytes [at, at + bytes) line by line, in order. */
function sweep(h: CacheHierarchy, at: number, bytes: number, write = false, core = 0): void {
  for (let a = at; a < at + bytes; a += 64) h.access(core, a, 64, write);
}

describe('CacheLevel', () => {
  it('has sets × ways lines and evicts the least recently used way', () => {
    const c = new CacheLevel({ bytes: 4 * 64, ways: 2 });   // 2 sets of 2 ways
    expect(c.sets).toBe(2);
    c.fill(0, 0);
    c.fill(2, 0);
    expect(c.lookup(0, 0)).toBeGreaterThanOrEqual(0);       // 0 is now more recent than 2
    c.fill(4, 0);
    expect(c.victim).toBe(2);
    expect(c.holds(0, 0) && c.holds(4, 0) && !c.holds(2, 0)).toBe(true);
  });

  it('rejects shapes it cannot index', () => {
    expect(() => new CacheLevel({ bytes: 100, ways: 1 })).toThrow();
    expect(() => new CacheLevel({ bytes: 3 * 64, ways: 1 })).toThrow(/power-of-two/);
  });
});

describe('CacheHierarchy', () => {
  it('counts an access of n bytes once per line it overlaps', () => {
    const h = new CacheHierarchy(SMALL);
    h.access(0, 60, 8, false);     // bytes 60..67: lines 0 and 1
    h.access(0, 128, 64, false);   // line 2 exactly
    expect(h.counts()).toMatchObject({ accesses: 3, l1Misses: 3, fromL3: 0, fromDram: 3 });
  });

  it('a stream larger than every level comes from DRAM on every pass', () => {
    const h = new CacheHierarchy(SMALL);
    const bytes = 256 * KiB;                       // 4096 lines, 4 × L3
    const c = steadyStateCounts(h, () => sweep(h, 0, bytes));
    expect(c).toMatchObject({ accesses: 4096, l1Misses: 4096, fromL3: 0, fromDram: 4096, dramWritebacks: 0 });
  });

  it('reuse within a level\'s capacity hits that level', () => {
    const cases: Array<[number, { l1Misses: number; fromL3: number; fromDram: number }]> = [
      [2 * KiB, { l1Misses: 0, fromL3: 0, fromDram: 0 }],          // fits L1
      [8 * KiB, { l1Misses: 128, fromL3: 0, fromDram: 0 }],        // fits L2, not L1
      [32 * KiB, { l1Misses: 512, fromL3: 512, fromDram: 0 }],     // fits L3, not L2
    ];
    for (const [bytes, want] of cases) {
      const h = new CacheHierarchy(SMALL);
      expect(steadyStateCounts(h, () => sweep(h, 0, bytes))).toMatchObject({ accesses: bytes / 64, ...want });
    }
  });

  it('lines of one set beyond the associativity thrash under LRU; within it they stay', () => {
    // L1: 32 sets of 2 ways, so lines 32 apart (2 KiB) share a set.
    const within = new CacheHierarchy(SMALL);
    const two = (): void => { for (const a of [0, 2048]) within.access(0, a, 4, false); };
    expect(steadyStateCounts(within, two).l1Misses).toBe(0);
    const beyond = new CacheHierarchy(SMALL);
    const three = (): void => { for (const a of [0, 2048, 4096]) beyond.access(0, a, 4, false); };
    const c = steadyStateCounts(beyond, three);
    expect(c.l1Misses).toBe(3);                     // every access misses L1 ...
    expect(c.fromL3 + c.fromDram).toBe(0);          // ... and hits L2, where the 3 lines fit
  });

  it('physical indexing spreads a power-of-two stride over L3 sets; L1 stays virtually indexed', () => {
    // L3 of 1 MiB, 16 ways: 1024 sets, 16 page colours. 64 lines 1 MiB apart share one set of
    // every level by virtual address; with 4 KiB pages they spread over the 16 colours of L3.
    const spec: CacheHierarchySpec = { ...SMALL, l2: { bytes: 64 * KiB, ways: 4 }, l3: { bytes: 1024 * KiB, ways: 16 } };
    const stride = (h: CacheHierarchy) => (): void => { for (let i = 0; i < 64; i++) h.access(0, i * 1024 * KiB, 4, false); };
    const virtual = new CacheHierarchy(spec);
    expect(steadyStateCounts(virtual, stride(virtual))).toMatchObject({ l1Misses: 64, fromL3: 0, fromDram: 64 });
    const paged = new CacheHierarchy({ ...spec, pageBytes: 4096 });
    // L1 and L2 still thrash (1 set; 4 colours of 16 lines for 4 ways), L3 holds them all.
    expect(steadyStateCounts(paged, stride(paged))).toMatchObject({ l1Misses: 64, fromL3: 64, fromDram: 0 });
  });

  it('a written stream larger than every level writes every line back once per pass', () => {
    const h = new CacheHierarchy(SMALL);
    const c = steadyStateCounts(h, () => sweep(h, 0, 256 * KiB, true));
    expect(c).toMatchObject({ fromDram: 4096, dramWritebacks: 4096 });
  });

  it('written lines that stay cached are not written back', () => {
    const h = new CacheHierarchy(SMALL);
    expect(steadyStateCounts(h, () => sweep(h, 0, 32 * KiB, true))).toMatchObject({ fromDram: 0, dramWritebacks: 0 });
  });

  it('cores have private L1 and L2 and share L3', () => {
    const h = new CacheHierarchy({ ...SMALL, cores: 2 });
    sweep(h, 0, 8 * KiB, false, 0);                 // core 0 brings 128 lines from DRAM
    h.resetCounts();
    sweep(h, 0, 8 * KiB, false, 1);                 // core 1 finds them in L3
    expect(h.counts()).toMatchObject({ l1Misses: 128, fromL3: 128, fromDram: 0 });
    h.resetCounts();
    sweep(h, 0, 8 * KiB, false, 0);                 // still in core 0's L2
    expect(h.counts()).toMatchObject({ l1Misses: 128, fromL3: 0, fromDram: 0 });
  });
});
