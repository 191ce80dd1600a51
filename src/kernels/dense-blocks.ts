/**
 * The dense blocks of a gather index: the layout the block kernels (assembly/block-kernels.ts) run
 * on, found by checking the index itself, whatever generated it.
 *
 * A layer is block-dense when its targets and sources split into G blocks such that every target of
 * block g gathers exactly the K sources of block g, in the same order, and every source of block g
 * feeds exactly the M targets of block g, in the same order in the transpose: the layer's matrix is,
 * up to a permutation of each side, block-diagonal with G dense M×K blocks. Then a block is a small
 * dense product: its K rows of x are read once into a tile that stays in L1, and each of its M·K
 * weights meets the whole tile, several targets per load (where the gather reads K rows of x for
 * every target, from wherever they lie).
 *
 * Why Sobol' paths have it (test/kernels/block-kernels.test.ts checks it on generated layers):
 * between two layers of the same power-of-two width n, with P = K·n paths and K a power of two,
 * store every unit at the index r of the first path that visits it (a relabelling). Path k·n + r
 * then joins row r + A_l k to row r + A_{l+1} k (sums over GF(2), k and r read as bit vectors):
 * the top digits of a Sobol' component are linear in the path's digits, and upper triangular in its
 * low ones (topology/window-spread.ts). So target t gathers from t + C k, k = 0 .. K-1, where
 * C = A_l + A_{l+1}: the set t + S, S = {C k} a linear subspace. Targets t and t' gather the same
 * sources exactly when t + t' lies in S: the cosets of S are the blocks, with M = K = |S| where C
 * has full rank. The same holds in any storage order (a relabelling moves whole blocks), under a
 * digital shift (it adds a constant) and under Owen scrambling on such layers (it renames the units:
 * test/topology/window-spread.test.ts), and between power-of-two widths that differ (M != K then).
 * Random walks, widths or fan-ins that are not powers of two, and merged duplicates break it; such
 * layers run the gather kernels, and `denseBlocks` returns null.
 *
 * So a Sobol' path layer between such widths is, up to a permutation of each side, n/K dense K×K
 * blocks: it is the next layer pair, whose subspace differs, that mixes the blocks.
 *
 * Shape legend: O targets, I sources, G blocks, M targets and K sources per block (O = G·M,
 * I = G·K), E = O·K edges.
 */
import type { SparseIndex } from './kernels.js';

/** A layer's dense blocks: targets[G·M] and sources[G·K], block-major, each in gather order. */
export interface DenseBlocks {
  /** Blocks G. */
  readonly count: number;
  /** Targets per block, M. */
  readonly targetsPerBlock: number;
  /** Sources per block, K: every target's fan-in. */
  readonly fanIn: number;
  /** Block g's targets, ascending: the order every one of its sources lists them in the transpose. */
  readonly targets: Int32Array;
  /** Block g's sources in gather order: every one of its targets gathers them in this order. */
  readonly sources: Int32Array;
}

/** The block of each target of `blocks`: [O]. */
export function blockOfTargets(blocks: DenseBlocks): Int32Array {
  const M = blocks.targetsPerBlock;
  const out = new Int32Array(blocks.count * M);
  blocks.targets.forEach((t, i) => (out[t] = Math.floor(i / M)));
  return out;
}

/** The dense blocks of `index`, or null when it is not block-dense (see above). */
export function denseBlocks(index: SparseIndex): DenseBlocks | null {
  const { inputs: I, outputs: O, targetOffsets, sources, sourceOffsets, targets } = index;
  if (O === 0 || I === 0) return null;
  const K = targetOffsets[1] - targetOffsets[0];
  if (K === 0 || I % K !== 0) return null;
  for (let t = 0; t <= O; t++) if (targetOffsets[t] !== t * K) return null;
  const G = I / K;
  if (O % G !== 0) return null;
  const M = O / G;
  const blockOf = new Int32Array(I).fill(-1); // of each source
  const blockSources = new Int32Array(I);
  const blockTargets = new Int32Array(O);
  const filled = new Int32Array(G);
  let blocks = 0;
  for (let t = 0; t < O; t++) {
    const e = t * K;
    let g = blockOf[sources[e]];
    if (g < 0) {
      g = blocks++;
      if (g >= G) return null;
      for (let k = 0; k < K; k++) {
        const s = sources[e + k];
        if (blockOf[s] >= 0) return null;
        blockOf[s] = g;
        blockSources[g * K + k] = s;
      }
    } else {
      for (let k = 0; k < K; k++) if (sources[e + k] !== blockSources[g * K + k]) return null;
    }
    if (filled[g] === M) return null;
    blockTargets[g * M + filled[g]++] = t;
  }
  if (blocks !== G) return null;
  // every source lists its block's targets, in the block's (ascending) order, in the transpose
  for (let s = 0; s < I; s++) {
    const g = blockOf[s];
    const j0 = sourceOffsets[s];
    if (sourceOffsets[s + 1] - j0 !== M) return null;
    for (let i = 0; i < M; i++) if (targets[j0 + i] !== blockTargets[g * M + i]) return null;
  }
  return { count: G, targetsPerBlock: M, fanIn: K, targets: blockTargets, sources: blockSources };
}
