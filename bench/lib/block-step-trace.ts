/**
 * The memory accesses of a block-dense path layer's training step on the wasm block kernels
 * (assembly/block-kernels.ts, src/kernels/dense-blocks.ts), in the kernels' order, fed to an
 * `AccessSink` (a `CacheHierarchy`, ./cache-model.ts): what the default wasm backend runs from B = 16
 * (the forward and input gradient from B = 4) on a block-dense layer, as ./sparse-step-trace.ts traces the gather kernels it replaces. Rows are
 * B floats (the layout [unit][batch], rowBytes = 4·B, V = B/4 vectors a row); a block g has M
 * targets and K sources (blockTargets[g·M ..], blockSources[g·K ..], Int32), W's row of target t is
 * its K weights at W + 4·K·t (gather order). The tile of a part lies at tiles + p·stride
 * (`blockTileStrides`); for the forward and the input gradient its rows are chunk-major
 * (`copyRows`): vector v of tile row r at tile + (v/4)·n·64 + r·64 + (v%4)·16.
 *
 * - copyRows (n rows listed at `rows`): per row r, rows[r], then per chunk of 4 vectors the row's
 *   64 bytes read and the tile's 64 bytes written (the kernel's 4 loads and 4 stores of that chunk,
 *   collapsed to one read and one write: the same lines, no other line between).
 * - pairRows (two output rows from a tile of n rows and n weight pairs at wp): per chunk of 4
 *   vectors, per step s, the 8-byte weight pair at wp + 8·s and the tile's 64-byte line of row s;
 *   then the chunk's 64 bytes of each output row written. Vectors left over (V % 4) the same one
 *   vector (16 bytes) at a time.
 * - forward, per block: copyRows of x's K source rows; per pair of targets (t0, t1): their indices,
 *   per k W[t0][k], the pair at wp + 8·k written, W[t1][k], bias[t0] and bias[t1] where there is
 *   a bias, then pairRows into y's rows t0, t1 (the K pairs at wp = tile + tile bytes of K rows).
 * - backward input, per block: copyRows of dy's M target rows; per pair of sources (k, k + 1): per
 *   target i its index, W[t_i][k] and W[t_i][k+1] (one 8-byte read) and the pair written at
 *   wp + 8·i; the two source indices; then pairRows into dx's rows s0, s1.
 * The weight pairs pairRows reads, and the forward's packing (W's rows t0 and t1, the pairs it
 *   writes), are traced a line at a time (`runStep`): at the step that first enters a line, the
 *   run's bytes up to the line's end. The kernel's later touches of that line come within 16
 *   steps, with at most a few other lines between (pairRows: consecutive tile lines, in distinct
 *   sets), fewer than an L1 set has ways, so they hit in the model whatever the order: the same
 *   lines and misses in fewer simulated accesses. The input gradient's packing stays element by
 *   element: between two of its steps it reads M rows of W, which a block's targets (apart in
 *   their high bits) can put in one L1 set, so that a line of the run could be evicted in between.
 * - backward weight, per block: copyRowsByVector of x's K source rows (vector-major: vector v of
 *   tile row r at tile + v·K·16 + r·16; per row r, rows[r], then per vector the row's 16 bytes
 *   read, at line granularity, and the tile's 16 bytes written); per pair of targets: their indices,
 *   then per group of 4 sources k (dots2x4): per vector v, dy's rows t0 and t1 (a line per 4
 *   vectors, read at the first) and the tile's 64-byte line of rows k .. k+3 at vector v; then 16
 *   bytes of dW at t0's and t1's edges k .. k+3, written.
 * An odd M (or K for the input gradient) computes its last row twice, as the kernels do.
 *
 * Threads: each kernel runs T parts as `execBlocks` (src/kernels/wasm/create-wasm-kernels.ts)
 * splits them: part p takes blocks [floor(G·p/T), floor(G·(p+1)/T)) with its own tile, and runs on
 * core p. The simulation steps the parts in lockstep: one block's copy, or one pair of output rows
 * (with its weight packing), each in turn. T is the backend's threads where the kernel's E·B reaches
 * its minimum parallel work (always, on the benches' layers), else 1.
 *
 * B must be a multiple of 4 (the bench's 128; the overlapping tail vector of other batches is not
 * traced); the backward weight needs K a multiple of 4, as the backend does (else it runs the gather).
 */
