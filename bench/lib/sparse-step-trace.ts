/**
 * The memory accesses of a path layer's training step on the wasm batch-lane kernels
 * (assembly/gather-rows.ts, assembly/sparse-kernels.ts), in the kernels' order, fed to a
 * `CacheHierarchy` (./cache-model.ts). What each kernel touches, per row u of its range (rows of B floats, the
 * layout [unit][batch], rowBytes = 4·B):
 *
 * - forward, `gatherRows` over targets u with (y, x, W, targetOffsets, sources): offsets[u] and
 *   [u+1]; then per chunk of the batch (B = 128: 6, 6, 6, 6, 4, 4 vectors, at bytes 0, 96, 192,
 *   288, 384, 448 of a row), per edge e of u in order: W[e], sources[e], and the chunk's bytes of
 *   x's row sources[e]; then the chunk's bytes of y's row u, written.
 * - backward input, over sources u: first `transposeWeights` over the whole range
 *   (sourceOffsets[s0], [s1]; per edge j: edgeOf[j], W[edgeOf[j]], Wt[j] written), then
 *   `gatherRows` with (dx, dy, Wt, sourceOffsets, targets).
 * - backward weight, over targets u: targetOffsets[u], [u+1]; per group of 4 edges, sources[e..e+3],
 *   then per 16 bytes of the batch dy's row u and the four x rows (at line granularity: each line of
 *   dy then of the four rows, the order `dot4`'s loop repeats within a line), then dW[e..e+3]
 *   written; left-over edges one at a time (sources[e], dy's row and x's row, dW[e]).
 *
 * Threads: each kernel splits its rows over the threads as the backend does (`RowSplit`): one
 * contiguous range per thread (`bounds`, the backend's `targetBounds` / `sourceBounds`), or windows
 * of S rows dealt round-robin (the windowed split of assembly/sparse-kernels.ts). Thread k runs on
 * core k, and the simulation steps the threads in lockstep, one row each in turn. The backward
 * input transposes a range's weights before it gathers the range (a contiguous range: the whole
 * range first; windows: window by window).
 *
 * B must be a multiple of 4 (the bench's 128; the scalar and tail paths are not traced).
 */
import type { SparseIndex } from '../../src/kernels/kernels.js';

/** Where the accesses go: a `CacheHierarchy` (bench/lib/cache-model.ts), or a recorder in tests. */
export interface AccessSink {
  access(core: number, address: number, bytes: number, write: boolean): void;
}

/** Byte addresses of the arrays of a step in wasm memory. */
export interface SparseStepAddresses {
  readonly x: number;               // [I,B]
  readonly y: number;               // [O,B]
  readonly W: number;               // [E]
  readonly dy: number;              // [O,B]
  readonly dx: number;              // [I,B]
  readonly dW: number;              // [E]
  readonly targetOffsets: number;   // [O+1] int32
  readonly sources: number;         // [E] int32
  readonly sourceOffsets: number;   // [I+1] int32
  readonly targets: number;         // [E] int32
  readonly edgeOf: number;          // [E] int32
  readonly transposedWeights: number; // [E] scratch Wt
}

/** The batch chunks of `gatherRows` as [byte offset, bytes] pairs: 6-vector chunks, then 4, then 1. */
export function gatherChunks(B: number): Array<[number, number]> {
  if (!Number.isInteger(B) || B < 4 || B % 4 !== 0) throw new Error(`the trace needs B a multiple of 4, got ${B}`);
  const out: Array<[number, number]> = [];
  let b = 0;
  for (; B - b >= 24 && (B - b) >> 2 !== 8; b += 24) out.push([4 * b, 96]);
  for (; b + 16 <= B; b += 16) out.push([4 * b, 64]);
  for (; b + 4 <= B; b += 4) out.push([4 * b, 16]);
  return out;
}

/** How a kernel's rows [0, N) go to the threads: contiguous ranges [bounds[k], bounds[k+1]), or windows of S rows round-robin. */
export type RowSplit = Int32Array | { readonly windowRows: number; readonly threads: number; readonly rows: number };

/** The row ranges each thread runs, in order: [u0, u1) pairs per thread. */
function rangesOf(split: RowSplit): Array<Array<[number, number]>> {
  if (split instanceof Int32Array) return Array.from({ length: split.length - 1 }, (_, k) => [[split[k], split[k + 1]] as [number, number]]);
  const { windowRows: S, threads: T, rows: N } = split;
  return Array.from({ length: T }, (_, k) => {
    const out: Array<[number, number]> = [];
    for (let u = k * S; u < N; u += T * S) out.push([u, Math.min(N, u + S)]);
    return out;
  });
}

/** Runs step(u, phase, core) over each thread's sequence of (row, phase), the threads in lockstep. */
function lockstep(sequences: ReadonlyArray<ReadonlyArray<readonly [number, number]>>, step: (u: number, phase: number, core: number) => void): void {
  const longest = Math.max(0, ...sequences.map((q) => q.length));
  for (let i = 0; i < longest; i++) {
    sequences.forEach((q, core) => {
      if (i < q.length) step(q[i][0], q[i][1], core);
    });
  }
}

