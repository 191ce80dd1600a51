/**
 * The code of a pool worker as a source string (shared-memory-pool.ts), so that it needs no file
 * next to the compiled sources: Node runs it with `eval: true`, a browser from a Blob URL. It
 * instantiates the kernels module over the shared memory, reports ready, then loops: wait for a new
 * generation in the command block; claim parts of the job one at a time from its last part down (a
 * compare-and-swap on the claim word; the calling thread claims from the first up), reading the
 * job's kernel, bounds and arguments only after a claim; run each, count it done and wake the
 * calling thread after the job's last part; stop on the stop flag. Only how the worker gets its
 * PoolWorkerData differs: Node's workerData, or the first message a Web Worker receives.
 */

const START = `
function start(data) {
  const { module, memory, control, args, names, index, spin, layout: L } = data;
  const ctrl = new Int32Array(control);
  const a = new Float64Array(args);
  const bounds = new Int32Array(data.bounds);
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
    if (Atomics.load(ctrl, L.STOP) !== 0) break;
    for (;;) {
      const word = Atomics.load(ctrl, L.CLAIM);
      const part = (word & 0x3ff) - 1;
      if (part < ((word >> 10) & 0x3ff)) break;
      if (Atomics.compareExchange(ctrl, L.CLAIM, word, word - 1) !== word) continue;
      const parts = ctrl[L.PARTS];
      const lo = bounds[part];
      const hi = bounds[part + 1];
      if (lo < hi) {
        try {
          fns[ctrl[L.KERNEL]](lo, hi, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
        } catch (e) {
          Atomics.store(ctrl, L.ERROR, index);
        }
      }
      if (Atomics.add(ctrl, L.DONE, 1) + 1 === parts) Atomics.notify(ctrl, L.DONE);
    }
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