import type { DenseBlocks } from '../../src/kernels/dense-blocks.js';
import { blockTileBytes as kernelTileBytes, blockTileStrides as kernelTileStrides } from '../../src/kernels/wasm/create-wasm-kernels.js';
import type { AccessSink } from './sparse-step-trace.js';

/** What the trace reads of a layer's dense blocks (src/kernels/dense-blocks.ts `denseBlocks`). */
export type BlockLayout = Pick<DenseBlocks, 'count' | 'targetsPerBlock' | 'fanIn' | 'targets' | 'sources'>;

/** Byte addresses of the arrays of a block step in wasm memory. */
export interface BlockStepAddresses {
  readonly x: number;            // [I,B]
  readonly y: number;            // [O,B]
  readonly W: number;            // [E], target t's K weights at 4·K·t
  readonly dy: number;           // [O,B]
  readonly dx: number;           // [I,B]
  readonly dW: number;           // [E]
  /** [O] or 0: no bias (the forward reads two biases per pair of targets where there is one). */
  readonly bias: number;
  readonly blockTargets: number; // [G·M] int32
  readonly blockSources: number; // [G·K] int32
  /** The tiles: the arena's scratch block, T tiles of the kernel's stride. */
  readonly tiles: number;
}

/** Vectors of a row; the trace's batches are multiples of 4. */
function vectorsOf(B: number): number {
  if (!Number.isInteger(B) || B < 4 || B % 4 !== 0) throw new Error(`the block trace needs B a multiple of 4, got ${B}`);
  return B / 4;
}

/** Bytes of a tile of n rows, the backend's own figure (B a multiple of 4 here). */
export function blockTileBytes(n: number, B: number): number {
  vectorsOf(B);
  return kernelTileBytes(n, B);
}

/** The tile stride of each kernel, the backend's own figures (B a multiple of 4 here). */
export function blockTileStrides(blocks: BlockLayout, B: number): { forward: number; input: number; weight: number } {
  vectorsOf(B);
  return kernelTileStrides(blocks.targetsPerBlock, blocks.fanIn, B);
}

/** Blocks [floor(G·p/T), floor(G·(p+1)/T)) of part p. */
export function blockRange(G: number, p: number, T: number): [number, number] {
  return [Math.floor((G * p) / T), Math.floor((G * (p + 1)) / T)];
}

/** Steps T generators in turn, one `yield` each, until all are done. */
function roundRobin(parts: Array<Generator<void, void, void>>): void {
  let live = parts;
  while (live.length > 0) live = live.filter((part) => !part.next().done);
}

/**
 * Runs `block(core, g, tile)` over the G blocks in T parts as `execBlocks` splits them (part p: its
 * blocks in order, on core p, with the tile at tiles + p·stride), the parts in lockstep.
 */
function runBlocks(G: number, T: number, tiles: number, stride: number,
  block: (core: number, g: number, tile: number) => Generator<void, void, void>): void {
  roundRobin(Array.from({ length: T }, function* part(_, p) {
    const [g0, g1] = blockRange(G, p, T);
    for (let g = g0; g < g1; g++) yield* block(p, g, tiles + p * stride);
  }));
}

/** copyRows: the n rows of `src` listed at `rowsAt` (values `rows[first ..]`) into the tile, chunk-major. */
function copyRows(h: AccessSink, core: number, tile: number, src: number, rowsAt: number, rows: Int32Array, first: number,
  n: number, B: number): void {
  const V = vectorsOf(B), rowBytes = 4 * B;
  for (let r = 0; r < n; r++) {
    h.access(core, rowsAt + 4 * (first + r), 4, false);
    const from = src + rows[first + r] * rowBytes;
    for (let c = 0; 4 * c < V; c++) {
      const bytes = 16 * Math.min(4, V - 4 * c);
      h.access(core, from + 64 * c, bytes, false);
      h.access(core, tile + c * n * 64 + r * 64, bytes, true);
    }
  }
}

