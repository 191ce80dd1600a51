/**
 * Test fixtures: small sparse indices built from explicit edge lists (not from paths; the
 * transpose is topology's own), random arrays, and error measures.
 */
import type { Floats, Precision } from '../../src/core/floats.js';
import { allocFloats } from '../../src/core/floats.js';
import type { SparseIndex } from '../../src/kernels/kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { transposeGather } from '../../src/topology/transpose-gather.js';

/** One edge source -> target. */
export interface Edge {
  readonly s: number;
  readonly t: number;
}

/**
 * The gather form of an edge list: CSR by target (edges of one target keep their list order),
 * and the transpose by source (edges of one source in gather order). Also returns the edges in
 * gather order, so `ordered[e]` is the edge whose weight is W[e].
 */
export function buildIndex(I: number, O: number, edges: readonly Edge[]): { index: SparseIndex; ordered: Edge[] } {
  const E = edges.length;
  const targetOffsets = new Int32Array(O + 1);
  for (const { t } of edges) targetOffsets[t + 1]++;
  for (let t = 0; t < O; t++) targetOffsets[t + 1] += targetOffsets[t];
  const fill = targetOffsets.slice(0, O);
  const sources = new Int32Array(E);
  const ordered: Edge[] = new Array<Edge>(E);
  for (const edge of edges) {
    const e = fill[edge.t]++;
    sources[e] = edge.s;
    ordered[e] = edge;
  }
  const { sourceOffsets, targets, edgeOf } = transposeGather(targetOffsets, sources, I);
  return { index: { inputs: I, outputs: O, targetOffsets, sources, sourceOffsets, targets, edgeOf }, ordered };
}

/**
 * E random edges (duplicates allowed) on I inputs and O outputs, in random order. The last input
 * and the last output get no edge at all, to exercise empty rows.
 */
export function randomEdges(rng: Rng, I: number, O: number, E: number): Edge[] {
  const edges: Edge[] = [];
  for (let e = 0; e < E; e++) edges.push({ s: rng.nextInt(I - 1), t: rng.nextInt(O - 1) });
  return edges;
}

/** Every edge of the dense I×O layer, target-major: edge o * I + i is i -> o. */
export function allEdges(I: number, O: number): Edge[] {
  const edges: Edge[] = [];
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) edges.push({ s: i, t: o });
  return edges;
}

/** n values uniform in [-scale, scale). */
export function randomFloats(rng: Rng, precision: Precision, n: number, scale = 1): Floats {
  const a = allocFloats(precision, n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * rng.nextFloat() - 1);
  return a;
}

/** max |a - b| / max(max |b|, 1e-300): a relative error over the whole array. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 1e-300;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** The index of the first element whose bits differ (0 when the lengths differ), or -1. */
export function firstBitDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = new Uint32Array(Float32Array.from(a).buffer);
  const y = new Uint32Array(Float32Array.from(b).buffer);
  if (x.length !== y.length) return 0;
  return x.findIndex((v, i) => v !== y[i]);
}
