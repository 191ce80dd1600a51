/**
 * Timing note (not a test): the sparse layer's three kernels at n = 1024 -> 1024, fan-in 32
 * (a Sobol' topology: 32 permutations), batch 128, on the wasm backend with 1 and 2 threads.
 * FLOPs: 2 per multiply-add, E * B multiply-adds per kernel, so forward + both backward passes
 * are 3 * 2 * E * B. Prints the best of several rounds.
 *
 *   node --import tsx test/kernels/time-sparse-kernels.ts [threads...]   (default: 1 2)
 */
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildTopology } from '../../src/topology/build-topology.js';

const n = 1024;
const K = 32;
const B = 128;
const index = buildTopology({ widths: [n, n], source: { kind: 'sobol' }, paths: { fanIn: K } }).layers[0];
const E = index.sources.length;
const threadCounts = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1, 2];

function bestMs(f: () => void, reps: number): number {
  for (let i = 0; i < reps; i++) f(); // warm-up (tier-up to optimised code)
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return best;
}

function fill(k: Kernels, count: number, rng: Rng): Float32Array {
  const a = k.alloc('f32', count) as Float32Array;
  for (let i = 0; i < count; i++) a[i] = rng.nextFloat() - 0.5;
  return a;
}

console.log(`n=${n} fan-in ${K} (E=${E}) batch ${B}: ${(2 * E * B / 1e6).toFixed(1)} MFLOP per kernel`);
for (const threads of threadCounts) {
  const k = createNodeWasmKernels({ threads });
  const rng = new Rng(1);
  const [x, W, bias, dy] = [fill(k, n * B, rng), fill(k, E, rng), fill(k, n, rng), fill(k, n * B, rng)];
  const [y, dx, dW] = [k.alloc('f32', n * B), k.alloc('f32', n * B), k.alloc('f32', E)];
  const reps = 40;
  const ms = [
    bestMs(() => k.sparseForward(y, x, W, bias, index, B), reps),
    bestMs(() => k.sparseBackwardInput(dx, dy, W, index, B), reps),
    bestMs(() => k.sparseBackwardWeight(dW, dy, x, index, B), reps),
  ];
  const step = bestMs(() => {
    k.sparseForward(y, x, W, bias, index, B);
    k.sparseBackwardInput(dx, dy, W, index, B);
    k.sparseBackwardWeight(dW, dy, x, index, B);
  }, reps);
  const gf = (m: number, kernels: number): string => ((kernels * 2 * E * B) / (m * 1e6)).toFixed(1);
  console.log(`${k.name.padEnd(22)} forward ${gf(ms[0], 1)}  backward input ${gf(ms[1], 1)}  backward weight ` +
    `${gf(ms[2], 1)}  all three ${gf(step, 3)} GFLOP/s (${(step * 1000).toFixed(0)} us per step)`);
  k.close();
}
