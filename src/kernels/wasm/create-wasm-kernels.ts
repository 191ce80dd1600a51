/**
 * The wasm SIMD backend: every kernel of `Kernels` on float32 arrays that live in the arena's
 * memory, run by the AssemblyScript kernels (assembly/). Arrays it cannot run in place (float64,
 * plain arrays from elsewhere) go to the reference kernels, so results are always defined.
 *
 * With a `ParallelRunner` (the worker pool), a job is split into PARTS_PER_THREAD contiguous ranges
 * per thread, which the threads claim as they come free: output units for the forward and weight
 * kernels, source units for the sparse backward input, elements for element-wise kernels, samples
 * for the softmax; for convolutions output channels (forward, weights), input channels (backward
 * input), channels (pooling); blocks for the block kernels. A unit is computed the same way in any
 * range, so results are bit-identical for any thread count. Jobs smaller than `minParallelWork`
 * run on the calling thread alone.
 *
 * Shape legend: B batch, I inputs, O outputs, E edges, U units, C classes (or channels), N length;
 * images as in conv-shape.ts.
 */
import { check } from '../../core/errors.js';
import type { Floats, Precision } from '../../core/floats.js';
import type { ConvShape, PoolShape } from '../conv-shape.js';
import type { Kernels, SparseIndex } from '../kernels.js';
import { referenceKernels as ref } from '../reference-kernels.js';
import { evenBounds } from './partition.js';
import type { DenseBlocksBlock, QuadIndexBlock, WasmArena } from './wasm-arena.js';
import type { WasmKernelName } from './wasm-kernel-exports.js';

/** Runs one kernel over the parts [bounds[p], bounds[p+1]) of a job, each on whichever of its threads claims it, and waits. */
export interface ParallelRunner {
  readonly threads: number;
  run(name: WasmKernelName, bounds: Int32Array, args: readonly number[]): void;
  close(): void;
}

/** Tuning of a wasm backend: the least work worth splitting over threads, below which batch edge lanes run, quad kernels on or off. */
export interface WasmKernelsOptions {
  /**
   * Jobs below this much work (multiply-adds, or weighted element updates) run on the calling
   * thread alone. Default 131072: a few tens of microseconds of work, against a dispatch of
   * 2-15 us (workers spinning or asleep).
   */
  readonly minParallelWork?: number;
  /**
   * Batches below this run the sparse kernels with SIMD lanes over a unit's edges
   * (assembly/small-batch-kernels.ts) instead of over the batch. Default EDGE_LANE_BATCHES; 0 keeps
   * the batch lanes at every batch (the batch bench times the two against each other).
   */
  readonly edgeLaneBatches?: number;
  /**
   * With edge lanes on, batch 1 runs the sparse kernels on a layer's quad structure
   * (assembly/quad-kernels.ts, kernels/quad-index.ts) where the layer has it. Default true; false
   * keeps the edge-lane kernels (the batch bench times the two against each other).
   */
  readonly quadKernels?: boolean;
  /**
   * Rows per window of the windowed split of the batch-lane sparse kernels (see `windowedSplit`).
   * Default WINDOW_ROWS; 0 always splits the rows into one contiguous range per thread.
   */
  readonly windowRows?: number;
  /** The gathered array's bytes above which the windowed split runs; default WINDOW_SPLIT_MIN_BYTES (0: always). */
  readonly windowSplitMinBytes?: number;
  /**
   * Block-dense layers run the block kernels (assembly/block-kernels.ts, kernels/dense-blocks.ts)
   * from the batches of BLOCK_BATCHES on, and at batch 1 (forward, input and weight gradients).
   * Default true; false keeps the gather kernels, and the quads at batch 1 (the width and batch
   * benches time the schedules against each other). The same bits from batch 4, and at batch 1 for
   * the forward and weight gradient.
   */
  readonly denseBlocks?: boolean;
  /**
   * The batch-lane gather kernels skip the edges from rows of x that are zero in every sample of
   * the batch (assembly/live-rows.ts) where at least ZERO_ROWS_MIN_SHARE of the rows are: the
   * weight gradient always, the forward where a ReLU is fused. Default true; false keeps every edge
   * (bench:compare and the tests time and check the two against each other). The same bits.
   */
  readonly skipZeroRows?: boolean;
}

/** A wasm SIMD backend: the Kernels, plus its arena, its thread count and `close()`, which ends its workers. */
export interface WasmKernels extends Kernels {
  readonly arena: WasmArena;
  /** Threads a large job runs on (1 without a runner, or after close()). */
  readonly threads: number;
  /** Stops the runner's threads; the backend goes on with one thread. */
  close(): void;
}

/**
 * The batches from which each batch-lane sparse kernel runs on dense blocks (assembly/block-kernels.ts)
 * where the layer has them. Below these the gather was as fast or faster, on 4096 → 4096 and 1024 →
 * 1024, K = 32, one thread, the two timed in one process (2026-11-30): the weight gradient 0.8-1.0×
 * the gather's speed at B = 4 and 8, 1.02-1.27× at 16, 1.12-1.43× at 32; the input gradient 1.5×
 * from B = 4 (the packed weight pairs and the tile copy cost the same at any batch, and a small
 * batch has few multiply-adds to spread them over). The forward ran from B = 32 (0.73-0.90× at 16)
 * until its tile copy and weight packing moved four vectors an iteration: since then 1.04-1.15× at
 * B = 4, 1.3-1.4× at 8, 1.14-1.28× at 16, 1.4-1.8× at 32 (two runs).
 */
export const BLOCK_BATCHES = { forward: 4, input: 4, weight: 16 } as const;

/** Bytes of a block kernel's tile of n rows of B floats (assembly/block-kernels.ts tileBytesOf): chunks of 4 vectors of 16 bytes, the tail vector included. */
export const blockTileBytes = (n: number, B: number): number => 64 * n * Math.ceil((Math.floor(B / 4) + (B % 4 === 0 ? 0 : 1)) / 4);

/**
 * The stride of each block kernel's per-thread tiles (B >= 4), as the backend lays them out in the
 * arena's scratch: the tile of the rows it copies (the forward and weight gradient K rows of x, the
 * input gradient M rows of dy) plus, for the forward and input gradient, their packed weight pairs
 * (8 bytes a step), rounded up to whole 64-byte lines. M targets and K sources a block.
 */
export function blockTileStrides(M: number, K: number, B: number): { forward: number; input: number; weight: number } {
  const up = (bytes: number): number => Math.ceil(bytes / 64) * 64;
  return { forward: up(blockTileBytes(K, B) + 8 * K), input: up(blockTileBytes(M, B) + 8 * M), weight: up(blockTileBytes(K, B)) };
}

/**
 * Path convolutions run on dense blocks over channels (assembly/conv-blocks.ts) where the layer has
 * them and the batch is a multiple of this: the kernels' tile lines hold 16 samples (one 64-byte
 * line per position). The forward at any kernel size and stride, the input gradient at stride 1,
 * the weight gradient at 3×3, stride 1; the rest, and other batches, run the gather engine
 * (assembly/conv-gather.ts), which sums the same terms in the same order.
 */
export const CONV_BLOCK_BATCH = 16;

