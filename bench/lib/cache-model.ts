/**
 * A cache simulator for rooflines: per-core private levels (L1, L2) and one shared last level
 * (L3), each set-associative with least-recently-used replacement on 64-byte lines. Feed it the
 * byte ranges a kernel touches, in the kernel's order; it counts the lines that come into a core
 * from L3 (an L2 miss that hits L3) and from DRAM (an L3 miss), and the dirty lines written back
 * to DRAM.
 *
 * The model, stated so a reader can judge what the counts mean:
 * - A lookup goes L1, then L2, then L3. A miss at a level fills the line there and in every level
 *   above it (a DRAM line lands in L3, L2 and L1). A hit updates only the level it hit (an L1 hit
 *   does not refresh L2's or L3's order, as in hardware). Nothing is invalidated on eviction.
 * - Writes allocate (a store that misses reads the line first, as an ordinary store does) and
 *   mark the line dirty in L1. An evicted dirty line is written to the next level that holds it
 *   (marking it dirty there), else to DRAM: a write-back.
 * - No prefetching. A prefetcher moves lines earlier, not fewer (and useless prefetches add
 *   lines), so demand misses are what the memory system moves at least, given these caches.
 * - Set index: L1 (64 sets × 64 bytes = 4 KiB) is indexed by address bits inside a page, so by the
 *   virtual address, as in hardware. L2 and L3 are physically indexed: with `pageBytes` > 0 each
 *   page of the address space gets a fixed pseudo-random frame (a bijective hash of the page
 *   number), so arrays whose virtual addresses differ by a power of two do not all collide in the
 *   same sets; with `pageBytes` = 0 every level indexes by the virtual address.
 *
 * Shapes: addresses are byte addresses below 2^32 (wasm memory); one line is 64 bytes.
 */

export const LINE_BYTES = 64;

/** One cache level: its capacity in bytes and its associativity (ways per set). */
export interface CacheLevelSpec {
  readonly bytes: number;
  readonly ways: number;
}

/** A hierarchy: `cores` cores, each with its own L1 and L2, sharing one L3. */
export interface CacheHierarchySpec {
  readonly cores: number;
  readonly l1: CacheLevelSpec;
  readonly l2: CacheLevelSpec;
  readonly l3: CacheLevelSpec;
  /** Page size of the physical indexing of L2 and L3 (0: index by virtual address). */
  readonly pageBytes: number;
}

/** What a run of accesses moved, in lines. */
export interface CacheCounts {
  /** Line accesses (an access of n bytes touches every line it overlaps once). */
  readonly accesses: number;
  readonly l1Misses: number;
  /** Lines brought into a core from L3 (L2 misses that hit L3). */
  readonly fromL3: number;
  /** Lines brought in from DRAM (L3 misses). */
  readonly fromDram: number;
  /** Dirty lines written back to DRAM. */
  readonly dramWritebacks: number;
}

