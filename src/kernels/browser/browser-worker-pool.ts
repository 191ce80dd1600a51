/**
 * The worker pool in a browser: SharedMemoryPool (wasm/shared-memory-pool.ts) with Web Workers
 * started from a Blob URL of the pool worker's source. It must be created inside a Web Worker of
 * a cross-origin isolated page: only there do shared memory and Atomics.wait (which every kernel
 * call uses to wait for the pool) both exist. Its workers start while the creating worker's event
 * loop runs, so the pool is ready when the returned promise resolves.
 */
import { SobolnetError } from '../../core/errors.js';
import { BROWSER_POOL_WORKER_SOURCE } from '../wasm/pool-worker-source.js';
import { SharedMemoryPool, type SharedMemoryPoolOptions } from '../wasm/shared-memory-pool.js';
import type { WasmArena } from '../wasm/wasm-arena.js';

/** The slice of the Web Worker API used here (the project's TypeScript libs do not declare the DOM). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
}
interface WebGlobals {
  Worker?: new (url: string, options?: { name?: string }) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL: { createObjectURL?(blob: unknown): string; revokeObjectURL?(url: string): void };
  crossOriginIsolated?: boolean;
}

class BrowserWorkerPool extends SharedMemoryPool {
  static async start(arena: WasmArena, options: SharedMemoryPoolOptions): Promise<BrowserWorkerPool> {
    const web = globalThis as unknown as WebGlobals;
    if (web.Worker === undefined || web.Blob === undefined || web.URL.createObjectURL === undefined) {
      throw new SobolnetError('a browser worker pool needs Web Workers and Blob URLs, which this context lacks');
    }
    const url = web.URL.createObjectURL(new web.Blob([BROWSER_POOL_WORKER_SOURCE], { type: 'text/javascript' }));
    const WorkerClass = web.Worker;
    try {
      const pool = new BrowserWorkerPool(arena, options, (data) => {
        const worker = new WorkerClass(url, { name: `sobolnet kernels ${data.index}` });
        worker.postMessage(data);
        return worker;
      });
      await pool.awaitReadyAsync();
      return pool;
    } finally {
      web.URL.revokeObjectURL?.(url);
    }
  }
}

/** A started pool of `options.threads` threads (the calling worker included). */
export function startBrowserWorkerPool(arena: WasmArena, options: SharedMemoryPoolOptions): Promise<SharedMemoryPool> {
  return BrowserWorkerPool.start(arena, options);
}
