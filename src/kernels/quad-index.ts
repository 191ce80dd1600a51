/**
 * The quad index of a gather index: the layout the batch-1 quad kernels (assembly/quad-kernels.ts)
 * run on, found by checking the index itself, whatever generated it.
 *
 * A layer has quad structure when every target has the same fan-in K, the targets split into quads
 * 4a .. 4a+3, and for every quad and edge slot k (the k-th edge of each of the four targets, in
 * gather order) the four sources lie in one aligned group of four rows 4b .. 4b+3. Then the quad's
 * slot k is one word: (b << 8) | lanes, with source(4a+j, k) = 4b + ((lanes >> 2j) & 3).
 *
 * Why plain Sobol' paths have it (topology/window-spread.ts derives the general case): with both
 * layers' units stored bit-reversed on power-of-two widths, an aligned block of 4 consecutive paths
 * runs from one aligned group of 4 source rows to one aligned group of 4 target rows, and each of
 * the K blocks of n paths reaches every target once. So the 4 targets of a quad gather, from each
 * block, 4 sources of one group; sorted by source within a target, the K groups come in the same
 * order for all four (two blocks on the same group keep the same two slots). Random walks, Owen
 * scrambling, natural unit order, widths that are not powers of two and merged duplicates (fan-ins
 * then differ) break it; such layers run the edge-lane kernels, and `quadIndex` returns null.
 *
 * The input gradient runs on the quads' blocks (`quadBlocks`, below): runs of 1, 2 or 4 slots of a
 * quad that read one group in a fixed pattern, each summed to one vector of the group's rows.
 *
 * Shape legend: O targets, A = O / 4 quads, K fan-in, E = O·K edges, I sources, R slots per block.
 */
import type { SparseIndex } from './kernels.js';

/** A layer's quad index: words[A·K], quad-major, slot-minor. */
export interface QuadIndex {
  /** Edges per target. */
  readonly fanIn: number;
  /** (b << 8) | lanes per quad and slot. */
  readonly words: Uint32Array;
}

/** Largest source group a word can name (b < 2^24). */
const MAX_GROUPS = 1 << 24;

/** lane(j) of a word's lanes byte, j = 0..3. */
const laneOf = (lanes: number, j: number): number => (lanes >> (2 * j)) & 3;

/** The quad index of `index`, or null when it lacks the structure. */
export function quadIndex(index: SparseIndex): QuadIndex | null {
  const { inputs: I, outputs: O, targetOffsets, sources } = index;
  if (O % 4 !== 0 || I % 4 !== 0 || I / 4 > MAX_GROUPS || O === 0) return null;
  const K = targetOffsets[1] - targetOffsets[0];
  if (K === 0) return null;
  for (let t = 0; t <= O; t++) if (targetOffsets[t] !== t * K) return null;
  const words = new Uint32Array((O / 4) * K);
  for (let a = 0; a < O / 4; a++) {
    const e = 4 * a * K;
    for (let k = 0; k < K; k++) {
      const b = sources[e + k] >> 2;
      let lanes = 0;
      for (let j = 0; j < 4; j++) {
        const s = sources[e + j * K + k];
        if (s >> 2 !== b) return null;
        lanes |= (s & 3) << (2 * j);
      }
      words[a * K + k] = ((b << 8) | lanes) >>> 0;
    }
  }
  return { fanIn: K, words };
}

/** source(4a+j, k) of a quad index: what the kernels read, for tests and readers. */
export function quadSource(quads: QuadIndex, a: number, j: number, k: number): number {
  const word = quads.words[a * quads.fanIn + k];
  return 4 * (word >>> 8) + laneOf(word & 255, j);
}

/**
 * The forward's and weight gradient's view of a quad index (assembly/quad-kernels.ts `quadCopies`):
 * the distinct lanes bytes of its slots, `patterns`, and per slot the byte offset of x's group b
 * already picked through its slot's pattern d, in a buffer of D copies of every group:
 * words[a·K + k] = 16·(b·D + d). Plain and shifted Sobol' layers use 4 patterns (lane(j) = j XOR p).
 */
export interface QuadCopies {
  /** The lanes byte of each pattern d, D of them. */
  readonly patterns: Uint8Array;
  /** Byte offsets into the copies, quad-major, slot-minor: [A·K]. */
  readonly words: Uint32Array;
}

/**
 * How much of x a layer's copies may take: D·I floats up to this (256 KiB), or D <= 4 at any width.
 * Wide layers with more than 4 patterns run the edge lanes (none of the Sobol' layers tested: narrow
 * ones whose targets share sources have up to 10, on few inputs).
 */
export const MAX_QUAD_COPY_FLOATS = 1 << 16;

