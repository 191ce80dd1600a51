/**
 * Every kernel on every wasm backend (SIMD on 1 thread, worker pool on 2 and 3 threads) against
 * the reference, on awkward sizes (batch 1, 3, 127; widths like 123; duplicate edges, empty rows)
 * with arrays that are offset views into blocks of the backend's memory. Also: results are
 * bit-identical for 1, 2 and 3 threads and between runs; float64 and foreign arrays fall back to
 * the reference exactly; the arena grows without invalidating views; bad sizes fail loudly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import type { Floats, Precision } from '../../src/core/floats.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import { relaxedSimdAvailable, wasmModuleBuilt } from '../../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels, sharedWasmArena } from '../../src/kernels/node/select-kernels.js';
import { windowedSplit, type WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import type { WasmBuild } from '../../src/kernels/wasm/wasm-arena.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { KERNEL_CASES, type Arrays } from './backend-cases.js';
import { buildIndex, firstBitDifference, randomEdges, randomFloats, relError } from './fixtures.js';

const BATCHES = [1, 3, 127];
// minParallelWork 0: even these small jobs are split over every thread
const backendsOf = (build: WasmBuild): WasmKernels[] =>
  [1, 2, 3].map((threads) => createNodeWasmKernels({ threads, build, minParallelWork: 0 }));
const backends = backendsOf('simd');
// the FMA build too (select-kernels.test checks that Node runs it)
const fmaBackends = relaxedSimdAvailable() && wasmModuleBuilt('simd-fma') ? backendsOf('simd-fma') : [];
afterAll(() => [...backends, ...fmaBackends].forEach((k) => k.close()));

/** `a` copied into k's memory as a view `offset` elements into a larger block. */
function place(k: Kernels, p: Precision, a: Floats, offset: number): Floats {
  const view = k.alloc(p, a.length + offset + 3).subarray(offset, offset + a.length);
  view.set(a);
  return view;
}

function copyAll(a: Arrays, copy: (v: Floats) => Floats): Arrays {
  return Object.fromEntries(Object.entries(a).map(([name, v]) => [name, copy(v)]));
}


for (const [build, builds] of [['simd', backends], ['simd-fma', fmaBackends]] as const) {
  describe(`wasm backends (${build}) against the reference`, () => {
    for (const c of KERNEL_CASES) {
      for (const B of BATCHES) {
        it.skipIf(builds.length === 0)(`${c.name} B=${B}`, () => {
          const inputs = c.make('f32', B);
          const expected = copyAll(inputs, (v) => v.slice());
          const refLoss = c.run(referenceKernels, expected, B);
          const runs: Arrays[] = [];
          builds.forEach((k, t) => {
            const a = copyAll(inputs, (v) => place(k, 'f32', v, 1 + t)); // offsets 1, 2, 3: never 16-byte aligned
            expect(sharedWasmArena(build).owns(Object.values(a)[0])).toBe(true);
            const loss = c.run(k, a, B);
            for (const [name, tol] of Object.entries(c.outputs)) {
              const err = relError(a[name], expected[name]);
              expect(err, `${name} on ${k.name}`).toBeLessThanOrEqual(tol);
            }
            if (typeof refLoss === 'number') expect(Math.abs((loss as number) - refLoss) / refLoss).toBeLessThan(1e-6);
            runs.push(a);
          });
          // a second run on 3 threads, at other offsets
          const again = copyAll(inputs, (v) => place(builds[2], 'f32', v, 5));
          c.run(builds[2], again, B);
          for (const name of Object.keys(c.outputs)) {
            for (const [label, r] of [['2 threads', runs[1]], ['3 threads', runs[2]], ['a second run', again]] as const) {
              expect(firstBitDifference(r[name], runs[0][name]), `${name}: ${label} vs 1 thread`).toBe(-1);
            }
          }
        });
      }
    }
  });
}

describe('the fused sparse backward', () => {
  for (const k of [backends[0], backends[1], ...fmaBackends.slice(0, 2)]) {
    it(`gives exactly the bits of sparseBackwardInput + sparseBackwardWeight on ${k.name}`, () => {
      for (const B of [2, 7, 20, 127, 128]) {
        const rng = new Rng(B);
        const [I, O] = [123, 77];
        const { index } = buildIndex(I, O, randomEdges(rng, I, O, 1500));
        const E = index.sources.length;
        const x = place(k, 'f32', randomFloats(rng, 'f32', I * B), 1);
        const dy = place(k, 'f32', randomFloats(rng, 'f32', O * B), 2);
        const W = place(k, 'f32', randomFloats(rng, 'f32', E), 3);
        const [dx, dxAlone] = [k.alloc('f32', I * B), k.alloc('f32', I * B)];
        const [dW, dWAlone] = [k.alloc('f32', E), k.alloc('f32', E)];
        k.sparseBackward(dx, dW, dy, x, W, index, B);
        k.sparseBackwardInput(dxAlone, dy, W, index, B);
        k.sparseBackwardWeight(dWAlone, dy, x, index, B);
        expect(firstBitDifference(dx, dxAlone), `dx, B=${B}`).toBe(-1);
        expect(firstBitDifference(dW, dWAlone), `dW, B=${B}`).toBe(-1);
      }
    });
  }
});

