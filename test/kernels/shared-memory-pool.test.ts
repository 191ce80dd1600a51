/**
 * The worker pool's claiming of parts (src/kernels/wasm/shared-memory-pool.ts, pool-worker-source.ts):
 * every part of a job runs exactly once, on whichever thread claims it, for any part count from 1 to
 * MAX_PARTS, through thousands of back-to-back jobs whose part counts and arrays change from one job
 * to the next (a worker that read one job's claim word must not run a part of the next one wrongly);
 * a kernel that fails on any thread fails the job with one line; bad part counts are refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/kernels/node/worker-pool.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { MAX_ARGS, MAX_PARTS } from '../../src/kernels/wasm/shared-memory-pool.js';
import { evenBounds } from '../../src/kernels/wasm/partition.js';
import { Rng } from '../../src/sequences/rng.js';

const kernels = createNodeWasmKernels({ threads: 1, build: 'simd' });
const pool = new WorkerPool(kernels.arena, { threads: 3 });
afterAll(() => {
  pool.close();
  kernels.close();
});

const N = 4096;
const xs = [0, 1, 2].map((i) => {
  const x = kernels.alloc('f32', N) as Float32Array;
  const rng = new Rng(11 + i);
  for (let n = 0; n < N; n++) x[n] = rng.nextFloat() - 0.5;
  return x;
});
const y = kernels.alloc('f32', N) as Float32Array;
const relu = (x: Float32Array, n: number): number => Math.max(x[n], 0);

/** Runs ReLU of x into y over `parts` parts of [0, n) (a multiple of 16) on the pool; y's other elements are left at NaN. */
function runRelu(x: Float32Array, n: number, parts: number): void {
  y.fill(Number.NaN);
  pool.run('reluForward', evenBounds(n, parts, 16), [y.byteOffset, x.byteOffset]);
}

describe('the worker pool', () => {
  it('runs every part exactly once for 1 to MAX_PARTS parts', () => {
    for (const parts of [1, 2, 3, 7, 64, 255, MAX_PARTS]) {
      const x = xs[parts % 3];
      runRelu(x, N, parts);
      for (let n = 0; n < N; n++) expect(y[n], `${parts} parts, element ${n}`).toBe(relu(x, n));
    }
  });

  it('keeps back-to-back jobs apart: 3000 jobs of changing sizes, part counts and inputs', () => {
    const rng = new Rng(5);
    for (let job = 0; job < 3000; job++) {
      const x = xs[job % 3];
      const n = 16 * (1 + Math.floor(rng.nextFloat() * (N / 16)));
      const parts = 1 + Math.floor(rng.nextFloat() * 40);
      runRelu(x, n, parts);
      // a part run twice, skipped or run with another job's arguments shows up as a wrong or NaN element
      let bad = -1;
      for (let i = 0; i < N && bad < 0; i++) if (!Object.is(y[i], i < n ? relu(x, i) : Number.NaN)) bad = i;
      expect(bad, `job ${job}: ${parts} parts of ${n}`).toBe(-1);
    }
  });

  it('fails a job whose kernel fails on any thread, and goes on working', () => {
    const outside = kernels.arena.memory.buffer.byteLength; // every part writes past the memory's end
    expect(() => pool.run('reluForward', evenBounds(N, 6, 16), [outside, xs[0].byteOffset])).toThrow();
    runRelu(xs[1], N, 5);
    for (let n = 0; n < N; n++) expect(y[n]).toBe(relu(xs[1], n));
  });

  it('refuses a job of no parts or of more than MAX_PARTS, or of more than MAX_ARGS arguments (the workers would not see them)', () => {
    expect(() => pool.run('reluForward', new Int32Array([0]), [y.byteOffset, xs[0].byteOffset])).toThrow(`1 to ${MAX_PARTS} parts, got 0`);
    expect(() => pool.run('reluForward', evenBounds(N, MAX_PARTS + 1, 1), [y.byteOffset, xs[0].byteOffset]))
      .toThrow(`got ${MAX_PARTS + 1}`);
    const tooMany = [y.byteOffset, xs[0].byteOffset, ...new Array<number>(MAX_ARGS - 1).fill(0)];
    expect(() => pool.run('reluForward', evenBounds(N, 2, 16), tooMany))
      .toThrow(`a pool job takes at most ${MAX_ARGS} arguments after its range, reluForward got ${MAX_ARGS + 1}`);
    runRelu(xs[1], N, 5); // and the pool goes on working
    for (let n = 0; n < N; n++) expect(y[n]).toBe(relu(xs[1], n));
  });
});
