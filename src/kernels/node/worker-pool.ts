/**
 * The worker pool on Node: SharedMemoryPool (wasm/shared-memory-pool.ts) with worker threads. It
 * starts synchronously (workers get the module and memory in workerData and report ready through
 * the command block, which the main thread may wait on), its workers are unref()'d so a process
 * never waits for them on exit, and close() stops them.
 */
import { Worker } from 'node:worker_threads';
import { NODE_POOL_WORKER_SOURCE } from '../wasm/pool-worker-source.js';
import { SharedMemoryPool, type SharedMemoryPoolOptions } from '../wasm/shared-memory-pool.js';
import type { WasmArena } from '../wasm/wasm-arena.js';

export type WorkerPoolOptions = SharedMemoryPoolOptions;

export class WorkerPool extends SharedMemoryPool {
  constructor(arena: WasmArena, options: WorkerPoolOptions) {
    super(arena, options, (workerData) => {
      const worker = new Worker(NODE_POOL_WORKER_SOURCE, {
        eval: true,
        execArgv: [], // plain JS: no loaders (tsx) or flags of the parent needed
        workerData,
      });
      worker.unref();
      return { terminate: () => void worker.terminate() };
    });
    this.awaitReadySync();
  }
}