/**
 * The stride of each conv block kernel's per-thread tiles (assembly/conv-blocks.ts), rounded up to
 * whole 64-byte lines by `execBlocks`: the forward and input gradient hold ceil(outputs/2) weight
 * pairs of inputs·k² steps (8 bytes a step) and inputs·k rows of Wp = (outW - 1)·s + k lines of 64
 * bytes; the weight gradient (3×3) K·3 rows of Wo + 2 lines and M·K·9 vector sums.
 */
export function convBlockTileStrides(b: DenseBlocksBlock, c: ConvShape): { forward: number; input: number; weight: number } {
  const M = b.targetsPerBlock, K = b.fanIn, k = c.kernel;
  const pairs = (outs: number, ins: number): number => Math.ceil(outs / 2) * ins * k * k * 8;
  return {
    forward: pairs(M, K) + K * k * ((c.outWidth - 1) * c.stride + k) * 64,
    input: pairs(K, M) + M * k * (c.inWidth - 1 + k) * 64,
    weight: K * 3 * (c.outWidth + 2) * 64 + M * K * 9 * 16,
  };
}

export const DEFAULT_MIN_PARALLEL_WORK = 1 << 17;

/**
 * The least share of x's rows that must be zero across the batch for a gather kernel to skip them:
 * below it the scan and the copy of each target's live edges (about a tenth of a full gather's
 * time) cost more than the dropped edges save. MNIST's input pair at B = 128 has about a third.
 */
export const ZERO_ROWS_MIN_SHARE = 1 / 8;

/**
 * Parts a pooled job is cut into per thread. The threads claim parts as they come free
 * (shared-memory-pool.ts), so a worker that wakes late or runs slower takes fewer, and the calling
 * thread, whose caches hold what it has just written, takes more. One part per thread left the
 * calling thread waiting on the slower one: in training, where each layer's input was just written
 * by the calling thread, npm start's path forward ran only 1.12-1.28× faster on 2 threads than on 1,
 * against 1.7-1.95× on data both cores had read (2026-12-01).
 */
export const PARTS_PER_THREAD = 4;

/** Rows per window of the windowed split (npm run bench:split -- --window S times others). */
export const WINDOW_ROWS = 64;

/**
 * The gathered array (x of the forward and the weight gradient, dy of the input gradient) above
 * which the sparse kernels split their rows over the threads in windows: 4 MiB, half the L3 share
 * this VM's pointer chases show (8 MiB). Below it, contiguous ranges each stay within L3 and keep
 * more of their lines in their own core's L2.
 */
export const WINDOW_SPLIT_MIN_BYTES = 4 * 2 ** 20;

/**
 * Whether a batch-lane sparse kernel over `rows` rows on `threads` threads, gathering from an array
 * of `gatheredBytes`, deals its rows to the threads in windows of `windowRows`, round-robin
 * (assembly/sparse-kernels.ts), rather than one contiguous range per thread. With Sobol' paths
 * stored bit-reversed, neighbouring windows gather from the same coarser source windows
 * (topology/window-spread.ts), so the threads share the lines they bring into L3 where contiguous
 * ranges walk disjoint source windows and split L3 between them (the cache simulation of npm run
 * bench:width: 1939 against 386 MB of DRAM per step at n = 65536, K = 32, B = 128). Measured (npm run
 * bench:split, three runs, the step on 2 threads over 1, medians; ranges / windows of 64): 1.62 / 1.65
 * at n = 1024, 1.97 / 1.68 at 4096, 1.51 / 1.97 at 16384, 1.62 / 2.25 at 65536. Needs at least two
 * windows per thread. Either split gives the same bits: every row is computed whole by one thread.
 */
export function windowedSplit(rows: number, gatheredBytes: number, threads: number, windowRows: number = WINDOW_ROWS,
  minBytes: number = WINDOW_SPLIT_MIN_BYTES): boolean {
  return windowRows > 0 && threads > 1 && gatheredBytes > minBytes && rows >= 2 * windowRows * threads;
}

/**
 * What an element of a streaming kernel (ReLU, bias gradient, add, optimiser step) counts in
 * `minParallelWork` units: 1, so that with the default these kernels split from 2^17 elements (a
 * ReLU or bias gradient of 1024 units × batch 128, where it runs as a kernel of its own; npm start's
 * now run inside the linear kernels) and Adam, which counts its four arrays, from 32768 weights;
 * biases stay on the calling thread. They move a few bytes per element with one or two operations, some 25-100 µs
 * at those sizes. While each thread had one fixed range, the caller waited for a worker woken after
 * its own work, and split over 2 threads ReLU, bias gradients and Adam took 2-4× the wall time of
 * one (npm run bench:breakdown, busy 2-core machine), so they stayed on the calling thread below
 * 2^20 elements (a weight of 1/8). Since threads claim parts, a worker that is not awake yet costs
 * the caller nothing: against 1/8, npm start's 2-thread epoch took 1.04-1.09× less time (medians of
 * per-round ratios, three runs of 11-15 rounds, npm run bench:compare against the commit before;
 * a weight of 4, which splits Adam too, 1.04×).
 */
const STREAM_ELEMENT_WORK = 1;

/**
 * What an element of the batching kernel (gatherBatch) counts: a byte load from one of B samples
 * (which miss the caches), a table lookup and a store, some 1.5 ns, against a streaming kernel's
 * fraction of one.
 * Weighted 4, npm start's batch (784 features × 128) splits over the threads.
 */
const GATHER_ELEMENT_WORK = 4;

/** Throws unless `a` has at least n elements (a wasm kernel would otherwise touch its neighbours). */
function need(kernel: string, what: string, a: ArrayLike<number>, n: number): void {
  check(a.length >= n, () => `${kernel}: ${what} has ${a.length} elements, needs ${n}`);
}

/** The geometry arguments of every convolution kernel: H, W, Ho, Wo, k, s, p. */
function geometry(c: ConvShape): number[] {
  return [c.inHeight, c.inWidth, c.outHeight, c.outWidth, c.kernel, c.stride, c.padding];
}

/** The geometry arguments of every pooling kernel: H, W, Ho, Wo, k, s. */
function poolGeometry(c: PoolShape): number[] {
  return [c.inHeight, c.inWidth, c.outHeight, c.outWidth, c.size, c.stride];
}

const inPlane = (c: ConvShape): number => c.inHeight * c.inWidth;
const outPlane = (c: ConvShape): number => c.outHeight * c.outWidth;
const taps = (c: ConvShape): number => c.kernel * c.kernel;
/** Loads of a pooling pass: every window tap of every output. */
const poolWork = (c: PoolShape, B: number): number => c.channels * c.outHeight * c.outWidth * c.size * c.size * B;

/** Checks that a path convolution's index has the shape's channels; returns its edge count E. */
function pathConvSizes(kernel: string, index: SparseIndex, shape: ConvShape): number {
  check(index.inputs === shape.inChannels && index.outputs === shape.outChannels, () =>
    `${kernel}: the index connects ${index.inputs} -> ${index.outputs} channels, the shape ${shape.inChannels} -> ${shape.outChannels}`);
  return index.sources.length;
}