describe('fallback to the reference', () => {
  const k = backends[1];
  for (const c of KERNEL_CASES) {
    it(`${c.name}: float64 and foreign float32 arrays give exactly the reference result`, () => {
      for (const p of ['f64', 'f32'] as const) {
        const B = 3;
        const inputs = c.make(p, B);
        const expected = copyAll(inputs, (v) => v.slice());
        const refLoss = c.run(referenceKernels, expected, B);
        // f64: the backend's own f64 arrays (plain Float64Array); f32: plain arrays it did not allocate
        const a = p === 'f64' ? copyAll(inputs, (v) => place(k, 'f64', v, 1)) : copyAll(inputs, (v) => v.slice());
        if (p === 'f64') expect(Object.values(a).every((v) => v instanceof Float64Array)).toBe(true);
        const loss = c.run(k, a, B);
        for (const name of Object.keys(c.outputs)) expect(Array.from(a[name])).toEqual(Array.from(expected[name]));
        expect(loss).toEqual(refLoss);
      }
    });
  }

  it('mixes: one foreign array sends the whole call to the reference', () => {
    const rng = new Rng(3);
    const { index } = buildIndex(20, 9, randomEdges(rng, 20, 9, 50));
    const x = randomFloats(rng, 'f32', 20 * 5);
    const W = randomFloats(rng, 'f32', 50);
    const yRef = new Float32Array(9 * 5);
    referenceKernels.sparseForward(yRef, x, W, null, index, 5);
    const y = k.alloc('f32', 9 * 5);
    k.sparseForward(y, place(k, 'f32', x, 0), W, null, index, 5);
    expect(Array.from(y)).toEqual(Array.from(yRef));
  });
});

describe('wasm backend object', () => {
  it('names itself and hands out zeroed views of its memory (f32) or plain arrays (f64)', () => {
    expect(backends.map((k) => k.name)).toEqual(['wasm-simd', 'wasm-simd ×2 threads', 'wasm-simd ×3 threads']);
    const a = backends[0].alloc('f32', 1001);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    // every array starts on a cache line, whatever the sizes before it (1001 floats, then 10, then 3)
    const after = [backends[0].alloc('f32', 10), backends[0].alloc('f32', 3), backends[0].alloc('f32', 128 * 5)];
    expect([a, ...after].map((v) => v.byteOffset % 64)).toEqual([0, 0, 0, 0]);
    expect(a.every((v) => v === 0)).toBe(true);
    const d = backends[0].alloc('f64', 7);
    expect(d).toBeInstanceOf(Float64Array);
    expect(sharedWasmArena().owns(d)).toBe(false);
    expect(sharedWasmArena().owns(new Float32Array(4))).toBe(false);
  });

  it('grows its memory without invalidating earlier views', () => {
    const k = backends[1];
    const before = k.alloc('f32', 16).fill(2);
    const grown = sharedWasmArena().memory.buffer.byteLength;
    const big = k.alloc('f32', grown / 4); // more than the whole memory so far: forces a grow
    expect(sharedWasmArena().memory.buffer.byteLength).toBeGreaterThan(grown);
    big.fill(1);
    const y = k.alloc('f32', 16);
    k.reluForward(y, before, 16);
    expect(Array.from(y)).toEqual(new Array<number>(16).fill(2));
    k.reluBackward(big.subarray(0, 16), before, y, 16); // old and new buffers in one call
    expect(Array.from(big.subarray(0, 16))).toEqual(new Array<number>(16).fill(2));
  });

  it('copies an index into its memory once', () => {
    const k = backends[0];
    const rng = new Rng(4);
    const { index } = buildIndex(30, 20, randomEdges(rng, 30, 20, 90));
    const [x, W, y] = [k.alloc('f32', 30 * 4), k.alloc('f32', 90), k.alloc('f32', 20 * 4)];
    // the first calls copy the index and may grow the scratch block; later calls allocate nothing
    k.sparseForward(y, x, W, null, index, 4);
    k.sparseBackwardWeight(W, y, x, index, 4);
    const used = sharedWasmArena().usedBytes;
    k.sparseForward(y, x, W, null, index, 4);
    k.sparseBackwardWeight(W, y, x, index, 4);
    expect(sharedWasmArena().usedBytes).toBe(used);
  });

  it('rejects arrays too short for the sizes, and labels out of range', () => {
    const k = backends[0];
    const { index } = buildIndex(4, 3, [{ s: 0, t: 0 }, { s: 3, t: 2 }]);
    const [x, W, y] = [k.alloc('f32', 4 * 2), k.alloc('f32', 2), k.alloc('f32', 3 * 2)];
    expect(() => k.sparseForward(y.subarray(1), x, W, null, index, 2)).toThrow(SobolnetError);
    expect(() => k.sparseForward(y.subarray(1), x, W, null, index, 2)).toThrow('sparseForward: y has 5 elements, needs 6');
    expect(() => k.denseForward(y, x, W, null, 4, 3, 2)).toThrow('denseForward: W has 2 elements, needs 12');
    const z = k.alloc('f32', 3 * 2);
    expect(() => k.softmaxCrossEntropy(z, z, Int32Array.of(0, 3), 3, 2)).toThrow('label 3 of sample 1 is not in [0, 3)');
  });

  it('runs on one thread after close()', () => {
    const k = createNodeWasmKernels({ threads: 2, minParallelWork: 0 });
    const x = k.alloc('f32', 64).fill(-1);
    k.reluForward(x, x, 64);
    k.close();
    expect(k.name).toBe('wasm-simd');
    x.fill(3);
    k.reluForward(x, x, 64);
    expect(x[63]).toBe(3);
  });
});

