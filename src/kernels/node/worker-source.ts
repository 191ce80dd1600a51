/**
 * The code of a pool worker (CommonJS, run with `eval: true` so that it needs no file next to the
 * compiled sources). It instantiates the kernels module over the shared memory, reports ready,
 * then loops: wait for a new generation in the command block, run its range of the kernel,
 * count down `pending`, and wake the main thread when it was the last.
 *
 * Command block (Int32): see CONTROL in worker-pool.ts; the arguments are a Float64Array.
 */
export const WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, args, names, index, spin, layout: L } = workerData;
const ctrl = new Int32Array(control);
const a = new Float64Array(args);
let fns;
try {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  fns = names.map((n) => exports[n]);
} catch (e) {
  Atomics.store(ctrl, L.FAILED, 1);
  Atomics.notify(ctrl, L.READY);
  throw e;
}
Atomics.add(ctrl, L.READY, 1);
Atomics.notify(ctrl, L.READY);
let seen = 0; // the generation before any job: a job posted before this line still runs
for (;;) {
  let g = Atomics.load(ctrl, L.GENERATION);
  for (let i = 0; g === seen && i < spin; i++) g = Atomics.load(ctrl, L.GENERATION);
  while (g === seen) {
    Atomics.wait(ctrl, L.GENERATION, seen);
    g = Atomics.load(ctrl, L.GENERATION);
  }
  seen = g;
  const id = ctrl[L.KERNEL];
  if (id < 0) break;
  const lo = ctrl[L.RANGES + 2 * index];
  const hi = ctrl[L.RANGES + 2 * index + 1];
  if (lo < hi) {
    try {
      fns[id](lo, hi, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
    } catch (e) {
      Atomics.store(ctrl, L.ERROR, index);
    }
  }
  if (Atomics.sub(ctrl, L.PENDING, 1) === 1) Atomics.notify(ctrl, L.PENDING);
}
`;