/** A bijective mix of a 32-bit page number (xorshift-multiply: every step is invertible). */
function pageColour(page: number): number {
  let h = page >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One set-associative LRU level. Tags are line numbers (address >>> 6); stamps order the ways of a
 * set by last use. Shapes: tags, stamps, dirty [sets·ways], set-major.
 */
export class CacheLevel {
  readonly sets: number;
  readonly ways: number;
  /** sets - 1: the sets are a power of two. */
  readonly setMask: number;
  private readonly tags: Int32Array;
  private readonly stamps: Float64Array;
  private readonly dirty: Uint8Array;
  private clock = 0;
  /** The line the last `fill` evicted (-1: none) and whether it was dirty. */
  victim = -1;
  victimDirty = false;

  constructor(spec: CacheLevelSpec) {
    const lines = spec.bytes / LINE_BYTES;
    if (!Number.isInteger(lines) || !Number.isInteger(spec.ways) || spec.ways < 1 || lines % spec.ways !== 0) {
      throw new Error(`a cache of ${spec.bytes} bytes cannot have ${spec.ways} ways of 64-byte lines`);
    }
    this.sets = lines / spec.ways;
    if ((this.sets & (this.sets - 1)) !== 0) throw new Error(`a cache needs a power-of-two number of sets, got ${this.sets}`);
    this.setMask = this.sets - 1;
    this.ways = spec.ways;
    this.tags = new Int32Array(lines).fill(-1);
    this.stamps = new Float64Array(lines);
    this.dirty = new Uint8Array(lines);
  }

  /** The slot (set·ways + way) holding `line` in set `set`, or -1. A hit becomes the set's most recent. */
  lookup(line: number, set: number): number {
    const base = set * this.ways;
    const end = base + this.ways;
    for (let i = base; i < end; i++) {
      if (this.tags[i] === line) {
        this.stamps[i] = ++this.clock;
        return i;
      }
    }
    return -1;
  }

  /** Whether `line` is held, without changing the order. */
  holds(line: number, set: number): boolean {
    const base = set * this.ways;
    for (let i = base; i < base + this.ways; i++) if (this.tags[i] === line) return true;
    return false;
  }

  /** Marks `line` dirty if held (no change of order); whether it was held. */
  markDirty(line: number, set: number): boolean {
    const base = set * this.ways;
    for (let i = base; i < base + this.ways; i++) {
      if (this.tags[i] === line) {
        this.dirty[i] = 1;
        return true;
      }
    }
    return false;
  }

  /** Sets the dirty bit of a slot that `lookup` or `fill` returned. */
  setDirty(slot: number): void {
    this.dirty[slot] = 1;
  }

  /**
   * Puts `line` (not held) into set `set` as its most recent, evicting the least recent way (an
   * empty way first). `victim` / `victimDirty` tell what left. Returns the slot.
   */
  fill(line: number, set: number): number {
    const base = set * this.ways;
    let slot = base;
    for (let i = base; i < base + this.ways; i++) {
      if (this.tags[i] === -1) {
        slot = i;
        break;
      }
      if (this.stamps[i] < this.stamps[slot]) slot = i;
    }
    this.victim = this.tags[slot];
    this.victimDirty = this.victim !== -1 && this.dirty[slot] === 1;
    this.tags[slot] = line;
    this.dirty[slot] = 0;
    this.stamps[slot] = ++this.clock;
    return slot;
  }
}

/** Private L1 and L2 per core, a shared L3, and counters of what moved (see the file comment). */
export class CacheHierarchy {
  readonly spec: CacheHierarchySpec;
  private readonly l1: CacheLevel[];
  private readonly l2: CacheLevel[];
  private readonly l3: CacheLevel;
  private readonly linesPerPage: number;
  private accesses = 0;
  private l1Misses = 0;
  private fromL3 = 0;
  private fromDram = 0;
  private dramWritebacks = 0;

  constructor(spec: CacheHierarchySpec) {
    if (!Number.isInteger(spec.cores) || spec.cores < 1) throw new Error(`cores must be a positive integer, got ${spec.cores}`);
    if (spec.pageBytes !== 0 && (spec.pageBytes % LINE_BYTES !== 0 || spec.pageBytes < LINE_BYTES)) {
      throw new Error(`pageBytes must be 0 or a multiple of ${LINE_BYTES}, got ${spec.pageBytes}`);
    }
    this.spec = spec;
    this.l1 = Array.from({ length: spec.cores }, () => new CacheLevel(spec.l1));
    this.l2 = Array.from({ length: spec.cores }, () => new CacheLevel(spec.l2));
    this.l3 = new CacheLevel(spec.l3);
    this.linesPerPage = spec.pageBytes / LINE_BYTES;
  }

  /** The set of `line` in a physically indexed level of `sets` sets. */
  private physicalSet(line: number, sets: number): number {
    if (this.linesPerPage === 0) return line & (sets - 1);
    const within = line % this.linesPerPage;
    const colour = pageColour((line - within) / this.linesPerPage);
    return ((colour * this.linesPerPage) + within) & (sets - 1);
  }

  /** Core `core` reads (write = false) or writes `bytes` bytes at byte address `address`. */
  access(core: number, address: number, bytes: number, write: boolean): void {
    const last = (address + bytes - 1) >>> 6;
    for (let line = address >>> 6; line <= last; line++) this.accessLine(core, line, write);
  }

  /** One line: L1, then L2, then L3, then DRAM; fills on the way back (see the file comment). */
  accessLine(core: number, line: number, write: boolean): void {
    this.accesses++;
    const l1 = this.l1[core];
    const s1 = line & l1.setMask;
    const hit = l1.lookup(line, s1);
    if (hit >= 0) {
      if (write) l1.setDirty(hit);
      return;
    }
    this.l1Misses++;
    const l2 = this.l2[core];
    const s2 = this.physicalSet(line, l2.sets);
    if (l2.lookup(line, s2) < 0) {
      const s3 = this.physicalSet(line, this.l3.sets);
      if (this.l3.lookup(line, s3) >= 0) {
        this.fromL3++;
      } else {
        this.fromDram++;
        this.l3.fill(line, s3);
        if (this.l3.victimDirty) this.dramWritebacks++;
      }
      l2.fill(line, s2);
      if (l2.victimDirty) this.writeBelowL2(l2.victim);
    }
    const slot = l1.fill(line, s1);
    if (l1.victimDirty) {
      const v = l1.victim;
      if (!l2.markDirty(v, this.physicalSet(v, l2.sets))) this.writeBelowL2(v);
    }
    if (write) l1.setDirty(slot);
  }

  /** A dirty line leaving a core's L2: into L3 if it holds the line, else back to DRAM. */
  private writeBelowL2(line: number): void {
    if (!this.l3.markDirty(line, this.physicalSet(line, this.l3.sets))) this.dramWritebacks++;
  }

  /** The counts since the last `resetCounts`. */
  counts(): CacheCounts {
    return {
      accesses: this.accesses, l1Misses: this.l1Misses, fromL3: this.fromL3, fromDram: this.fromDram,
      dramWritebacks: this.dramWritebacks,
    };
  }

  /** Zeroes the counters; the caches keep their contents. */
  resetCounts(): void {
    this.accesses = 0;
    this.l1Misses = 0;
    this.fromL3 = 0;
    this.fromDram = 0;
    this.dramWritebacks = 0;
  }
}

/**
 * The counts of `run` in steady state, as a bench that calls it over and over sees it: `run` once
 * to warm the caches (its counts dropped), then once counted.
 */
export function steadyStateCounts(h: CacheHierarchy, run: () => void): CacheCounts {
  run();
  h.resetCounts();
  run();
  return h.counts();
}
