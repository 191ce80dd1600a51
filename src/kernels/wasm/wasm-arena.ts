/**
 * One wasm memory and what lives in it: float32 arrays handed out by a bump allocator, sparse
 * indices copied in once per index object, and a small reusable scratch block. Every thread's
 * instance of the kernels module imports this memory; only the main thread allocates.
 *
 * Layout: bytes [0, RESERVED_BYTES) are left to the module (it has no static data or stack
 * today; pointer 0 also means "no bias"); blocks above start on 64-byte cache lines (ALIGN). A shared memory (the
 * default; threads need it) grows on demand up to its maximum and never moves, so views made
 * before a growth stay valid. An unshared memory (a web page that is not cross-origin isolated has
 * no shared memory; the kernels then come from the -unshared builds) would detach every view when
 * it grows, so it is created at its maximum size and never grows.
 * Float blocks are never freed (layers allocate once and reuse them); an index block returns to a
 * free list when its index object is garbage-collected.
 */
import { check, checkInt } from '../../core/errors.js';
import type { Floats } from '../../core/floats.js';
import type { SparseIndex } from '../kernels.js';
import { blockOfTargets, denseBlocks } from '../dense-blocks.js';
import { quadBlocks, quadCopies, quadIndex, quadSwizzleMasks, swizzleMasks } from '../quad-index.js';
import { csrBounds } from './partition.js';
import { WASM_PAGE_BYTES, wasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';
import { wasmKernelExports, type WasmKernelExports } from './wasm-kernel-exports.js';

export const RESERVED_BYTES = 65536;
/**
 * Every block starts on a 64-byte cache line. A row of an activation array whose batch is a multiple
 * of 16 (512 bytes at 128) is then whole lines, and two threads that write neighbouring rows never
 * write the same line.
 * At 16 bytes, npm start's first hidden activations sat 32 bytes into a line, and in the 1024 → 1024
 * step every row of the input gradient, which the block kernels write in scattered order, shared its
 * first and last lines with rows of the other thread: two threads ran the step at 1.54–1.66× one,
 * against 1.66–1.76× with the arrays on lines (the same kernels in one process, far cores; docs/RESULTS.md).
 */
const ALIGN = 64;
const MAX_PAGES = 65536; // 4 GiB, all a wasm32 pointer reaches
const UNSHARED_PAGES = 4096; // 256 MiB, allocated up front
/**
 * The largest dataset (bytes) whose pixels the arena copies in for gatherBatch: MNIST's and
 * Fashion-MNIST's 60,000 × 784 (47 MB) fit; CIFAR-10's 50,000 × 3072 (154 MB) does not, and its
 * batches are staged per call (a convolutional network's step dwarfs its batching, and ResNet-20
 * needs the wasm memory for its activations).
 */
export const PIXEL_COPY_MAX_BYTES = 64 * 2 ** 20;

/**
 * Which compiled kernels run in an arena: 'simd' (build/sobolnet-kernels.wasm, multiply then add)
 * or 'simd-fma' (build/sobolnet-kernels-fma.wasm, relaxed SIMD fused multiply-add). Both come from
 * the same source (assembly/simd.ts `madd`).
 */
export type WasmBuild = 'simd' | 'simd-fma';

export interface WasmArenaOptions {
  /** The build of `module` (it names the backend); default 'simd'. */
  readonly build?: WasmBuild;
  /** Initial memory in 64 KiB pages; default 256 (16 MiB). */
  readonly initialPages?: number;
  /**
   * Maximum memory in pages; default 65536 (4 GiB) when shared, 4096 (256 MiB) when not. Shared
   * memory reserves its maximum address space up front; unshared memory is allocated at it.
   */
  readonly maximumPages?: number;
  /** Whether the memory is shared (default true); `module` must be a build for that kind of memory. */
  readonly shared?: boolean;
}

/** A SparseIndex in wasm memory: byte pointers of its arrays and cached partitions. */
export interface SparseIndexBlock {
  readonly targetOffsets: number; // Int32 [O+1]
  readonly sources: number; // Int32 [E]
  readonly sourceOffsets: number; // Int32 [I+1]
  readonly targets: number; // Int32 [E]
  readonly edgeOf: number; // Int32 [E]
  readonly transposedWeights: number; // f32 [E], scratch of the backward input pass
  /** Targets [0, O) in T ranges of near-equal edge counts. */
  targetBounds(T: number): Int32Array;
  /** Sources [0, I) in T ranges of near-equal edge counts. */
  sourceBounds(T: number): Int32Array;
}

/** A layer's quad index in wasm memory (quad-index.ts), for the batch-1 quad kernels. */
export interface QuadIndexBlock {
  readonly fanIn: number; // K
  /** The copy words (quad-index.ts quadCopies): u32 [O/4 · K], byte offsets into x's copies; 0 where the layer has too many patterns. */
  readonly copies: number;
  /** The swizzle mask of each pattern, 16 bytes each, D of them (0 without copies). */
  readonly patternMasks: number;
  /** Patterns D: copies of each group of x that `quadCopies` writes (0 without copies). */
  readonly patterns: number;
  /** The 256 swizzle masks (16 bytes each), one block per arena. */
  readonly masks: number;
  /** The input gradient's blocks (quad-index.ts quadBlocks): u32 [O/4 · K/run], or 0 where the layer has none. */
  readonly blocks: number;
  /** Slots per block (1, 2 or 4; 0 without blocks). */
  readonly run: number;
}

/** A layer's dense blocks in wasm memory (kernels/dense-blocks.ts), for the block kernels. */
export interface DenseBlocksBlock {
  readonly count: number; // G
  readonly targetsPerBlock: number; // M
  readonly fanIn: number; // K
  readonly targets: number; // Int32 [G·M]
  readonly sources: number; // Int32 [G·K]
  readonly blockOf: number; // Int32 [O], the block of each target
}

interface FreeBlock {
  readonly ptr: number;
  readonly bytes: number;
}

const alignUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export class WasmArena {
  readonly memory: WasmMemory;
  /** The main thread's instance. */
  readonly kernels: WasmKernelExports;
  readonly maximumPages: number;
  readonly build: WasmBuild;
  /** Whether the memory is shared (threads possible) or allocated whole and never grown. */
  readonly shared: boolean;
  private top = RESERVED_BYTES;
  private readonly buffers = new WeakSet<object>();
  private readonly indices = new WeakMap<SparseIndex, SparseIndexBlock>();
  private readonly quadIndices = new WeakMap<SparseIndex, QuadIndexBlock | null>();
  private readonly blockIndices = new WeakMap<SparseIndex, DenseBlocksBlock | null>();
  private readonly pixelBlocks = new WeakMap<Uint8Array, number>();
  private masksPtr = 0;
  private readonly freeBlocks: FreeBlock[] = [];
  private readonly released = new FinalizationRegistry<FreeBlock>((block) => this.freeBlocks.push(block));
  private scratchPtr = 0;
  private scratchBytes = 0;

  constructor(readonly module: WasmModule, options: WasmArenaOptions = {}) {
    const api = wasmApi();
    check(api !== undefined, () => 'the wasm backend needs WebAssembly, which this runtime lacks');
    this.shared = options.shared ?? true;
    const initial = checkInt(options.initialPages ?? 256, 'initialPages', 2, MAX_PAGES);
    this.maximumPages = checkInt(options.maximumPages ?? (this.shared ? MAX_PAGES : UNSHARED_PAGES), 'maximumPages',
      this.shared ? initial : 2, MAX_PAGES);
    this.build = options.build ?? 'simd';
    this.memory = new api.Memory({ initial: this.shared ? initial : this.maximumPages, maximum: this.maximumPages, shared: this.shared });
    this.buffers.add(this.memory.buffer);
    this.kernels = wasmKernelExports(new api.Instance(module, { env: { memory: this.memory } }));
  }

  /** Bytes in use, reserved part included. */
  get usedBytes(): number {
    return this.top;
  }

  /** A zeroed float32 array of n elements in this memory. */
  alloc(n: number): Float32Array {
    const ptr = this.allocBytes(n * 4);
    return new Float32Array(this.buffer(), ptr, n);
  }

  /** Whether `a` is a float32 view of this memory (then kernels run on it in place). */
  owns(a: Floats): a is Float32Array {
    if (!(a instanceof Float32Array)) return false;
    const b = a.buffer;
    if (this.buffers.has(b)) return true;
    if (b !== this.memory.buffer) return false;
    this.buffers.add(b);
    return true;
  }

  /** The current buffer (it changes when the memory grows). */
  buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return b;
  }

  /** A block of at least `bytes` bytes, reused between calls (contents undefined). */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      this.scratchBytes = alignUp(Math.max(bytes, 2 * this.scratchBytes, 4096));
      this.scratchPtr = this.allocBytes(this.scratchBytes);
    }
    return this.scratchPtr;
  }

  /** `index` copied into this memory (once per index object; indices are immutable). */
  sparse(index: SparseIndex): SparseIndexBlock {
    const known = this.indices.get(index);
    if (known !== undefined) return known;
    const { inputs: I, outputs: O, targetOffsets, sources, sourceOffsets, targets, edgeOf } = index;
    const E = sources.length;
    const parts = [targetOffsets, sources, sourceOffsets, targets, edgeOf];
    const sizes = [O + 1, E, I + 1, E, E, E].map((n) => alignUp(n * 4));
    const total = sizes.reduce((a, b) => a + b, 0);
    const block = this.reuse(total) ?? { ptr: this.allocBytes(total), bytes: total };
    const ptrs: number[] = [];
    let p = block.ptr;
    for (const size of sizes) {
      ptrs.push(p);
      p += size;
    }
    const buffer = this.buffer();
    parts.forEach((a, k) => new Int32Array(buffer, ptrs[k], a.length).set(a));
    const byTarget = new Map<number, Int32Array>();
    const bySource = new Map<number, Int32Array>();
    const entry: SparseIndexBlock = {
      targetOffsets: ptrs[0], sources: ptrs[1], sourceOffsets: ptrs[2], targets: ptrs[3], edgeOf: ptrs[4],
      transposedWeights: ptrs[5],
      targetBounds: (T) => cached(byTarget, T, () => csrBounds(targetOffsets, O, T)),
      sourceBounds: (T) => cached(bySource, T, () => csrBounds(sourceOffsets, I, T)),
    };
    this.indices.set(index, entry);
    this.released.register(index, block);
    return entry;
  }

  /**
   * The quad index of `index` in this memory, with the input gradient's blocks where it has them, or
   * null when the layer lacks quad structure (found once per index object, on the first batch-1
   * call; quad-index.ts).
   */
  quads(index: SparseIndex): QuadIndexBlock | null {
    const known = this.quadIndices.get(index);
    if (known !== undefined) return known;
    const found = quadIndex(index);
    let entry: QuadIndexBlock | null = null;
    if (found !== null) {
      if (this.masksPtr === 0) {
        const masks = quadSwizzleMasks();
        this.masksPtr = this.allocBytes(masks.length);
        new Uint8Array(this.buffer(), this.masksPtr, masks.length).set(masks);
      }
      const blocks = quadBlocks(found), copies = quadCopies(found, index.inputs);
      entry = { fanIn: found.fanIn, masks: this.masksPtr,
        copies: copies === null ? 0 : this.indexWords(index, copies.words),
        patternMasks: copies === null ? 0 : this.indexWords(index, new Uint32Array(swizzleMasks(copies.patterns).buffer)),
        patterns: copies?.patterns.length ?? 0,
        blocks: blocks === null ? 0 : this.indexWords(index, blocks.words), run: blocks?.run ?? 0 };
    }
    this.quadIndices.set(index, entry);
    return entry;
  }

  /**
   * The dense blocks of `index` in this memory, or null when the layer is not block-dense (found once
   * per index object, on the first call that could use them; kernels/dense-blocks.ts).
   */
  blocks(index: SparseIndex): DenseBlocksBlock | null {
    const known = this.blockIndices.get(index);
    if (known !== undefined) return known;
    const found = denseBlocks(index);
    const entry = found === null ? null : {
      count: found.count, targetsPerBlock: found.targetsPerBlock, fanIn: found.fanIn,
      targets: this.indexWords(index, new Uint32Array(found.targets.buffer)),
      sources: this.indexWords(index, new Uint32Array(found.sources.buffer)),
      blockOf: this.indexWords(index, new Uint32Array(blockOfTargets(found).buffer)),
    };
    this.blockIndices.set(index, entry);
    return entry;
  }

  /**
   * A dataset's `pixels` copied into this memory, once per array object (gatherBatch's bytes, which
   * callers never change: kernels.ts), so that the batching kernel reads the samples in place on
   * every thread; the block returns to the free list when the array is collected. 0 (no copy) for
   * an unshared memory, which cannot grow, for more than PIXEL_COPY_MAX_BYTES, or for more than an
   * eighth of the room left (the copy is made at the first batch, before the layers' activations
   * are allocated, and must not take the room they need).
   */
  pixels(pixels: Uint8Array): number {
    const known = this.pixelBlocks.get(pixels);
    if (known !== undefined) return known;
    const room = this.maximumPages * WASM_PAGE_BYTES - this.top;
    const fits = this.shared && pixels.length > 0 && pixels.length <= PIXEL_COPY_MAX_BYTES && 8 * pixels.length <= room;
    const ptr = fits ? this.keep(pixels, pixels) : 0;
    this.pixelBlocks.set(pixels, ptr);
    return ptr;
  }

  /** `words` copied into an index block, which returns to the free list when `index` is collected. */
  private indexWords(index: SparseIndex, words: Uint32Array): number {
    return this.keep(index, new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
  }

  /** `data` copied into a block (a free one reused where one is large enough), which returns to the free list when `owner` is collected. */
  private keep(owner: object, data: Uint8Array): number {
    const bytes = alignUp(data.length);
    const block = this.reuse(bytes) ?? { ptr: this.allocBytes(bytes), bytes };
    new Uint8Array(this.buffer(), block.ptr, data.length).set(data);
    this.released.register(owner, block);
    return block.ptr;
  }

  /** A pointer to `bytes` fresh (zero) bytes, on a 64-byte line, growing the memory as needed. */
  allocBytes(bytes: number): number {
    const ptr = alignUp(this.top);
    const end = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = have / WASM_PAGE_BYTES;
      const needed = Math.ceil((end - have) / WASM_PAGE_BYTES);
      const room = this.maximumPages - pages;
      check(needed <= room, () =>
        `wasm memory exhausted: ${bytes} more bytes do not fit in ${this.maximumPages} pages of 64 KiB`);
      this.memory.grow(Math.min(room, Math.max(needed, Math.min(pages >> 1, 16384))));
    }
    this.top = end;
    return ptr;
  }

  /** The smallest free index block of at least `bytes` bytes, taken off the free list. */
  private reuse(bytes: number): FreeBlock | undefined {
    let best = -1;
    this.freeBlocks.forEach((b, k) => {
      if (b.bytes >= bytes && (best < 0 || b.bytes < this.freeBlocks[best].bytes)) best = k;
    });
    return best < 0 ? undefined : this.freeBlocks.splice(best, 1)[0];
  }
}

function cached(map: Map<number, Int32Array>, T: number, make: () => Int32Array): Int32Array {
  let bounds = map.get(T);
  if (bounds === undefined) {
    bounds = make();
    map.set(T, bounds);
  }
  return bounds;
}
