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
 * Threads: each kernel splits its rows into one contiguous range per thread (`bounds`, as the
 * backend's `targetBounds` / `sourceBounds`); thread k runs on core k, and the simulation steps
 * the threads in lockstep, one row each in turn. The backward input's two phases are stepped
 * separately (each thread transposes its range before it gathers).
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

/** Runs row(u, core) for every u of every thread's range [bounds[k], bounds[k+1]), threads in lockstep. */
function lockstep(bounds: Int32Array, row: (u: number, core: number) => void): void {
  const T = bounds.length - 1;
  let longest = 0;
  for (let k = 0; k < T; k++) longest = Math.max(longest, bounds[k + 1] - bounds[k]);
  for (let i = 0; i < longest; i++) {
    for (let k = 0; k < T; k++) {
      const u = bounds[k] + i;
      if (u < bounds[k + 1]) row(u, k);
    }
  }
}

/**
 * `gatherRows` over the rows of `bounds`: y[u] = sum over e of W[e]·x[rows[e]].
 * Shapes: offsets [U+1] and rows [E] as in memory at `offsetsAt` / `rowsAt`; y [U,B], x [R,B], W [E].
 */
function traceGather(h: AccessSink, bounds: Int32Array, B: number, y: number, x: number, W: number,
  offsets: Int32Array, rows: Int32Array, offsetsAt: number, rowsAt: number): void {
  const rowBytes = 4 * B;
  const chunks = gatherChunks(B);
  lockstep(bounds, (u, core) => {
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
  });
}

/** The forward: y[O,B] from x[I,B] over targets split by `targetBounds`. */
export function traceForward(h: AccessSink, index: SparseIndex, a: SparseStepAddresses, B: number,
  targetBounds: Int32Array): void {
  traceGather(h, targetBounds, B, a.y, a.x, a.W, index.targetOffsets, index.sources, a.targetOffsets, a.sources);
}

/** The backward input: Wt = W in source order, then dx[I,B] from dy[O,B] over sources split by `sourceBounds`. */
export function traceBackwardInput(h: AccessSink, index: SparseIndex, a: SparseStepAddresses, B: number,
  sourceBounds: Int32Array): void {
  const T = sourceBounds.length - 1;
  for (let k = 0; k < T; k++) {
    h.access(k, a.sourceOffsets + 4 * sourceBounds[k], 4, false);
    h.access(k, a.sourceOffsets + 4 * sourceBounds[k + 1], 4, false);
  }
  lockstep(sourceBounds, (s, core) => {
    for (let j = index.sourceOffsets[s]; j < index.sourceOffsets[s + 1]; j++) {
      h.access(core, a.edgeOf + 4 * j, 4, false);
      h.access(core, a.W + 4 * index.edgeOf[j], 4, false);
      h.access(core, a.transposedWeights + 4 * j, 4, true);
    }
  });
  traceGather(h, sourceBounds, B, a.dx, a.dy, a.transposedWeights, index.sourceOffsets, index.targets,
    a.sourceOffsets, a.targets);
}

/** The backward weight: dW[E] = dy[t]·x[s] per edge, over targets split by `targetBounds`. */
export function traceBackwardWeight(h: AccessSink, index: SparseIndex, a: SparseStepAddresses, B: number,
  targetBounds: Int32Array): void {
  const rowBytes = 4 * B;
  const lines = Math.ceil(rowBytes / 64);
  const { targetOffsets, sources } = index;
  lockstep(targetBounds, (t, core) => {
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
  targetBounds: Int32Array, sourceBounds: Int32Array): void {
  traceBackwardInput(h, index, a, B, sourceBounds);
  traceBackwardWeight(h, index, a, B, targetBounds);
}
