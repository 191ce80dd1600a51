/**
 * The machine a bench runs on, printed at the start so that a loaded machine is visible, and so is
 * the distance between its cores: on this project's 2-vCPU VMs a cache line's round trip between
 * the two vCPUs has measured 0.2 µs at some hours and 1 µs at others (2026-12-01, the same VM, minutes
 * apart), and two threads' speed moves with it far more than with the load.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface MachineInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  /** 1, 5 and 15-minute load averages when the bench started. */
  readonly loadAverage: readonly number[];
  /** A cache line's round trip between two threads when the bench started (ns, median), or null on one core. */
  readonly crossCoreRoundTripNs: number | null;
}

/** The ping-pong of `crossCoreRoundTripNs`: the worker echoes each value the main thread stores. */
const ECHO_SOURCE = `
const { workerData } = require('node:worker_threads');
const a = new Int32Array(workerData);
Atomics.store(a, 16, -1);
for (let seen = 0;;) {
  const v = Atomics.load(a, 0);
  if (v === -2) break;
  if (v !== seen) { seen = v; Atomics.store(a, 16, v); }
}`;

/**
 * The median over 5 rounds of the mean round trip of a value between this thread and a worker
 * through two Int32 words 64 bytes apart (20,000 trips a round), in nanoseconds: what each cache
 * line that one core wrote and the other reads costs. Blocks the calling thread (Atomics.wait) for
 * about 0.2 s, the worker's start included; null with one core or when the worker does not start
 * within 5 s.
 */
export function crossCoreRoundTripNs(): number | null {
  if (cpus().length < 2) return null;
  const a = new Int32Array(new SharedArrayBuffer(128));
  const worker = new Worker(ECHO_SOURCE, { eval: true, workerData: a.buffer });
  worker.unref();
  try {
    const deadline = Date.now() + 5000;
    while (Atomics.load(a, 16) !== -1) {
      if (Date.now() > deadline) return null;
      Atomics.wait(a, 16, 0, 10);
    }
    const rounds: number[] = [];
    let v = 0;
    for (let round = 0; round < 6; round++) {
      const trips = 20000;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < trips; i++) {
        Atomics.store(a, 0, ++v);
        while (Atomics.load(a, 16) !== v);
      }
      if (round > 0) rounds.push(Number(process.hrtime.bigint() - t0) / trips); // round 0 warms up
    }
    rounds.sort((x, y) => x - y);
    return Math.round(rounds[rounds.length >> 1]);
  } finally {
    Atomics.store(a, 0, -2);
    void worker.terminate();
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    crossCoreRoundTripNs: crossCoreRoundTripNs(),
  };
}

/** A round trip at or above this (ns) marks the two vCPUs as far apart (they measured 0.2 or 1 µs). */
export const FAR_CORES_NS = 500;

/** The line that reports a cross-core round trip. */
export function crossCoreLine(ns: number | null): string {
  return ns === null ? 'cross-core round trip: not measured (one core)' : `cross-core round trip of a cache line: ${ns} ns (${ns >= FAR_CORES_NS ? 'far' : 'near'} cores; this VM's vCPUs measured 0.2 µs near, 1 µs far, and two threads scale worse far)`;
}

/** Prints the bench title, the machine and the load (with a warning when the cores are busy). */
export function printHeader(title: string, extraLines: readonly string[] = []): MachineInfo {
  const m = machineInfo();
  console.log(title);
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; node ${m.node} (V8 ${m.v8}), ${m.platform}`);
  const busy = m.loadAverage[0] >= 0.5 ? `  <- LOADED: about ${m.loadAverage[0].toFixed(1)} of ${m.cores} cores busy before the bench started; timings are pessimistic` : '';
  console.log(`load average at start (1/5/15 min): ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}${busy}`);
  console.log(crossCoreLine(m.crossCoreRoundTripNs));
  for (const line of extraLines) console.log(line);
  console.log('');
  return m;
}
