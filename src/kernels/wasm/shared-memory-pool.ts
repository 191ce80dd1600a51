/**
 * A pool of T - 1 worker threads plus the calling thread over one shared wasm memory, each with
 * its own instance of the kernels module; the platform part (Node worker threads or Web Workers)
 * only starts the workers (node/worker-pool.ts, browser/browser-worker-pool.ts). Dispatch is
 * synchronous: the calling thread writes a job (a kernel, its arguments and the bounds of its P
 * parts) into shared command blocks, bumps the generation and notifies; then every thread, the
 * calling one included, claims parts one at a time until none is left, and the calling thread
 * waits (Atomics.wait: allowed on Node's main thread and in Web Workers, not on a page's main
 * thread) until every part is done. Workers spin briefly before sleeping, so back-to-back kernels
 * skip the wake-up.
 *
 * Parts are claimed, not assigned: a worker that wakes late, or whose core is slower (data the
 * calling thread just wrote sits in the calling core's caches; the VM's second vCPU comes and
 * goes), takes fewer parts, and the calling thread never waits for a worker that has not started.
 * Which thread runs a part never changes what it computes (every kernel computes a unit the same
 * way in any range), so results stay bit-identical for any thread count.
 *
 * The calling thread claims parts from the front, the workers from the back. So, while the threads
 * keep pace, part p of every job runs on the same thread: the rows a layer's forward writes, the
 * weights and gradients of those rows, their optimiser state, stay in one core's caches from job to
 * job and step to step, where claims from one end dealt them to whichever thread came first, and
 * every job moved about half of its lines between the cores. On a 2-vCPU VM where a cache line's
 * round trip between the cores takes about 1 µs (2026-12-01, a ping-pong of two Atomics words),
 * that cut npm start's epoch on two threads from 0.66 to 0.55 s (bench:compare against 466a501:
 * 1.33× became 1.59×).
 *
 * A claim is a compare-and-swap on one word that holds the job's unclaimed parts [front, back)
 * (and the low bits of its generation). A thread reads the job's kernel, bounds and arguments only
 * after it has claimed a part: while a part is out the job cannot end, so the calling thread cannot
 * be writing the next job's parameters, and a claim of a word that has just changed to another job
 * is simply a claim of that job. The calling thread closes the claim word before it writes a job.
 *
 * The workers run pool-worker-source.ts over the same command block layout, CONTROL.
 */
import { SobolnetError, check, checkInt } from '../../core/errors.js';
import type { ParallelRunner } from './create-wasm-kernels.js';
import type { WasmArena } from './wasm-arena.js';
import { WASM_KERNEL_NAMES, type WasmKernelName } from './wasm-kernel-exports.js';

/**
 * Slots of the Int32 command block: the generation (bumped to wake the workers), the claim word,
 * parts done, the job's kernel, the index of a worker whose part failed (0: none), the workers'
 * start-up count and failure flag, the stop flag, and the job's part count.
 */
export const CONTROL = { GENERATION: 0, CLAIM: 1, DONE: 2, KERNEL: 3, ERROR: 4, READY: 5, FAILED: 6, STOP: 7, PARTS: 8 } as const;
/** Arguments a kernel takes after its range, at most (a Float64 block). */
export const MAX_ARGS = 16;
/** Parts a job may have, at most (10 bits of the claim word). */
export const MAX_PARTS = 1023;
/**
 * The claim word of a job whose unclaimed parts are [front, back): generation (low 11 bits) << 20 |
 * front << 10 | back. The calling thread claims from the front, the workers from the back.
 */