/** Each thread's rows of `split` in order, every row once, as phase 0. */
function rowsOf(split: RowSplit): Array<Array<[number, number]>> {
  return rangesOf(split).map((ranges) => ranges.flatMap(([u0, u1]) => Array.from({ length: u1 - u0 }, (_, i) => [u0 + i, 0] as [number, number])));
}

/**
 * One row u of `gatherRows`: y[u] = sum over e of W[e]·x[rows[e]], the batch in `chunks`
 * (gatherChunks) of rows of `rowBytes`. Shapes: offsets [U+1] and rows [E] as in memory at `offsetsAt` / `rowsAt`; y [U,B], x [R,B], W [E].
 */
function traceGatherRow(h: AccessSink, core: number, u: number, chunks: ReadonlyArray<readonly [number, number]>, rowBytes: number,
  y: number, x: number, W: number, offsets: Int32Array, rows: Int32Array, offsetsAt: number, rowsAt: number): void {
  h.access(core, offsetsAt + 4 * u, 8, false);
  const e0 = offsets[u], e1 = offsets[u + 1];
  for (const [at, bytes] of chunks) {
    for (let e = e0; e < e1; e++) {
      h.access(core, W + 4 * e, 4, false);
      h.access(core, rowsAt + 4 * e, 4, false);
      h.access(core, x + rows[e] * rowBytes + at, bytes, false);
    }
    h.access(core, y + u * rowBytes + at, bytes, true);
  }
}

/** The forward: y[O,B] from x[I,B] over targets split by `targetSplit`. */
export function traceForward(h: AccessSink, index: SparseIndex, a: SparseStepAddresses, B: number,
  targetSplit: RowSplit): void {
  const chunks = gatherChunks(B);
  lockstep(rowsOf(targetSplit), (u, _phase, core) =>
    traceGatherRow(h, core, u, chunks, 4 * B, a.y, a.x, a.W, index.targetOffsets, index.sources, a.targetOffsets, a.sources));
}

/**
 * The backward input over sources split by `sourceSplit`: per range, Wt = W in source order
 * (phase 0), then dx[I,B] from dy[O,B] (phase 1).
 */
export function traceBackwardInput(h: AccessSink, index: SparseIndex, a: SparseStepAddresses, B: number,
  sourceSplit: RowSplit): void {
  const sequences = rangesOf(sourceSplit).map((ranges, core) => ranges.flatMap(([s0, s1]) => {
    h.access(core, a.sourceOffsets + 4 * s0, 4, false);
    h.access(core, a.sourceOffsets + 4 * s1, 4, false);
    const rows = Array.from({ length: s1 - s0 }, (_, i) => s0 + i);
    return [...rows.map((u) => [u, 0] as [number, number]), ...rows.map((u) => [u, 1] as [number, number])];
  }));
  const chunks = gatherChunks(B);
  lockstep(sequences, (s, phase, core) => {
    if (phase === 1) {
      traceGatherRow(h, core, s, chunks, 4 * B, a.dx, a.dy, a.transposedWeights, index.sourceOffsets, index.targets, a.sourceOffsets, a.targets);
      return;
    }
    for (let j = index.sourceOffsets[s]; j < index.sourceOffsets[s + 1]; j++) {
      h.access(core, a.edgeOf + 4 * j, 4, false);
      h.access(core, a.W + 4 * index.edgeOf[j], 4, false);
      h.access(core, a.transposedWeights + 4 * j, 4, true);
    }
  });
}

/** The backward weight: dW[E] = dy[t]·x[s] per edge, over targets split by `targetSplit`. */
export function traceBackwardWeight(h: AccessSink, index: SparseIndex, a: SparseStepAddresses, B: number,
  targetSplit: RowSplit): void {
  const rowBytes = 4 * B;
  const lines = Math.ceil(rowBytes / 64);
  const { targetOffsets, sources } = index;
  lockstep(rowsOf(targetSplit), (t, _phase, core) => {
    h.access(core, a.targetOffsets + 4 * t, 8, false);
    const g = a.dy + t * rowBytes;
    const e1 = targetOffsets[t + 1];
    let e = targetOffsets[t];
    for (; e + 4 <= e1; e += 4) {
      h.access(core, a.sources + 4 * e, 16, false);
      for (let l = 0; l < lines; l++) {
        const at = 64 * l, bytes = Math.min(64, rowBytes - at);
        h.access(core, g + at, bytes, false);
        for (let i = 0; i < 4; i++) h.access(core, a.x + sources[e + i] * rowBytes + at, bytes, false);
      }
      h.access(core, a.dW + 4 * e, 16, true);
    }
    for (; e < e1; e++) {
      h.access(core, a.sources + 4 * e, 4, false);
      for (let l = 0; l < lines; l++) {
        const at = 64 * l, bytes = Math.min(64, rowBytes - at);
        h.access(core, g + at, bytes, false);
        h.access(core, a.x + sources[e] * rowBytes + at, bytes, false);
      }
      h.access(core, a.dW + 4 * e, 4, true);
    }
  });
}

/** `sparseBackward` as the wasm backend runs it: the backward input, then the backward weight. */
export function traceBackward(h: AccessSink, index: SparseIndex, a: SparseStepAddresses, B: number,
  targetSplit: RowSplit, sourceSplit: RowSplit): void {
  traceBackwardInput(h, index, a, B, sourceSplit);
  traceBackwardWeight(h, index, a, B, targetSplit);
}