/**
 * The batches below which the sparse kernels run with SIMD lanes over a unit's edges
 * (assembly/small-batch-kernels.ts): below 4 samples the batch cannot fill a 128-bit vector, and the
 * batch-lane kernels fall back to one scalar multiply-add chain per sample. From 4 samples on the
 * batch lanes were as fast at n = 4096, K = 32 as anything tried with lanes over edges or units.
 * Edge lanes sum in another order: results at B < 4 differ from the batch lanes' in rounding only.
 */
export const EDGE_LANE_BATCHES = 4;

/**
 * The edge-lane kernels split a job over the threads only from this many times `minParallelWork`
 * (E·B multiply-adds). Batch 1 of a 4096→4096, K = 32 layer (E = 131,072) thus runs on the calling
 * thread: there the work is tens of microseconds, about what waking the pool costs, and on the 2-core
 * machine with the other core busy the forward took 88 µs on one thread and 192 µs on two, the
 * training step 393 µs and 751 µs (npm run bench:batch -- --quick).
 */
const SMALL_BATCH_PARALLEL_FACTOR = 4;
/** Where the gather kernels' copies of live edges start after I flag bytes (64-byte aligned). */
const keptAt = (I: number): number => Math.ceil(I / 64) * 64;

/** The work an edge-lane kernel reports to `exec`. */
const smallBatchWork = (E: number, B: number): number => (E * B) / SMALL_BATCH_PARALLEL_FACTOR;