/** copyRowsByVector: the n rows of `src` listed at `rowsAt` into the tile, vector-major (the weight gradient's tile). */
function copyRowsByVector(h: AccessSink, core: number, tile: number, src: number, rowsAt: number, rows: Int32Array,
  first: number, n: number, B: number): void {
  const V = vectorsOf(B), rowBytes = 4 * B;
  for (let r = 0; r < n; r++) {
    h.access(core, rowsAt + 4 * (first + r), 4, false);
    const from = src + rows[first + r] * rowBytes;
    for (let v = 0; v < V; v++) {
      if (v % 4 === 0) h.access(core, from + 16 * v, 16 * Math.min(4, V - v), false);
      h.access(core, tile + 16 * (v * n + r), 16, true);
    }
  }
}

/**
 * Step s of a run of n elements of `stride` bytes at `base` (the kernel reading or writing element
 * s there): an access where the step enters a line not yet touched by the run, covering the run's
 * elements up to that line's end; nothing at the steps that come back to a line. For runs whose
 * line is touched again within a few steps, with fewer other lines between than any L1 set has ways.
 */
function runStep(h: AccessSink, core: number, base: number, stride: number, s: number, n: number, write: boolean): void {
  const at = base + stride * s, within = at % 64;
  if (s === 0 || within < stride) h.access(core, at, Math.min(64 - within, stride * (n - s)), write);
}

/** pairRows: out0, out1 (rows of B floats) from a tile of n rows and n weight pairs at wp. */
function pairRows(h: AccessSink, core: number, out0: number, out1: number, tile: number, n: number, wp: number, B: number): void {
  const V = vectorsOf(B), whole = V - (V % 4);
  /** madd2x4 (bytes 64: vectors v .. v+3) or pair1 (bytes 16: vector v) over the n steps, then its outputs. */
  const run = (v: number, bytes: number): void => {
    const xp = tile + (v >> 2) * n * 64 + (v & 3) * 16;
    for (let s = 0; s < n; s++) {
      runStep(h, core, wp, 8, s, n, false);
      h.access(core, xp + 64 * s, bytes, false);
    }
    h.access(core, out0 + 16 * v, bytes, true);
    h.access(core, out1 + 16 * v, bytes, true);
  };
  for (let v = 0; v < whole; v += 4) run(v, 64);
  for (let v = whole; v < V; v++) run(v, 16);
}

/** The two targets of pair i of block g: their indices read (one read of 8 bytes, or 4 for an odd M's last). */
function targetPair(h: AccessSink, core: number, blocks: BlockLayout, a: BlockStepAddresses, g: number, i: number): [number, number] {
  const M = blocks.targetsPerBlock, at = g * M + i;
  h.access(core, a.blockTargets + 4 * at, i + 1 < M ? 8 : 4, false);
  return [blocks.targets[at], i + 1 < M ? blocks.targets[at + 1] : blocks.targets[at]];
}

/** The forward (blockForward): y[O,B] from x[I,B], W and the bias, on T parts. */
export function traceBlockForward(h: AccessSink, blocks: BlockLayout, a: BlockStepAddresses, B: number, T: number): void {
  const { count: G, targetsPerBlock: M, fanIn: K } = blocks;
  runBlocks(G, T, a.tiles, blockTileStrides(blocks, B).forward, function* forward(core, g, tile) {
    const wp = tile + blockTileBytes(K, B);
    copyRows(h, core, tile, a.x, a.blockSources, blocks.sources, g * K, K, B);
    yield;
    for (let i = 0; i < M; i += 2) {
      const [t0, t1] = targetPair(h, core, blocks, a, g, i);
      for (let k = 0; k < K; k++) { // W[t0][k] and W[t1][k] into the pair at wp + 8·k
        runStep(h, core, a.W + 4 * K * t0, 4, k, K, false);
        runStep(h, core, wp, 8, k, K, true);
        runStep(h, core, a.W + 4 * K * t1, 4, k, K, false);
      }
      if (a.bias !== 0) {
        h.access(core, a.bias + 4 * t0, 4, false);
        h.access(core, a.bias + 4 * t1, 4, false);
      }
      pairRows(h, core, a.y + 4 * B * t0, a.y + 4 * B * t1, tile, K, wp, B);
      yield;
    }
  });
}