describe('the windowed split of the sparse kernels', () => {
  // windows of 8 rows, always (no size threshold): with 77 and 123 rows every thread gets >= 2 windows
  const windowed = [2, 3].map((threads) => createNodeWasmKernels({ threads, minParallelWork: 0, windowRows: 8, windowSplitMinBytes: 0 }));
  afterAll(() => windowed.forEach((k) => k.close()));
  for (const B of [4, 20, 127]) {
    it(`gives the bits of one thread: forward, input and weight gradients, B=${B} (2 and 3 threads, a last window cut short)`, () => {
      const rng = new Rng(1000 + B);
      const [I, O] = [123, 77];
      const { index } = buildIndex(I, O, randomEdges(rng, I, O, 1500)); // duplicate edges and empty rows among them
      const E = index.sources.length;
      const x = randomFloats(rng, 'f32', I * B), dy = randomFloats(rng, 'f32', O * B);
      const W = randomFloats(rng, 'f32', E), bias = randomFloats(rng, 'f32', O);
      const run = (k: WasmKernels): Floats[] => {
        const [y, dx, dW] = [k.alloc('f32', O * B), k.alloc('f32', I * B), k.alloc('f32', E)];
        const [xk, Wk, dyk] = [place(k, 'f32', x, 1), place(k, 'f32', W, 2), place(k, 'f32', dy, 3)];
        k.sparseForward(y, xk, Wk, place(k, 'f32', bias, 1), index, B);
        k.sparseBackwardInput(dx, dyk, Wk, index, B);
        k.sparseBackwardWeight(dW, dyk, xk, index, B);
        return [y, dx, dW];
      };
      const expected = run(backends[0]);
      const y = new Float32Array(O * B);
      referenceKernels.sparseForward(y, x, W, bias, index, B);
      expect(relError(expected[0], y)).toBeLessThan(1e-5);
      for (const k of windowed) {
        run(k).forEach((a, i) => expect(firstBitDifference(a, expected[i]), `${['y', 'dx', 'dW'][i]} on ${k.name}`).toBe(-1));
      }
    });
  }

  it('is what the backend runs where the gathered array passes 4 MiB and every thread gets two windows', () => {
    expect(windowedSplit(65536, 4 * 65536 * 128, 2)).toBe(true);
    expect(windowedSplit(16384, 4 * 16384 * 128, 2)).toBe(true);
    expect(windowedSplit(4096, 4 * 4096 * 128, 2)).toBe(false);   // 2 MiB: contiguous ranges
    expect(windowedSplit(65536, 4 * 65536 * 128, 1)).toBe(false);
    expect(windowedSplit(200, 64 * 2 ** 20, 2)).toBe(false);      // fewer than 2 windows of 64 per thread
  });
});
