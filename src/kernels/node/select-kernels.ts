/**
 * Backend selection in Node: reference, wasm (SIMD, one thread) or wasm-threads (SIMD on a worker
 * pool over one shared memory). 'auto' probes wasm SIMD, the compiled kernels and shared memory
 * and picks the fastest that works. The wasm backends of one process share one memory (arrays
 * allocated by one run in place on another), and a selected backend is cached: asking twice for
 * the same backend and thread count returns the same object.
 */
import { availableParallelism } from 'node:os';
import { checkInt, checkOneOf } from '../../core/errors.js';
import type { Kernels } from '../kernels.js';
import { referenceKernels } from '../reference-kernels.js';
import { BACKEND_NAMES, type BackendName, type SelectKernelsOptions } from '../select-kernels.js';
import { createWasmKernels, type WasmKernels, type WasmKernelsOptions } from '../wasm/create-wasm-kernels.js';
import { WasmArena } from '../wasm/wasm-arena.js';
import { wasmSharedMemorySupported, wasmSimdSupported } from '../wasm/wasm-simd-supported.js';
import { loadWasmModule, wasmModuleBuilt } from './load-wasm-module.js';
import { WorkerPool } from './worker-pool.js';

export { BACKEND_NAMES, type BackendName, type SelectKernelsOptions };

export interface NodeWasmKernelsOptions extends WasmKernelsOptions {
  /** Threads in all (1 = no pool); default os.availableParallelism(). */
  readonly threads?: number;
  /** The memory to run in; default the process-wide one that selectKernels uses. */
  readonly arena?: WasmArena;
  /** Polls before a waiting thread sleeps (see WorkerPool). */
  readonly spin?: number;
}

let arena: WasmArena | null = null;
const selected = new Map<number, WasmKernels>();

/** The process-wide wasm memory (created on first use). */
export function sharedWasmArena(): WasmArena {
  arena ??= new WasmArena(loadWasmModule());
  return arena;
}

/** Backends that run here, fastest first ('reference' always). */
export function availableBackends(): BackendName[] {
  const out: BackendName[] = [];
  if (wasmSimdSupported() && wasmModuleBuilt()) {
    if (wasmSharedMemorySupported() && availableParallelism() > 1) out.push('wasm-threads');
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
  const memory = options.arena ?? sharedWasmArena();
  const pool = threads > 1 ? new WorkerPool(memory, { threads, spin: options.spin }) : null;
  return createWasmKernels(memory, pool, options);
}

/**
 * The backend called `name` ('auto' by default: wasm-threads, else wasm, else reference).
 * options.threads sets the thread count of wasm-threads (default os.availableParallelism()).
 */
export function selectKernels(name: BackendName | 'auto' = 'auto', options: SelectKernelsOptions = {}): Kernels {
  const chosen = checkOneOf<BackendName | 'auto'>(name, 'backend', ['auto', ...BACKEND_NAMES]);
  const threads = checkInt(options.threads ?? availableParallelism(), 'threads', 1, 256);
  switch (chosen) {
    case 'reference':
      return referenceKernels;
    case 'wasm':
      return wasmBackend(1);
    case 'wasm-threads':
      return wasmBackend(threads);
    case 'auto': {
      const best = availableBackends()[0];
      if (best === 'reference') return referenceKernels;
      try {
        return wasmBackend(best === 'wasm' ? 1 : threads);
      } catch {
        return threads > 1 ? wasmBackend(1) : referenceKernels;
      }
    }
    default:
      return chosen satisfies never;
  }
}

function wasmBackend(threads: number): WasmKernels {
  let k = selected.get(threads);
  if (k === undefined || k.threads !== threads) {
    k = createNodeWasmKernels({ threads });
    selected.set(threads, k);
  }
  return k;
}