/** The backward input (blockBackwardInput): dx[I,B] from dy[O,B] and W, on T parts. */
export function traceBlockBackwardInput(h: AccessSink, blocks: BlockLayout, a: BlockStepAddresses, B: number, T: number): void {
  const { count: G, targetsPerBlock: M, fanIn: K } = blocks;
  runBlocks(G, T, a.tiles, blockTileStrides(blocks, B).input, function* input(core, g, tile) {
    const wp = tile + blockTileBytes(M, B);
    copyRows(h, core, tile, a.dy, a.blockTargets, blocks.targets, g * M, M, B);
    yield;
    for (let k = 0; k < K; k += 2) {
      const k1 = k + 1 < K ? k + 1 : k;
      for (let i = 0; i < M; i++) { // W[t_i][k] and W[t_i][k1] into the pair at wp + 8·i
        h.access(core, a.blockTargets + 4 * (g * M + i), 4, false);
        h.access(core, a.W + 4 * (K * blocks.targets[g * M + i] + k), 4 * (k1 - k + 1), false);
        h.access(core, wp + 8 * i, 8, true);
      }
      h.access(core, a.blockSources + 4 * (g * K + k), 4, false);
      h.access(core, a.blockSources + 4 * (g * K + k1), 4, false);
      const s0 = blocks.sources[g * K + k], s1 = blocks.sources[g * K + k1];
      pairRows(h, core, a.dx + 4 * B * s0, a.dx + 4 * B * s1, tile, M, wp, B);
      yield;
    }
  });
}

/** The backward weight (blockBackwardWeight): dW[E] from dy[O,B] and x[I,B], on T parts; K a multiple of 4. */
export function traceBlockBackwardWeight(h: AccessSink, blocks: BlockLayout, a: BlockStepAddresses, B: number, T: number): void {
  const { count: G, targetsPerBlock: M, fanIn: K } = blocks;
  if (K % 4 !== 0) throw new Error(`blockBackwardWeight needs K a multiple of 4, got ${K}`);
  const V = vectorsOf(B), rowBytes = 4 * B;
  runBlocks(G, T, a.tiles, blockTileStrides(blocks, B).weight, function* weight(core, g, tile) {
    copyRowsByVector(h, core, tile, a.x, a.blockSources, blocks.sources, g * K, K, B);
    yield;
    for (let i = 0; i < M; i += 2) {
      const [t0, t1] = targetPair(h, core, blocks, a, g, i);
      for (let k = 0; k < K; k += 4) {
        for (let v = 0; v < V; v++) {
          if (v % 4 === 0) {
            const bytes = 16 * Math.min(4, V - v);
            h.access(core, a.dy + t0 * rowBytes + 16 * v, bytes, false);
            h.access(core, a.dy + t1 * rowBytes + 16 * v, bytes, false);
          }
          h.access(core, tile + 16 * (v * K + k), 64, false);
        }
        h.access(core, a.dW + 4 * (t0 * K + k), 16, true);
        h.access(core, a.dW + 4 * (t1 * K + k), 16, true);
      }
      yield;
    }
  });
}

/** `sparseBackward` on blocks as the wasm backend runs it: the backward input, then the backward weight. */
export function traceBlockBackward(h: AccessSink, blocks: BlockLayout, a: BlockStepAddresses, B: number, T: number): void {
  traceBlockBackwardInput(h, blocks, a, B, T);
  traceBlockBackwardWeight(h, blocks, a, B, T);
}