export const claimWord = (generation: number, front: number, back: number): number => ((generation & 0x7ff) << 20) | (front << 10) | back;
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
  /** The job's part bounds, Int32 [MAX_PARTS + 1]. */
  readonly bounds: SharedArrayBuffer;
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
  private readonly bounds: Int32Array;
  private readonly workers: PoolWorker[] = [];
  private readonly spin: number;
  private closed = false;

  /** Starts the T - 1 workers through `spawn` (each gets its PoolWorkerData); they report ready later. */
  constructor(private readonly arena: WasmArena, options: SharedMemoryPoolOptions, spawn: (data: PoolWorkerData) => PoolWorker) {
    check(arena.shared, () => 'a worker pool needs the shared wasm memory');
    this.threads = checkInt(options.threads, 'threads', 2, 256);
    this.spin = checkInt(options.spin ?? 4000, 'spin', 0);
    this.startTimeoutMs = options.startTimeoutMs ?? 30000;
    this.control = new Int32Array(new SharedArrayBuffer(4 * 9));
    this.args = new Float64Array(new SharedArrayBuffer(8 * MAX_ARGS));
    this.bounds = new Int32Array(new SharedArrayBuffer(4 * (MAX_PARTS + 1)));
    for (let index = 1; index < this.threads; index++) {
      this.workers.push(spawn({
        module: arena.module, memory: arena.memory, control: this.control.buffer as SharedArrayBuffer,
        args: this.args.buffer as SharedArrayBuffer, bounds: this.bounds.buffer as SharedArrayBuffer, names: WASM_KERNEL_NAMES, index,
        spin: this.spin, layout: CONTROL,
      }));
    }
  }

  /**
   * Runs `name` over the P = bounds.length - 1 parts [bounds[p], bounds[p+1]) (1 <= P <= MAX_PARTS),
   * each on whichever thread claims it first (this thread from part 0 up, the workers from P - 1
   * down), and returns when all are done.
   */
  run(name: WasmKernelName, bounds: Int32Array, args: readonly number[]): void {
    check(!this.closed, () => 'the worker pool is closed');
    const P = bounds.length - 1;
    check(P >= 1 && P <= MAX_PARTS, () => `a pool job has 1 to ${MAX_PARTS} parts, got ${P}`);
    check(args.length <= MAX_ARGS, () => `a pool job takes at most ${MAX_ARGS} arguments after its range, ${name} got ${args.length}`);
    const c = this.control;
    const generation = c[CONTROL.GENERATION] + 1;
    Atomics.store(c, CONTROL.CLAIM, claimWord(generation, 0, 0)); // closed while the job is written
    c[CONTROL.KERNEL] = WASM_KERNEL_NAMES.indexOf(name);
    c[CONTROL.PARTS] = P;
    this.bounds.set(bounds);
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    c[CONTROL.ERROR] = 0;
    Atomics.store(c, CONTROL.DONE, 0);
    Atomics.store(c, CONTROL.CLAIM, claimWord(generation, 0, P));
    Atomics.store(c, CONTROL.GENERATION, generation);
    Atomics.notify(c, CONTROL.GENERATION);
    const kernel = this.arena.kernels[name];
    let failure: unknown = null;
    let mine = 0;
    for (let p = this.claim(); p >= 0; p = this.claim()) {
      try {
        if (failure === null && bounds[p] < bounds[p + 1]) kernel(bounds[p], bounds[p + 1], ...args);
      } catch (e) {
        failure = e;
      }
      mine++;
    }
    if (mine < P && Atomics.add(c, CONTROL.DONE, mine) + mine < P) this.awaitParts(P);
    if (failure !== null) throw failure;
    const bad = Atomics.load(c, CONTROL.ERROR);
    if (bad !== 0) throw new Error(`wasm kernel ${name} failed on worker ${bad}`);
  }

  /** The first unclaimed part of the running job (claimed now), or -1 when none is left. */
  private claim(): number {
    const c = this.control;
    for (;;) {
      const word = Atomics.load(c, CONTROL.CLAIM);
      const front = (word >> 10) & 0x3ff;
      if (front >= (word & 0x3ff)) return -1;
      if (Atomics.compareExchange(c, CONTROL.CLAIM, word, word + (1 << 10)) === word) return front;
    }
  }

  /** Stops the workers (they finish the current job first); further runs throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, CONTROL.STOP, 1);
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

  /** Waits until all P parts are done; a pool silent for JOB_TIMEOUT_MS (a dead worker) is closed. */
  private awaitParts(P: number): void {
    const c = this.control;
    let done = Atomics.load(c, CONTROL.DONE);
    for (let i = 0; done < P && i < this.spin; i++) done = Atomics.load(c, CONTROL.DONE);
    if (done >= P) return;
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    while (done < P) {
      if (Atomics.wait(c, CONTROL.DONE, done, 1000) === 'timed-out' && Date.now() > deadline) {
        this.close();
        throw new SobolnetError(`worker pool: ${P - done} parts of a job not done within ${JOB_TIMEOUT_MS} ms; pool closed`);
      }
      done = Atomics.load(c, CONTROL.DONE);
    }
  }
}
