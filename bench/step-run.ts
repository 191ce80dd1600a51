/**
 * The width bench's training step in a process of its own, for bench/data-parallel-bound.bench.ts:
 *
 *   node --import tsx bench/step-run.ts '{"width":1024,"threads":1,"seconds":3}'
 *
 * The layer n → n, K = 32, B = 128, stored in 'blocks' order (the width bench's default schedule,
 * bench/lib/mlp-path-layer.ts), on wasm-simd-fma with `threads` threads: forward, then
 * `sparseBackward` (input, then weight), called over and over for `seconds` after 20 warm-up steps.
 * The last stdout line is `@@result <json>`: the median step in µs over the timed steps and its
 * GFLOP/s (3 · 2·E·B FLOPs a step).
 */
import { createNodeWasmKernels } from '../src/kernels/node/select-kernels.js';
import { Rng } from '../src/sequences/rng.js';
import { copyInto, randomArray } from './lib/arrays.js';
import { hiddenPairLayer } from './lib/mlp-path-layer.js';
import { RESULT_MARK } from './lib/train-job.js';
import { median } from './lib/timing.js';

export interface StepJob {
  readonly width: number;
  readonly threads: number;
  readonly seconds: number;
}

export interface StepResult {
  readonly job: StepJob;
  readonly steps: number;
  readonly medianMicros: number;
  readonly gflops: number;
}

const K = 32;
const B = 128;

function main(): void {
  const arg = process.argv[2];
  if (arg === undefined) throw new Error('usage: step-run.ts <job json>');
  const job = JSON.parse(arg) as StepJob;
  const n = job.width;
  const k = createNodeWasmKernels({ threads: job.threads, build: 'simd-fma' });
  const index = hiddenPairLayer(n, K, 'blocks');
  const E = index.sources.length;
  const rng = new Rng(20261201);
  const filled = (count: number, scale: number): Float32Array => copyInto(k, randomArray(rng, count, scale)) as Float32Array;
  const zeros = (count: number): Float32Array => k.alloc('f32', count) as Float32Array;
  const x = filled(n * B, 1), dy = filled(n * B, 1), W = filled(E, 1 / Math.sqrt(K));
  const y = zeros(n * B), dx = zeros(n * B), dW = zeros(E);
  const step = (): void => {
    k.sparseForward(y, x, W, null, index, B);
    k.sparseBackward(dx, dW, dy, x, W, index, B);
  };
  for (let i = 0; i < 20; i++) step();
  const times: number[] = [];
  const end = performance.now() + 1000 * job.seconds;
  for (let t = performance.now(); t < end;) {
    step();
    const now = performance.now();
    times.push(now - t);
    t = now;
  }
  k.close();
  const medianMicros = 1000 * median(times);
  const result: StepResult = { job, steps: times.length, medianMicros, gflops: (3 * 2 * E * B) / (medianMicros * 1000) };
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

main();
process.exit(0); // a threaded backend's workers must not keep the process alive
