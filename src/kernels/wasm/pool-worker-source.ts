/**
 * The code of a pool worker as a source string (shared-memory-pool.ts), so that it needs no file
 * next to the compiled sources: Node runs it with `eval: true`, a browser from a Blob URL. It
 * instantiates the kernels module over the shared memory, reports ready, then loops: wait for a new
 * generation in the command block, run its range of the kernel, count down `pending`, and wake the
 * calling thread when it was the last. Only how the worker gets its PoolWorkerData differs: Node's
 * workerData, or the first message a Web Worker receives.
 */

const START = `
function start(data) {
  const { module, memory, control, args, names, index, spin, layout: L } = data;
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
}
`;

/** A Node worker (CommonJS, `eval: true`): its PoolWorkerData is workerData. */
export const NODE_POOL_WORKER_SOURCE = `'use strict';
${START}
start(require('node:worker_threads').workerData);
`;

/** A Web Worker (classic script): its PoolWorkerData is the first message. */
export const BROWSER_POOL_WORKER_SOURCE = `'use strict';
${START}
self.onmessage = (event) => { self.onmessage = null; start(event.data); };
`;