/** The copies view of `quads` over I inputs, or null where its patterns would take more than MAX_QUAD_COPY_FLOATS. */
export function quadCopies(quads: QuadIndex, inputs: number): QuadCopies | null {
  const code = new Map<number, number>();
  for (const word of quads.words) if (!code.has(word & 255)) code.set(word & 255, code.size);
  if (code.size > 4 && code.size * inputs > MAX_QUAD_COPY_FLOATS) return null;
  const D = code.size;
  const words = quads.words.map((word) => 16 * ((word >>> 8) * D + code.get(word & 255)!));
  return { patterns: Uint8Array.from(code.keys()), words };
}

/**
 * The 256 swizzle masks of the quad kernels, 16 bytes each: entry `lanes` moves float lane
 * ((lanes >> 2j) & 3) of a vector into lane j (bytes 4j .. 4j+3).
 */
export function quadSwizzleMasks(): Uint8Array {
  return swizzleMasks(Uint8Array.from({ length: 256 }, (_, lanes) => lanes));
}

/** The swizzle mask of each lanes byte of `patterns`, 16 bytes each, in their order (quadSwizzleMasks' entries). */
export function swizzleMasks(patterns: Uint8Array): Uint8Array {
  const masks = new Uint8Array(16 * patterns.length);
  patterns.forEach((lanes, d) => {
    for (let j = 0; j < 4; j++) {
      const from = laneOf(lanes, j);
      for (let byte = 0; byte < 4; byte++) masks[16 * d + 4 * j + byte] = 4 * from + byte;
    }
  });
  return masks;
}

/**
 * The input gradient's blocks of a quad index (assembly/quad-kernels.ts, sparseBackwardInputQuads):
 * every quad's slots cut into runs of R = `depth` slots (1, 2 or 4) that read one group b of x, and
 * whose 4·R edges reach the group's four rows as a fixed pattern of sums:
 * - R = 1: the slot's four products W[4a+j][k]·dy[4a+j] go to four distinct rows (a permutation);
 * - R = 2: targets 4a, 4a+1 read one row in each slot of the run, and 4a+2, 4a+3 one row, the four
 *   rows distinct: lane 2c+s of the block's vector sums class c's two products in slot k+s;
 * - R = 4: all four targets read one row per slot, the four rows distinct: lane s sums slot k+s.
 * A block is one word, (b << 8) | inverse, `inverse` the lanes byte whose swizzle mask (the forward's
 * table) moves the block's vector into row order. Null where a run breaks this (other pairings of
 * targets, runs across groups, a fan-in that is not a multiple of 4), and the edge lanes run.
 */
export interface QuadBlocks {
  /** Slots per block, R (1, 2 or 4). */
  readonly run: number;
  /** (b << 8) | inverse per quad and block: words[A·K/R], quad-major. */
  readonly words: Uint32Array;
}

/** The most lanes j of a lanes byte with the same lane(j): the run R a layer's blocks need. */
function laneShare(lanes: number): number {
  const count = [0, 0, 0, 0];
  for (let j = 0; j < 4; j++) count[laneOf(lanes, j)]++;
  return Math.max(...count);
}

/** Lane l of a block's vector (R slots) to its row in the group, or null where the pattern does not hold. */
function blockRows(quads: QuadIndex, a: number, k: number, R: number): number[] | null {
  const { words, fanIn: K } = quads;
  const rows: number[] = [];
  for (let l = 0; l < 4; l++) {
    const s = R === 1 ? 0 : R === 2 ? l & 1 : l; // slot of lane l within the run
    const from = R === 1 ? [l] : R === 2 ? [2 * (l >> 1), 2 * (l >> 1) + 1] : [0, 1, 2, 3]; // targets summed in lane l
    const word = words[a * K + k + s];
    if (word >>> 8 !== words[a * K + k] >>> 8) return null;
    const row = laneOf(word & 255, from[0]);
    if (from.some((j) => laneOf(word & 255, j) !== row) || rows.includes(row)) return null;
    rows.push(row);
  }
  return rows;
}

/** The blocks of `quads`, or null when its runs do not have one of the three patterns. */
export function quadBlocks(quads: QuadIndex): QuadBlocks | null {
  const K = quads.fanIn;
  const R = quads.words.reduce((r, word) => Math.max(r, laneShare(word & 255)), 1);
  if (R === 3 || K % 4 !== 0) return null;
  const A = quads.words.length / K;
  const words = new Uint32Array((A * K) / R);
  for (let a = 0; a < A; a++) {
    for (let k = 0; k < K; k += R) {
      const rows = blockRows(quads, a, k, R);
      if (rows === null) return null;
      let inverse = 0;
      rows.forEach((row, l) => (inverse |= l << (2 * row)));
      words[(a * K + k) / R] = ((quads.words[a * K + k] & ~255) | inverse) >>> 0;
    }
  }
  return { run: R, words };
}
