/**
 * A bench-only wrapper around a `Kernels` object that times every kernel call and counts the
 * calls. The clock is wall time on the calling thread by default (a threaded kernel's time then
 * includes its dispatch and the wait for the workers), or any other millisecond clock, e.g. the
 * process CPU time (every thread's, worker spinning included). The library never sees it: a bench builds its model on the wrapper.
 * `alloc` and the non-function members (name, arena, threads) pass through untimed.
 */
import type { Kernels } from '../../src/kernels/kernels.js';

export interface KernelTally {
  calls: number;
  ms: number;
}

export interface TimedKernels {
  readonly kernels: Kernels;
  /** Per kernel name, the calls and milliseconds since the last reset. */
  readonly tally: Map<string, KernelTally>;
  reset(): void;
  /** A copy of the tally. */
  snapshot(): Map<string, KernelTally>;
}

/** Milliseconds of some clock. */
export type Clock = () => number;

export const wallClock: Clock = () => performance.now();

/** CPU milliseconds of the whole process (user + system, every thread). */
export const processCpuClock: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function timedKernels(inner: Kernels, clock: Clock = wallClock): TimedKernels {
  const tally = new Map<string, KernelTally>();
  const wrapper: Record<string, unknown> = {};
  const source = inner as unknown as Record<string, unknown>;
  const keys = new Set<string>();
  for (let o: object | null = inner; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Object.getOwnPropertyNames(o)) if (key !== 'constructor') keys.add(key);
  }
  for (const key of keys) {
    const value = source[key];
    if (typeof value !== 'function' || key === 'alloc' || key === 'close') {
      Object.defineProperty(wrapper, key, {
        get: () => (typeof source[key] === 'function' ? (source[key] as () => unknown).bind(inner) : source[key]),
        enumerable: true,
      });
      continue;
    }
    const fn = value as (...args: unknown[]) => unknown;
    const entry: KernelTally = { calls: 0, ms: 0 };
    tally.set(key, entry);
    wrapper[key] = (...args: unknown[]): unknown => {
      const t0 = clock();
      const r = fn.apply(inner, args);
      entry.ms += clock() - t0;
      entry.calls++;
      return r;
    };
  }
  return {
    kernels: wrapper as unknown as Kernels,
    tally,
    reset() {
      for (const t of tally.values()) {
        t.calls = 0;
        t.ms = 0;
      }
    },
    snapshot() {
      return new Map([...tally].map(([k, t]) => [k, { ...t }]));
    },
  };
}