export function createWasmKernels(arena: WasmArena, runner: ParallelRunner | null = null,
  options: WasmKernelsOptions = {}): WasmKernels {
  const k = arena.kernels;
  const minWork = options.minParallelWork ?? DEFAULT_MIN_PARALLEL_WORK;
  const edgeLanes = options.edgeLaneBatches ?? EDGE_LANE_BATCHES;
  const quadLanes = options.quadKernels ?? true;
  const windowRows = options.windowRows ?? WINDOW_ROWS;
  const windowMinBytes = options.windowSplitMinBytes ?? WINDOW_SPLIT_MIN_BYTES;
  /** The quad index the batch-1 kernels run on, or null (other batches, no structure, quads or edge lanes off). */
  const quadsAt = (index: SparseIndex, B: number): QuadIndexBlock | null =>
    (B === 1 && B < edgeLanes && quadLanes ? arena.quads(index) : null);
  /**
   * x[I] (batch 1) in the layer's pattern copies (assembly/quad-kernels.ts quadCopies), written here
   * on the calling thread into the arena's scratch block: D·I floats, a few microseconds, before the
   * quad kernel that reads them runs on any thread. Returns the copies' pointer.
   */
  const xCopies = (q: QuadIndexBlock, x: Float32Array, I: number): number => {
    const xq = arena.scratch(16 * q.patterns * (I / 4));
    k.quadCopies(0, I / 4, xq, x.byteOffset, q.patternMasks, q.patterns);
    return xq;
  };
  const blockLanes = options.denseBlocks ?? true;
  /** The dense blocks a batch-lane kernel runs on from batch `from` (BLOCK_BATCHES), or null (smaller B, no blocks, or blocks off). */
  const blocksAt = (index: SparseIndex, B: number, from: number): DenseBlocksBlock | null =>
    (B >= Math.max(from, edgeLanes) && blockLanes ? arena.blocks(index) : null);
  /**
   * The dense blocks the batch-1 block kernels run on (vectors over a block's sources: fan-in a
   * multiple of 4), or null (other batches, edge lanes off, no blocks, or blocks off).
   */
  const blocksOfOne = (index: SparseIndex, B: number): DenseBlocksBlock | null => {
    if (B !== 1 || B >= edgeLanes || !blockLanes) return null;
    const b = arena.blocks(index);
    return b !== null && b.fanIn % 4 === 0 ? b : null;
  };
  /**
   * x[I] (batch 1) gathered block by block (assembly/block-kernels.ts blockGatherOne) into the arena's
   * scratch block, on the calling thread, before a batch-1 block kernel that reads it runs on any
   * thread. Returns its pointer.
   */
  const xBlocks = (b: DenseBlocksBlock, x: Float32Array): number => {
    const xt = arena.scratch(4 * b.count * b.fanIn);
    k.blockGatherOne(0, b.count, xt, x.byteOffset, b.sources, b.fanIn);
    return xt;
  };
  const skipZeros = options.skipZeroRows ?? true;
  /**
   * Flags the live rows of x[I,B] (B >= 4) in the arena's scratch, on the calling thread (it reads
   * a live row only up to its first nonzero chunk: a few microseconds for MNIST's 784 pixels), and
   * returns the flags' pointer `live` and, `keptBytes` bytes after them, the kernel's room for its
   * copies `kept`, when at least ZERO_ROWS_MIN_SHARE of the rows are zero; else null (skip nothing).
   * The forward and the weight gradient each scan their x: the kernels keep no state between calls.
   */
  const zeroRows = (x: Float32Array, I: number, B: number, keptBytes: number): { live: number; kept: number } | null => {
    if (!skipZeros) return null;
    const live = arena.scratch(keptAt(I) + keptBytes);
    const liveCount = k.liveRows(0, I, live, x.byteOffset, B) as number;
    return I - liveCount >= ZERO_ROWS_MIN_SHARE * I ? { live, kept: live + keptAt(I) } : null;
  };
  let pool = runner;
  const own = (a: Floats): a is Float32Array => arena.owns(a);
  const ptr = (a: Float32Array | null): number => (a === null ? 0 : a.byteOffset);

  /** Runs `name` on [0, N) here, or split by `bounds` on every thread when the job is large enough. */
  function exec(name: WasmKernelName, N: number, work: number, bounds: (T: number) => Int32Array,
    args: readonly number[]): void {
    if (pool === null || work < minWork) k[name](0, N, ...args);
    else pool.run(name, bounds(pool.threads * PARTS_PER_THREAD), args);
  }
  const even = (N: number, align: number) => (T: number) => evenBounds(N, T, align);
  /**
   * Runs the windowed variant of a row-split sparse kernel on rows [0, N), gathering from an array
   * of `gathered` floats, where `windowedSplit` says so; returns false (nothing run) otherwise.
   */
  function execWindows(name: WasmKernelName, N: number, work: number, gathered: number, args: readonly number[]): boolean {
    if (pool === null || work < minWork || !windowedSplit(N, 4 * gathered, pool.threads, windowRows, windowMinBytes)) return false;
    const T = pool.threads;
    pool.run(name, evenBounds(T, T, 1), [windowRows, T, N, ...args]);
    return true;
  }
  /**
   * Runs a block kernel (assembly/block-kernels.ts, conv-blocks.ts) over the G blocks of `b`: on the
   * calling thread, or in up to PARTS_PER_THREAD parts per thread (whole blocks each) when the job is
   * large enough, each part with its own tile of `tileBytes` in the arena's scratch.
   */
  function execBlocks(name: WasmKernelName, b: DenseBlocksBlock, work: number, tileBytes: number, args: readonly number[],
    tail: readonly number[]): void {
    const T = pool === null || work < minWork ? 1 : Math.min(b.count, pool.threads * PARTS_PER_THREAD);
    const tile = Math.ceil(tileBytes / 64) * 64;
    const all = [T, b.count, b.targetsPerBlock, b.fanIn, ...args, b.targets, b.sources, arena.scratch(T * tile), tile, ...tail];
    if (T === 1) k[name](0, 1, ...all);
    else pool!.run(name, evenBounds(T, T, 1), all);
  }
  let geometryBlock = 0;
  /** A convolution's geometry, Int32 [H, W, Ho, Wo, k, s, p, B], written to a block the conv block kernels read; returns its pointer. */
  function convGeometry(c: ConvShape, B: number): number {
    if (geometryBlock === 0) geometryBlock = arena.allocBytes(32);
    new Int32Array(arena.buffer(), geometryBlock, 8).set([c.inHeight, c.inWidth, c.outHeight, c.outWidth, c.kernel, c.stride, c.padding, B]);
    return geometryBlock;
  }
  /** The dense blocks over channels the conv block kernels run on (B a multiple of 16), or null. */
  const convBlocksAt = (index: SparseIndex, B: number): DenseBlocksBlock | null =>
    (B % CONV_BLOCK_BATCH === 0 && blockLanes ? arena.blocks(index) : null);
  /**
   * Whether a dense layer has too few outputs to split by output: fewer than 2 groups of 4 per
   * thread (a 1024 -> 10 output layer would get 4 + 6 units on 2 threads). Split by output, such a
   * layer ran slower on 2 threads than on 1 (npm run bench:breakdown, busy 2-core machine: forward
   * 137 µs on 1 thread, 252 µs on 2). Its forward then splits by columns of 16 samples and its weight
   * gradient by quads of inputs (assembly/dense-kernels.ts), every part all of its units: 102 -> 80 µs
   * and 93 -> 69 µs a call on 2 threads in npm start's epoch (bench:breakdown medians, 2026-12-01).
   */
  const fewOutputs = (O: number): boolean => pool !== null && O < 8 * pool.threads;

  const kernels: WasmKernels = {
    get name() {
      const build = arena.build === 'simd-fma' ? 'wasm-simd-fma' : 'wasm-simd';
      return pool === null ? build : `${build} ×${pool.threads} threads`;
    },
    arena,
    get threads() {
      return pool === null ? 1 : pool.threads;
    },
    close() {
      pool?.close();
      pool = null;
    },

    alloc(precision: Precision, n: number): Floats {
      return precision === 'f32' ? arena.alloc(n) : new Float64Array(n);
    },

    // y[O,B] <- x[I,B], W[E], bias[O] | null
    sparseForward(y, x, W, bias, index, B, relu = false) {
      if (!(own(y) && own(x) && own(W) && (bias === null || own(bias)))) {
        ref.sparseForward(y, x, W, bias, index, B, relu);
        return;
      }
      const { inputs: I, outputs: O } = index;
      const E = index.sources.length;
      need('sparseForward', 'y', y, O * B);
      need('sparseForward', 'x', x, I * B);
      need('sparseForward', 'W', W, E);
      if (bias !== null) need('sparseForward', 'bias', bias, O);
      // the block kernel masks each pair of rows as it writes them (assembly/elementwise-kernels.ts
      // maskRows); the others leave the ReLU to a second pass (in the gather's rows it ran at 0.95x of that)
      const blocks = blocksAt(index, B, BLOCK_BATCHES.forward);
      if (blocks !== null) {
        execBlocks('blockForward', blocks, E * B, blockTileStrides(blocks.targetsPerBlock, blocks.fanIn, B).forward,
          [y.byteOffset, x.byteOffset, W.byteOffset, ptr(bias)], [B, relu ? y.byteOffset : 0]);
        return;
      }
      const s = arena.sparse(index);
      const one = blocksOfOne(index, B);
      const q = quadsAt(index, B);
      if (B >= edgeLanes) {
        // with the ReLU to follow, edges from rows of zeros change nothing it lets through (assembly/live-rows.ts)
        const z = relu ? zeroRows(x, I, B, 8 * E) : null; // kept rows [E], then kept weights [E]
        const args = [y.byteOffset, x.byteOffset, W.byteOffset, ptr(bias), s.targetOffsets, s.sources, B,
          z?.live ?? 0, z?.kept ?? 0, z === null ? 0 : z.kept + 4 * E];
        if (!execWindows('sparseForwardWindows', O, E * B, I * B, args)) exec('sparseForward', O, E * B, s.targetBounds, args);
      } else if (one !== null) {
        exec('blockForwardOne', O, E / SMALL_BATCH_PARALLEL_FACTOR, even(O, 4),
          [one.fanIn, y.byteOffset, xBlocks(one, x), W.byteOffset, ptr(bias), one.blockOf]);
      } else if (q !== null && q.copies !== 0) {
        exec('sparseForwardQuads', O / 4, E / SMALL_BATCH_PARALLEL_FACTOR, even(O / 4, 1),
          [y.byteOffset, xCopies(q, x, I), W.byteOffset, ptr(bias), q.copies, q.fanIn]);
      } else {
        exec('sparseForwardSmallBatch', O, smallBatchWork(E, B), s.targetBounds,
          [y.byteOffset, x.byteOffset, W.byteOffset, ptr(bias), s.targetOffsets, s.sources, B]);
      }
      if (relu) kernels.reluForward(y, y, O * B);
    },

    // dx[I,B] <- dy[O,B], W[E]
    sparseBackwardInput(dx, dy, W, index, B, reluOf = null) {
      if (!(own(dx) && own(dy) && own(W) && (reluOf === null || own(reluOf)))) {
        ref.sparseBackwardInput(dx, dy, W, index, B, reluOf);
        return;
      }
      const { inputs: I, outputs: O } = index;
      const E = index.sources.length;
      need('sparseBackwardInput', 'dx', dx, I * B);
      need('sparseBackwardInput', 'dy', dy, O * B);
      need('sparseBackwardInput', 'W', W, E);
      if (reluOf !== null) need('sparseBackwardInput', 'reluOf', reluOf, I * B);
      // the ReLU gradient as in sparseForward: inside the block kernel, else a second pass
      const blocks = blocksAt(index, B, BLOCK_BATCHES.input);
      if (blocks !== null) {
        execBlocks('blockBackwardInput', blocks, E * B, blockTileStrides(blocks.targetsPerBlock, blocks.fanIn, B).input,
          [dx.byteOffset, dy.byteOffset, W.byteOffset], [B, ptr(reluOf)]);
        return;
      }
      const s = arena.sparse(index);
      // B = 1 on quad blocks (assembly/quad-kernels.ts): dx sums in the order of the quads, so the
      // kernel runs whole on the calling thread (bit-identical for any thread count), 4× faster there
      // than the edge lanes on two threads at n = 16384 and 65536
      const one = blocksOfOne(index, B);
      const q = quadsAt(index, B);
      if (B >= edgeLanes) {
        const args = [dx.byteOffset, dy.byteOffset, W.byteOffset, s.transposedWeights, s.sourceOffsets, s.targets, s.edgeOf, B];
        if (!execWindows('sparseBackwardInputWindows', I, E * B, O * B, args)) exec('sparseBackwardInput', I, E * B, s.sourceBounds, args);
      } else if (one !== null) {
        execBlocks('blockBackwardInputOne', one, E / SMALL_BATCH_PARALLEL_FACTOR, 4 * one.fanIn, [dx.byteOffset, dy.byteOffset, W.byteOffset], []);
      } else if (q !== null && q.blocks !== 0) {
        k.sparseBackwardInputQuads(0, O / 4, dx.byteOffset, dy.byteOffset, W.byteOffset, q.blocks, q.masks, q.fanIn, I, q.run);
      } else {
        exec('sparseBackwardInputSmallBatch', I, smallBatchWork(E, B), s.sourceBounds,
          [dx.byteOffset, dy.byteOffset, W.byteOffset, s.sourceOffsets, s.targets, s.edgeOf, B]);
      }
      if (reluOf !== null) kernels.reluBackward(dx, dx, reluOf, I * B);
    },

    // dW[E] <- dy[O,B], x[I,B]
    sparseBackwardWeight(dW, dy, x, index, B, db = null) {
      if (!(own(dW) && own(dy) && own(x) && (db === null || own(db)))) {
        ref.sparseBackwardWeight(dW, dy, x, index, B, db);
        return;
      }
      const { inputs: I, outputs: O } = index;
      const E = index.sources.length;
      need('sparseBackwardWeight', 'dW', dW, E);
      need('sparseBackwardWeight', 'dy', dy, O * B);
      need('sparseBackwardWeight', 'x', x, I * B);
      if (db !== null) need('sparseBackwardWeight', 'db', db, O);
      // the block and batch-lane gather kernels sum the bias gradient as they read each dy row; the
      // batch-1 and edge-lane kernels leave it to biasBackward
      const blocks = blocksAt(index, B, BLOCK_BATCHES.weight);
      if (blocks !== null && blocks.fanIn % 4 === 0) {
        execBlocks('blockBackwardWeight', blocks, E * B, blockTileStrides(blocks.targetsPerBlock, blocks.fanIn, B).weight,
          [dW.byteOffset, dy.byteOffset, x.byteOffset], [B, ptr(db)]);
        return;
      }
      const s = arena.sparse(index);
      if (B >= edgeLanes) {
        const z = zeroRows(x, I, B, 4 * E); // kept edge positions [E]
        const args = [dW.byteOffset, dy.byteOffset, x.byteOffset, s.targetOffsets, s.sources, B, ptr(db), z?.live ?? 0, z?.kept ?? 0];
        if (!execWindows('sparseBackwardWeightWindows', O, E * B, I * B, args)) exec('sparseBackwardWeight', O, E * B, s.targetBounds, args);
        return;
      }
      const one = blocksOfOne(index, B);
      const q = quadsAt(index, B);
      if (one !== null) {
        exec('blockBackwardWeightOne', O, E / SMALL_BATCH_PARALLEL_FACTOR, even(O, 1),
          [one.fanIn, dW.byteOffset, dy.byteOffset, xBlocks(one, x), one.blockOf]);
      } else if (q !== null && q.copies !== 0) {
        exec('sparseBackwardWeightQuads', O / 4, E / SMALL_BATCH_PARALLEL_FACTOR, even(O / 4, 1),
          [dW.byteOffset, dy.byteOffset, xCopies(q, x, I), q.copies, q.fanIn]);
      } else {
        exec('sparseBackwardWeightSmallBatch', O, smallBatchWork(E, B), s.targetBounds,
          [dW.byteOffset, dy.byteOffset, x.byteOffset, s.targetOffsets, s.sources, B]);
      }
      if (db !== null) kernels.biasBackward(db, dy, O, B);
    },

    // dx[I,B], dW[E] (and db[O]) <- dy[O,B], x[I,B], W[E]: the two kernels above, one after the other
    // (a fused one-pass kernel measured slower at batch lanes, see assembly/sparse-kernels.ts, and no
    // faster on quads at B = 1, see assembly/quad-kernels.ts).
    sparseBackward(dx, dW, dy, x, W, index, B, reluOf = null, db = null) {
      kernels.sparseBackwardInput(dx, dy, W, index, B, reluOf);
      kernels.sparseBackwardWeight(dW, dy, x, index, B, db);
    },

    // y[O,B] <- x[I,B], W[O,I], bias[O] | null
    denseForward(y, x, W, bias, I, O, B, relu = false) {
      if (!(own(y) && own(x) && own(W) && (bias === null || own(bias)))) {
        ref.denseForward(y, x, W, bias, I, O, B, relu);
        return;
      }
      need('denseForward', 'y', y, O * B);
      need('denseForward', 'x', x, I * B);
      need('denseForward', 'W', W, O * I);
      if (bias !== null) need('denseForward', 'bias', bias, O);
      const args = [y.byteOffset, x.byteOffset, W.byteOffset, ptr(bias), I, I, 1, B, relu ? y.byteOffset : 0];
      const columns = Math.max(1, B >> 4); // of 16 samples, the last with the rest (one column below 32 samples)
      if (fewOutputs(O)) exec('denseGatherColumns', columns, O * I * B, even(columns, 1), [...args, O]);
      else exec('denseGather', O, O * I * B, even(O, 4), args);
    },

    // dx[I,B] <- dy[O,B], W[O,I]
    denseBackwardInput(dx, dy, W, I, O, B, reluOf = null) {
      if (!(own(dx) && own(dy) && own(W) && (reluOf === null || own(reluOf)))) {
        ref.denseBackwardInput(dx, dy, W, I, O, B, reluOf);
        return;
      }
      need('denseBackwardInput', 'dx', dx, I * B);
      need('denseBackwardInput', 'dy', dy, O * B);
      need('denseBackwardInput', 'W', W, O * I);
      if (reluOf !== null) need('denseBackwardInput', 'reluOf', reluOf, I * B);
      exec('denseGather', I, O * I * B, even(I, 4), [dx.byteOffset, dy.byteOffset, W.byteOffset, 0, O, 1, I, B, ptr(reluOf)]);
    },

    // dW[O,I] <- dy[O,B], x[I,B]
    denseBackwardWeight(dW, dy, x, I, O, B) {
      if (!(own(dW) && own(dy) && own(x))) {
        ref.denseBackwardWeight(dW, dy, x, I, O, B);
        return;
      }
      need('denseBackwardWeight', 'dW', dW, O * I);
      need('denseBackwardWeight', 'dy', dy, O * B);
      need('denseBackwardWeight', 'x', x, I * B);
      const args = [dW.byteOffset, dy.byteOffset, x.byteOffset, I, B];
      const quads = Math.max(1, I >> 2); // of 4 inputs, the last with the rest (one below 8 inputs)
      if (fewOutputs(O)) exec('denseBackwardWeightColumns', quads, O * I * B, even(quads, 1), [...args, O]);
      else exec('denseBackwardWeight', O, O * I * B, even(O, 4), args);
    },

    // db[O] <- dy[O,B]
    biasBackward(db, dy, O, B) {
      if (!(own(db) && own(dy))) {
        ref.biasBackward(db, dy, O, B);
        return;
      }
      need('biasBackward', 'db', db, O);
      need('biasBackward', 'dy', dy, O * B);
      exec('biasBackward', O, O * B * STREAM_ELEMENT_WORK, even(O, 1), [db.byteOffset, dy.byteOffset, B]);
    },

    // y[N] <- x[N]
    reluForward(y, x, N) {
      if (!(own(y) && own(x))) {
        ref.reluForward(y, x, N);
        return;
      }
      need('reluForward', 'y', y, N);
      need('reluForward', 'x', x, N);
      exec('reluForward', N, N * STREAM_ELEMENT_WORK, even(N, 16), [y.byteOffset, x.byteOffset]);
    },

    // dx[N] <- dy[N], y[N]
    reluBackward(dx, dy, y, N) {
      if (!(own(dx) && own(dy) && own(y))) {
        ref.reluBackward(dx, dy, y, N);
        return;
      }
      need('reluBackward', 'dx', dx, N);
      need('reluBackward', 'dy', dy, N);
      need('reluBackward', 'y', y, N);
      exec('reluBackward', N, N * STREAM_ELEMENT_WORK, even(N, 16), [dx.byteOffset, dy.byteOffset, y.byteOffset]);
    },

    // y[U,B], xhat[U,B], mean[U], invStd[U] <- x[U,B], gamma[U], beta[U]
    batchNormForward(y, xhat, mean, invStd, x, gamma, beta, eps, U, B) {
      if (!(own(y) && own(xhat) && own(mean) && own(invStd) && own(x) && own(gamma) && own(beta))) {
        ref.batchNormForward(y, xhat, mean, invStd, x, gamma, beta, eps, U, B);
        return;
      }
      for (const [what, a] of [['y', y], ['xhat', xhat], ['x', x]] as const) need('batchNormForward', what, a, U * B);
      for (const [what, a] of [['mean', mean], ['invStd', invStd], ['gamma', gamma], ['beta', beta]] as const) {
        need('batchNormForward', what, a, U);
      }
      exec('batchNormForward', U, 4 * U * B, even(U, 1), [y.byteOffset, xhat.byteOffset, mean.byteOffset,
        invStd.byteOffset, x.byteOffset, gamma.byteOffset, beta.byteOffset, eps, B]);
    },

    // y[U,B] <- x[U,B], runningMean[U], runningVar[U], gamma[U], beta[U]
    batchNormInference(y, x, runningMean, runningVar, gamma, beta, eps, U, B) {
      if (!(own(y) && own(x) && own(runningMean) && own(runningVar) && own(gamma) && own(beta))) {
        ref.batchNormInference(y, x, runningMean, runningVar, gamma, beta, eps, U, B);
        return;
      }
      need('batchNormInference', 'y', y, U * B);
      need('batchNormInference', 'x', x, U * B);
      for (const [what, a] of [['runningMean', runningMean], ['runningVar', runningVar], ['gamma', gamma],
        ['beta', beta]] as const) need('batchNormInference', what, a, U);
      exec('batchNormInference', U, U * B, even(U, 1), [y.byteOffset, x.byteOffset, runningMean.byteOffset,
        runningVar.byteOffset, gamma.byteOffset, beta.byteOffset, eps, B]);
    },

    // dx[U,B], dGamma[U], dBeta[U] <- dy[U,B], xhat[U,B], invStd[U], gamma[U]
    batchNormBackward(dx, dGamma, dBeta, dy, xhat, invStd, gamma, U, B) {
      if (!(own(dx) && own(dGamma) && own(dBeta) && own(dy) && own(xhat) && own(invStd) && own(gamma))) {
        ref.batchNormBackward(dx, dGamma, dBeta, dy, xhat, invStd, gamma, U, B);
        return;
      }
      for (const [what, a] of [['dx', dx], ['dy', dy], ['xhat', xhat]] as const) need('batchNormBackward', what, a, U * B);
      for (const [what, a] of [['dGamma', dGamma], ['dBeta', dBeta], ['invStd', invStd], ['gamma', gamma]] as const) {
        need('batchNormBackward', what, a, U);
      }
      exec('batchNormBackward', U, 4 * U * B, even(U, 1), [dx.byteOffset, dGamma.byteOffset, dBeta.byteOffset,
        dy.byteOffset, xhat.byteOffset, invStd.byteOffset, gamma.byteOffset, B]);
    },

    // runningMean[U], runningVar[U] <- mean[U], invStd[U]: a few operations per unit, on the calling thread
    batchNormRunningStats(runningMean, runningVar, mean, invStd, momentum, eps, unbias, U) {
      if (!(own(runningMean) && own(runningVar) && own(mean) && own(invStd))) {
        ref.batchNormRunningStats(runningMean, runningVar, mean, invStd, momentum, eps, unbias, U);
        return;
      }
      for (const [what, a] of [['runningMean', runningMean], ['runningVar', runningVar], ['mean', mean], ['invStd', invStd]] as const) {
        need('batchNormRunningStats', what, a, U);
      }
      k.batchNormRunningStats(0, U, runningMean.byteOffset, runningVar.byteOffset, mean.byteOffset, invStd.byteOffset, momentum, eps, unbias);
    },

    // y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[E,k,k], bias[Co] | null; split by output channel (edge-balanced)
    pathConvForward(y, x, W, bias, index, shape, B) {
      if (!(own(y) && own(x) && own(W) && (bias === null || own(bias)))) {
        ref.pathConvForward(y, x, W, bias, index, shape, B);
        return;
      }
      const E = pathConvSizes('pathConvForward', index, shape);
      const { inChannels: Ci, outChannels: Co } = shape;
      need('pathConvForward', 'y', y, Co * outPlane(shape) * B);
      need('pathConvForward', 'x', x, Ci * inPlane(shape) * B);
      need('pathConvForward', 'W', W, E * taps(shape));
      if (bias !== null) need('pathConvForward', 'bias', bias, Co);
      const blocks = convBlocksAt(index, B);
      if (blocks !== null) {
        execBlocks('convBlockForward', blocks, E * taps(shape) * outPlane(shape) * B, convBlockTileStrides(blocks, shape).forward,
          [y.byteOffset, x.byteOffset, W.byteOffset, ptr(bias)], [convGeometry(shape, B)]);
        return;
      }
      const s = arena.sparse(index);
      exec('pathConvForward', Co, E * taps(shape) * outPlane(shape) * B, s.targetBounds,
        [y.byteOffset, x.byteOffset, W.byteOffset, ptr(bias), s.targetOffsets, s.sources, ...geometry(shape), B]);
    },

    // dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[E,k,k]; split by input channel over the transpose (edge-balanced)
    pathConvBackwardInput(dx, dy, W, index, shape, B) {
      if (!(own(dx) && own(dy) && own(W))) {
        ref.pathConvBackwardInput(dx, dy, W, index, shape, B);
        return;
      }
      const E = pathConvSizes('pathConvBackwardInput', index, shape);
      const { inChannels: Ci, outChannels: Co } = shape;
      need('pathConvBackwardInput', 'dx', dx, Ci * inPlane(shape) * B);
      need('pathConvBackwardInput', 'dy', dy, Co * outPlane(shape) * B);
      need('pathConvBackwardInput', 'W', W, E * taps(shape));
      const blocks = shape.stride === 1 ? convBlocksAt(index, B) : null;
      if (blocks !== null) {
        execBlocks('convBlockBackwardInput', blocks, E * taps(shape) * outPlane(shape) * B, convBlockTileStrides(blocks, shape).input,
          [dx.byteOffset, dy.byteOffset, W.byteOffset], [convGeometry(shape, B)]);
        return;
      }
      const s = arena.sparse(index);
      exec('pathConvBackwardInput', Ci, E * taps(shape) * outPlane(shape) * B, s.sourceBounds,
        [dx.byteOffset, dy.byteOffset, W.byteOffset, s.sourceOffsets, s.targets, s.edgeOf, ...geometry(shape), B]);
    },

    // dW[E,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]; split by output channel (edge-balanced), so that the
    // edges of one target share its dy loads
    pathConvBackwardWeight(dW, dy, x, index, shape, B) {
      if (!(own(dW) && own(dy) && own(x))) {
        ref.pathConvBackwardWeight(dW, dy, x, index, shape, B);
        return;
      }
      const E = pathConvSizes('pathConvBackwardWeight', index, shape);
      const { inChannels: Ci, outChannels: Co } = shape;
      need('pathConvBackwardWeight', 'dW', dW, E * taps(shape));
      need('pathConvBackwardWeight', 'dy', dy, Co * outPlane(shape) * B);
      need('pathConvBackwardWeight', 'x', x, Ci * inPlane(shape) * B);
      const blocks = shape.stride === 1 && shape.kernel === 3 ? convBlocksAt(index, B) : null;
      if (blocks !== null) {
        execBlocks('convBlockBackwardWeight', blocks, E * taps(shape) * outPlane(shape) * B, convBlockTileStrides(blocks, shape).weight,
          [dW.byteOffset, dy.byteOffset, x.byteOffset], [convGeometry(shape, B)]);
        return;
      }
      const s = arena.sparse(index);
      exec('pathConvBackwardWeight', Co, E * taps(shape) * outPlane(shape) * B, s.targetBounds,
        [dW.byteOffset, dy.byteOffset, x.byteOffset, s.targetOffsets, s.sources, ...geometry(shape), B]);
    },

    // y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[Co,Ci,k,k], bias[Co] | null; split by output channel, groups of 4
    convForward(y, x, W, bias, shape, B) {
      if (!(own(y) && own(x) && own(W) && (bias === null || own(bias)))) {
        ref.convForward(y, x, W, bias, shape, B);
        return;
      }
      const { inChannels: Ci, outChannels: Co } = shape;
      need('convForward', 'y', y, Co * outPlane(shape) * B);
      need('convForward', 'x', x, Ci * inPlane(shape) * B);
      need('convForward', 'W', W, Co * Ci * taps(shape));
      if (bias !== null) need('convForward', 'bias', bias, Co);
      exec('convForward', Co, Co * Ci * taps(shape) * outPlane(shape) * B, even(Co, 4),
        [y.byteOffset, x.byteOffset, W.byteOffset, ptr(bias), Ci, ...geometry(shape), B]);
    },

    // dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[Co,Ci,k,k]; split by input channel, groups of 4
    convBackwardInput(dx, dy, W, shape, B) {
      if (!(own(dx) && own(dy) && own(W))) {
        ref.convBackwardInput(dx, dy, W, shape, B);
        return;
      }
      const { inChannels: Ci, outChannels: Co } = shape;
      need('convBackwardInput', 'dx', dx, Ci * inPlane(shape) * B);
      need('convBackwardInput', 'dy', dy, Co * outPlane(shape) * B);
      need('convBackwardInput', 'W', W, Co * Ci * taps(shape));
      exec('convBackwardInput', Ci, Co * Ci * taps(shape) * outPlane(shape) * B, even(Ci, 4),
        [dx.byteOffset, dy.byteOffset, W.byteOffset, Ci, Co, ...geometry(shape), B]);
    },

    // dW[Co,Ci,k,k] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]; split by output channel, pairs
    convBackwardWeight(dW, dy, x, shape, B) {
      if (!(own(dW) && own(dy) && own(x))) {
        ref.convBackwardWeight(dW, dy, x, shape, B);
        return;
      }
      const { inChannels: Ci, outChannels: Co } = shape;
      need('convBackwardWeight', 'dW', dW, Co * Ci * taps(shape));
      need('convBackwardWeight', 'dy', dy, Co * outPlane(shape) * B);
      need('convBackwardWeight', 'x', x, Ci * inPlane(shape) * B);
      exec('convBackwardWeight', Co, Co * Ci * taps(shape) * outPlane(shape) * B, even(Co, 2),
        [dW.byteOffset, dy.byteOffset, x.byteOffset, Ci, ...geometry(shape), B]);
    },

    // y[C,Ho,Wo,B] <- x[C,H,W,B]; split by channel
    maxPoolForward(y, x, shape, B) {
      if (!(own(y) && own(x))) {
        ref.maxPoolForward(y, x, shape, B);
        return;
      }
      const C = shape.channels;
      need('maxPoolForward', 'y', y, C * shape.outHeight * shape.outWidth * B);
      need('maxPoolForward', 'x', x, C * shape.inHeight * shape.inWidth * B);
      exec('maxPoolForward', C, poolWork(shape, B), even(C, 1), [y.byteOffset, x.byteOffset, ...poolGeometry(shape), B]);
    },

    // dx[C,H,W,B] <- dy[C,Ho,Wo,B], x[C,H,W,B], y[C,Ho,Wo,B]; split by channel
    maxPoolBackward(dx, dy, x, y, shape, B) {
      if (!(own(dx) && own(dy) && own(x) && own(y))) {
        ref.maxPoolBackward(dx, dy, x, y, shape, B);
        return;
      }
      const C = shape.channels;
      need('maxPoolBackward', 'dx', dx, C * shape.inHeight * shape.inWidth * B);
      need('maxPoolBackward', 'dy', dy, C * shape.outHeight * shape.outWidth * B);
      need('maxPoolBackward', 'x', x, C * shape.inHeight * shape.inWidth * B);
      need('maxPoolBackward', 'y', y, C * shape.outHeight * shape.outWidth * B);
      exec('maxPoolBackward', C, 2 * poolWork(shape, B), even(C, 1),
        [dx.byteOffset, dy.byteOffset, x.byteOffset, y.byteOffset, ...poolGeometry(shape), B]);
    },

    // y[C,Ho,Wo,B] <- x[C,H,W,B]; split by channel
    avgPoolForward(y, x, shape, B) {
      if (!(own(y) && own(x))) {
        ref.avgPoolForward(y, x, shape, B);
        return;
      }
      const C = shape.channels;
      need('avgPoolForward', 'y', y, C * shape.outHeight * shape.outWidth * B);
      need('avgPoolForward', 'x', x, C * shape.inHeight * shape.inWidth * B);
      exec('avgPoolForward', C, poolWork(shape, B), even(C, 1), [y.byteOffset, x.byteOffset, ...poolGeometry(shape), B]);
    },

    // dx[C,H,W,B] <- dy[C,Ho,Wo,B]; split by channel
    avgPoolBackward(dx, dy, shape, B) {
      if (!(own(dx) && own(dy))) {
        ref.avgPoolBackward(dx, dy, shape, B);
        return;
      }
      const C = shape.channels;
      need('avgPoolBackward', 'dx', dx, C * shape.inHeight * shape.inWidth * B);
      need('avgPoolBackward', 'dy', dy, C * shape.outHeight * shape.outWidth * B);
      exec('avgPoolBackward', C, 2 * poolWork(shape, B), even(C, 1),
        [dx.byteOffset, dy.byteOffset, ...poolGeometry(shape), B]);
    },

    // y[C,B] <- x[C,N,B]; split by channel
    globalAvgPoolForward(y, x, C, N, B) {
      if (!(own(y) && own(x))) {
        ref.globalAvgPoolForward(y, x, C, N, B);
        return;
      }
      need('globalAvgPoolForward', 'y', y, C * B);
      need('globalAvgPoolForward', 'x', x, C * N * B);
      exec('globalAvgPoolForward', C, C * N * B, even(C, 1), [y.byteOffset, x.byteOffset, N, B]);
    },

    // dx[C,N,B] <- dy[C,B]; split by channel
    globalAvgPoolBackward(dx, dy, C, N, B) {
      if (!(own(dx) && own(dy))) {
        ref.globalAvgPoolBackward(dx, dy, C, N, B);
        return;
      }
      need('globalAvgPoolBackward', 'dx', dx, C * N * B);
      need('globalAvgPoolBackward', 'dy', dy, C * B);
      exec('globalAvgPoolBackward', C, C * N * B, even(C, 1), [dx.byteOffset, dy.byteOffset, N, B]);
    },

    // y[N] <- a[N], b[N]; y may alias either; split by element
    add(y, a, b, N) {
      if (!(own(y) && own(a) && own(b))) {
        ref.add(y, a, b, N);
        return;
      }
      for (const [what, v] of [['y', y], ['a', a], ['b', b]] as const) need('add', what, v, N);
      exec('add', N, N * STREAM_ELEMENT_WORK, even(N, 16), [y.byteOffset, a.byteOffset, b.byteOffset]);
    },

    // dLogits[C,B] <- logits[C,B], labels[B]; returns the mean loss
    softmaxCrossEntropy(dLogits, logits, labels, C, B) {
      if (!(own(dLogits) && own(logits))) return ref.softmaxCrossEntropy(dLogits, logits, labels, C, B);
      need('softmaxCrossEntropy', 'dLogits', dLogits, C * B);
      need('softmaxCrossEntropy', 'logits', logits, C * B);
      need('softmaxCrossEntropy', 'labels', labels, B);
      // scratch: labels as Int32 [B], then per-sample (sum, max - z[label]) as f32 [2B]
      const at = arena.scratch(12 * B);
      const buffer = arena.buffer();
      const lab = new Int32Array(buffer, at, B);
      for (let b = 0; b < B; b++) {
        const l = labels[b];
        check(l >= 0 && l < C && Number.isInteger(l), () => `softmaxCrossEntropy: label ${l} of sample ${b} is not in [0, ${C})`);
        lab[b] = l;
      }
      exec('softmaxCrossEntropy', B, 8 * C * B, even(B, 4),
        [dLogits.byteOffset, logits.byteOffset, at, at + 4 * B, C, B]);
      const stats = new Float32Array(buffer, at + 4 * B, 2 * B);
      let total = 0;
      for (let b = 0; b < B; b++) total += Math.log(stats[2 * b]) + stats[2 * b + 1];
      return total / B;
    },

    // w[N], v[N] <- g[N]
    sgdMomentumStep(w, g, v, lr, momentum, weightDecay, N) {
      if (!(own(w) && own(g) && own(v))) {
        ref.sgdMomentumStep(w, g, v, lr, momentum, weightDecay, N);
        return;
      }
      for (const [what, a] of [['w', w], ['g', g], ['v', v]] as const) need('sgdMomentumStep', what, a, N);
      exec('sgdMomentumStep', N, 2 * N * STREAM_ELEMENT_WORK, even(N, 16), [w.byteOffset, g.byteOffset, v.byteOffset, lr, momentum, weightDecay]);
    },

    // w[N], m[N], v[N] <- g[N]
    adamStep(w, g, m, v, lr, beta1, beta2, eps, weightDecay, step, N) {
      if (!(own(w) && own(g) && own(m) && own(v))) {
        ref.adamStep(w, g, m, v, lr, beta1, beta2, eps, weightDecay, step, N);
        return;
      }
      for (const [what, a] of [['w', w], ['g', g], ['m', m], ['v', v]] as const) need('adamStep', what, a, N);
      const c1 = 1 / (1 - Math.pow(beta1, step));
      const c2 = 1 / (1 - Math.pow(beta2, step));
      exec('adamStep', N, 4 * N * STREAM_ELEMENT_WORK, even(N, 16), [w.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, lr, beta1, beta2,
        eps, weightDecay, c1, c2, 1 - beta1, 1 - beta2]);
    },

    // w[N] in place
    clampSign(w, sign, N) {
      if (!own(w)) {
        ref.clampSign(w, sign, N);
        return;
      }
      need('clampSign', 'w', w, N);
      exec('clampSign', N, N * STREAM_ELEMENT_WORK, even(N, 16), [w.byteOffset, sign]);
    },

    // x[D,B] <- pixels[rows[b]][D], table[C][256]: the kernel reads each sample where the arena keeps
    // the dataset's copy (arena.pixels), or where this call stages its samples' bytes in scratch (a
    // dataset too large to copy in, or an unshared memory); the table (rounded to f32, as a store into
    // x would) and the samples' addresses go to scratch too; split by feature
    gatherBatch(x, pixels, rows, table, D, C, B) {
      if (!own(x)) {
        ref.gatherBatch(x, pixels, rows, table, D, C, B);
        return;
      }
      check(Number.isInteger(C) && C >= 1 && D % C === 0, () => `gatherBatch: ${C} channels do not divide ${D} features`);
      need('gatherBatch', 'x', x, D * B);
      need('gatherBatch', 'rows', rows, B);
      need('gatherBatch', 'table', table, 256 * C);
      const samples = pixels.length / D;
      for (let b = 0; b < B; b++) {
        const r = rows[b];
        if (!(r >= 0 && r < samples && Number.isInteger(r))) check(false, () => `gatherBatch: row ${r} of sample ${b} is not in [0, ${samples})`);
      }
      const copy = arena.pixels(pixels);
      const tableBytes = 1024 * C;
      const at = arena.scratch(tableBytes + 4 * B + (copy === 0 ? D * B : 0));
      const buffer = arena.buffer();
      new Float32Array(buffer, at, 256 * C).set(table.subarray(0, 256 * C));
      const starts = new Int32Array(buffer, at + tableBytes, B);
      if (copy !== 0) {
        for (let b = 0; b < B; b++) starts[b] = copy + rows[b] * D;
      } else {
        const staged = at + tableBytes + 4 * B;
        const bytes = new Uint8Array(buffer, staged, D * B);
        for (let b = 0; b < B; b++) {
          bytes.set(pixels.subarray(rows[b] * D, rows[b] * D + D), b * D);
          starts[b] = staged + b * D;
        }
      }
      exec('gatherBatch', D, D * B * GATHER_ELEMENT_WORK, even(D, 1), [x.byteOffset, starts.byteOffset, at, D / C, B]);
    },
  };
  return kernels;
}
