/**
 * Backend selection in Node: reference, wasm (SIMD, one thread) or wasm-threads (SIMD on a worker
 * pool over one shared memory), and their fused multiply-add twins wasm-fma and wasm-fma-threads
 * (relaxed SIMD). 'auto' probes wasm SIMD, relaxed SIMD, the compiled kernels and shared memory
 * and picks the fastest that works. The wasm backends of one build share one memory per process
 * (arrays allocated by one run in place on another; the FMA build has a memory of its own), and a
 * selected backend is cached: asking twice for the same backend and thread count returns the same
 * object.
 */
import { availableParallelism } from 'node:os';
import { checkInt, checkOneOf } from '../../core/errors.js';
import type { Kernels } from '../kernels.js';
import { referenceKernels } from '../reference-kernels.js';
import { BACKEND_NAMES, type BackendName, type SelectKernelsOptions } from '../select-kernels.js';
import { createWasmKernels, type WasmKernels, type WasmKernelsOptions } from '../wasm/create-wasm-kernels.js';
import { RESERVED_BYTES, WasmArena, type WasmBuild } from '../wasm/wasm-arena.js';
import { wasmSharedMemorySupported, wasmSimdSupported } from '../wasm/wasm-simd-supported.js';
import { loadWasmModule, relaxedSimdAvailable, wasmModuleBuilt } from './load-wasm-module.js';
import { WorkerPool } from './worker-pool.js';

export { BACKEND_NAMES, type BackendName, type SelectKernelsOptions };

/** Options of `createNodeWasmKernels`: the wasm build (plain or FMA), threads, an arena to share, and the workers' spin. */
export interface NodeWasmKernelsOptions extends WasmKernelsOptions {
  /** Threads in all (1 = no pool); default os.availableParallelism(). */
  readonly threads?: number;
  /** The memory to run in; default the process-wide one of `build` that selectKernels uses. */
  readonly arena?: WasmArena;
  /** Which kernels: 'simd' (default) or 'simd-fma' (needs relaxed SIMD); ignored when `arena` is given. */
  readonly build?: WasmBuild;
  /** Polls before a waiting thread sleeps (see WorkerPool). */
  readonly spin?: number;
}

const arenas = new Map<WasmBuild, WasmArena>();
const selected = new Map<string, WasmKernels>();

/** The process-wide wasm memory of `build` (created on first use). */
export function sharedWasmArena(build: WasmBuild = 'simd'): WasmArena {
  let arena = arenas.get(build);
  if (arena === undefined) {
    arena = new WasmArena(loadWasmModule(build), { build });
    arenas.set(build, arena);
  }
  return arena;
}

/** Bytes the process-wide wasm memory of `build` holds already (its reserved part when not created yet). */
export function wasmArenaUsedBytes(build: WasmBuild = 'simd'): number {
  return arenas.get(build)?.usedBytes ?? RESERVED_BYTES;
}

/** Backends that run here, fastest first ('reference' always). */
export function availableBackends(): BackendName[] {
  const out: BackendName[] = [];
  if (wasmSimdSupported() && wasmModuleBuilt()) {
    const threads = wasmSharedMemorySupported() && availableParallelism() > 1;
    const fma = wasmModuleBuilt('simd-fma') && relaxedSimdAvailable();
    if (fma && threads) out.push('wasm-fma-threads');
    if (threads) out.push('wasm-threads');
    if (fma) out.push('wasm-fma');
    out.push('wasm');
  }
  out.push('reference');
  return out;
}

/**
 * A new wasm backend (not cached): on `threads` threads, with a worker pool when threads > 1.
 * Call close() to stop its workers (they never keep a process alive either way).
 */
export function createNodeWasmKernels(options: NodeWasmKernelsOptions = {}): WasmKernels {
  const threads = checkInt(options.threads ?? availableParallelism(), 'threads', 1, 256);
  const memory = options.arena ?? sharedWasmArena(options.build);
  const pool = threads > 1 ? new WorkerPool(memory, { threads, spin: options.spin }) : null;
  return createWasmKernels(memory, pool, options);
}

/**
 * The backend called `name` ('auto' by default: the first of availableBackends()).
 * options.threads sets the thread count of the threaded backends (default os.availableParallelism()).
 */
export function selectKernels(name: BackendName | 'auto' = 'auto', options: SelectKernelsOptions = {}): Kernels {
  const chosen = checkOneOf<BackendName | 'auto'>(name, 'backend', ['auto', ...BACKEND_NAMES]);
  const threads = checkInt(options.threads ?? availableParallelism(), 'threads', 1, 256);
  switch (chosen) {
    case 'reference':
      return referenceKernels;
    case 'wasm':
      return wasmBackend('simd', 1);
    case 'wasm-threads':
      return wasmBackend('simd', threads);
    case 'wasm-fma':
      return wasmBackend('simd-fma', 1);
    case 'wasm-fma-threads':
      return wasmBackend('simd-fma', threads);
    case 'auto': {
      // The first available backend that starts; a pool that fails to start falls back to one thread.
      for (const best of availableBackends()) {
        if (best === 'reference') return referenceKernels;
        try {
          return selectKernels(best, { threads });
        } catch {
          // try the next one
        }
      }
      return referenceKernels;
    }
    default:
      return chosen satisfies never;
  }
}

function wasmBackend(build: WasmBuild, threads: number): WasmKernels {
  const key = `${build}/${threads}`;
  let k = selected.get(key);
  if (k === undefined || k.threads !== threads) {
    k = createNodeWasmKernels({ threads, build });
    selected.set(key, k);
  }
  return k;
}
