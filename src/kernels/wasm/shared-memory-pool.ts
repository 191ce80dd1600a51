/**
 * A pool of T - 1 worker threads plus the calling thread over one shared wasm memory, each with
 * its own instance of the kernels module; the platform part (Node worker threads or Web Workers)
 * only starts the workers (node/worker-pool.ts, browser/browser-worker-pool.ts). Dispatch is
 * synchronous: the calling thread writes a job into a shared command block, bumps the generation
 * and notifies, runs range 0 itself, then waits (Atomics.wait: allowed on Node's main thread and
 * in Web Workers, not on a page's main thread) until every worker has counted down. Workers spin
 * briefly before sleeping, so back-to-back kernels skip the wake-up.
 *
 * The workers run pool-worker-source.ts over the same command block layout, CONTROL.
 */
import { SobolnetError, check, checkInt } from '../../core/errors.js';
import type { ParallelRunner } from './create-wasm-kernels.js';
import type { WasmArena } from './wasm-arena.js';
import { WASM_KERNEL_NAMES, type WasmKernelName } from './wasm-kernel-exports.js';

/** Slots of the Int32 command block; thread k's range is at RANGES + 2k, RANGES + 2k + 1. */
export const CONTROL = { GENERATION: 0, PENDING: 1, ERROR: 2, READY: 3, KERNEL: 4, FAILED: 5, RANGES: 8 } as const;
/** Arguments a kernel takes after its range, at most (a Float64 block). */
export const MAX_ARGS = 14;
const STOP = -1;
const JOB_TIMEOUT_MS = 300_000;

export interface SharedMemoryPoolOptions {
  /** Threads in all, the calling one included (>= 2). */
  readonly threads: number;
  /**
   * Atomics.load polls before a thread sleeps (workers waiting for a job, the caller waiting for
   * workers); default 4000, some 30-40 us once optimised, so back-to-back kernels skip the
   * wake-up (about 15 us) while an idle pool soon stops using CPU.
   */
  readonly spin?: number;
  /** How long to wait for the workers to start, in ms (default 30 s). */
  readonly startTimeoutMs?: number;
}

/** What a worker receives to start: the module, the memory, the command block and its place. */
export interface PoolWorkerData {
  readonly module: unknown;
  readonly memory: unknown;
  readonly control: SharedArrayBuffer;
  readonly args: SharedArrayBuffer;
  readonly names: readonly string[];
  readonly index: number;
  readonly spin: number;
  readonly layout: typeof CONTROL;
}

/** A started worker, as far as the pool cares. */
export interface PoolWorker {
  terminate(): void;
}

export class SharedMemoryPool implements ParallelRunner {
  readonly threads: number;
  protected readonly startTimeoutMs: number;
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: PoolWorker[] = [];
  private readonly spin: number;
  private closed = false;

  /** Starts the T - 1 workers through `spawn` (each gets its PoolWorkerData); they report ready later. */
  constructor(private readonly arena: WasmArena, options: SharedMemoryPoolOptions, spawn: (data: PoolWorkerData) => PoolWorker) {
    check(arena.shared, () => 'a worker pool needs the shared wasm memory');
    this.threads = checkInt(options.threads, 'threads', 2, 256);
    this.spin = checkInt(options.spin ?? 4000, 'spin', 0);
    this.startTimeoutMs = options.startTimeoutMs ?? 30000;
    this.control = new Int32Array(new SharedArrayBuffer(4 * (CONTROL.RANGES + 2 * this.threads)));
    this.args = new Float64Array(new SharedArrayBuffer(8 * MAX_ARGS));
    for (let index = 1; index < this.threads; index++) {
      this.workers.push(spawn({
        module: arena.module, memory: arena.memory, control: this.control.buffer as SharedArrayBuffer,
        args: this.args.buffer as SharedArrayBuffer, names: WASM_KERNEL_NAMES, index, spin: this.spin, layout: CONTROL,
      }));
    }
  }

  /** Runs `name` on thread k over [bounds[k], bounds[k+1]) (k = 0 here) and returns when all are done. */
  run(name: WasmKernelName, bounds: Int32Array, args: readonly number[]): void {
    check(!this.closed, () => 'the worker pool is closed');
    const c = this.control;
    const T = this.threads;
    c[CONTROL.KERNEL] = WASM_KERNEL_NAMES.indexOf(name);
    for (let k = 1; k < T; k++) {
      c[CONTROL.RANGES + 2 * k] = bounds[k];
      c[CONTROL.RANGES + 2 * k + 1] = bounds[k + 1];
    }
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    c[CONTROL.ERROR] = 0;
    Atomics.store(c, CONTROL.PENDING, T - 1);
    Atomics.add(c, CONTROL.GENERATION, 1);
    Atomics.notify(c, CONTROL.GENERATION);
    let failure: unknown = null;
    try {
      if (bounds[0] < bounds[1]) this.arena.kernels[name](bounds[0], bounds[1], ...args);
    } catch (e) {
      failure = e;
    }
    this.awaitWorkers();
    if (failure !== null) throw failure;
    const bad = Atomics.load(c, CONTROL.ERROR);
    if (bad !== 0) throw new Error(`wasm kernel ${name} failed on worker ${bad}`);
  }

  /** Stops the workers (they finish the current job first); further runs throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.control[CONTROL.KERNEL] = STOP;
    Atomics.add(this.control, CONTROL.GENERATION, 1);
    Atomics.notify(this.control, CONTROL.GENERATION);
    for (const w of this.workers) w.terminate();
  }

  /** Blocks until every worker is ready (Atomics.wait: Node's main thread, or any worker). */
  protected awaitReadySync(): void {
    const c = this.control;
    const deadline = Date.now() + this.startTimeoutMs;
    let ready: number;
    while ((ready = Atomics.load(c, CONTROL.READY)) < this.threads - 1 && Atomics.load(c, CONTROL.FAILED) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(c, CONTROL.READY, ready, left);
    }
    this.checkReady();
  }

  /**
   * Resolves when every worker is ready, polling without blocking: a Web Worker's own workers start
   * only while its event loop runs.
   */
  protected async awaitReadyAsync(): Promise<void> {
    const c = this.control;
    const deadline = Date.now() + this.startTimeoutMs;
    while (Atomics.load(c, CONTROL.READY) < this.threads - 1 && Atomics.load(c, CONTROL.FAILED) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    this.checkReady();
  }

  private checkReady(): void {
    const c = this.control;
    if (Atomics.load(c, CONTROL.READY) < this.threads - 1) {
      this.close();
      throw new SobolnetError(Atomics.load(c, CONTROL.FAILED) !== 0
        ? 'worker pool: a worker could not instantiate the wasm kernels'
        : `worker pool: ${this.threads - 1} workers did not start within ${this.startTimeoutMs} ms`);
    }
  }

  /** Waits for `pending` to reach 0; a pool silent for JOB_TIMEOUT_MS (a dead worker) is closed. */
  private awaitWorkers(): void {
    const c = this.control;
    let p = Atomics.load(c, CONTROL.PENDING);
    for (let i = 0; p !== 0 && i < this.spin; i++) p = Atomics.load(c, CONTROL.PENDING);
    if (p === 0) return;
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    while (p !== 0) {
      if (Atomics.wait(c, CONTROL.PENDING, p, 1000) === 'timed-out' && Date.now() > deadline) {
        this.close();
        throw new SobolnetError(`worker pool: no answer from ${p} workers within ${JOB_TIMEOUT_MS} ms; pool closed`);
      }
      p = Atomics.load(c, CONTROL.PENDING);
    }
  }
}
