/**
 * The batch-lane gather kernels skip the edges from rows of x that are zero in every sample
 * (assembly/live-rows.ts): the forward where a ReLU is fused, the weight gradient always. Checked
 * here against the same build with skipping off, bit for bit, on 1, 2 and 3 threads and in the
 * windowed split; that the forward without a ReLU keeps every edge (a zero's sign would show it);
 * that the dropped weight gradients are exactly +0; and the row scan itself (-0 rows are zero,
 * a NaN or a value in the overlapping tail vector is not).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import type { SparseIndex } from '../../src/kernels/kernels.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { ZERO_ROWS_MIN_SHARE, type WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildIndex, firstBitDifference, randomEdges, relError } from './fixtures.js';
import { WASM_BUILDS } from '../helpers/wasm-builds.js';

const opened: WasmKernels[] = [];
afterAll(() => opened.forEach((k) => k.close()));
const open = (k: WasmKernels): WasmKernels => (opened.push(k), k);

/**
 * x[I,B] with about a third of its rows zero (every fifth of those -0), one row nonzero only in its
 * last sample (the overlapping tail vector where B % 4 != 0) and one only in a middle sample.
 */
function sparseRows(rng: Rng, I: number, B: number): { x: Float32Array; dead: boolean[] } {
  const x = new Float32Array(I * B);
  const dead: boolean[] = [];
  for (let r = 0; r < I; r++) {
    const zero = r % 3 === 1;
    dead.push(zero);
    for (let b = 0; b < B; b++) x[r * B + b] = zero ? (r % 5 === 0 ? -0 : 0) : Math.max(0, 2 * rng.nextFloat() - 0.5);
  }
  for (const [r, b] of [[1, B - 1], [4, B >> 1]]) {
    x[r * B + b] = 0.75;
    dead[r] = false;
  }
  return { x, dead };
}

const I = 123;
const O = 77;
const edges = randomEdges(new Rng(11), I, O, 2400);
const { index } = buildIndex(I, O, edges);

/** y, dW and db of forward (ReLU fused or not) and weight gradient on k, from copies of x, W, bias, dy. */
function run(k: WasmKernels, idx: SparseIndex, x: Float32Array, W: Float32Array, bias: Float32Array, dy: Float32Array, B: number,
  relu: boolean): { y: Floats; dW: Floats; db: Floats } {
  const place = (a: Float32Array): Floats => {
    const v = k.alloc('f32', a.length + 1).subarray(1);
    v.set(a);
    return v;
  };
  const y = place(new Float32Array(idx.outputs * B).fill(Number.NaN));
  const dW = place(new Float32Array(W.length).fill(Number.NaN));
  const db = place(new Float32Array(idx.outputs).fill(Number.NaN));
  const xs = place(x);
  k.sparseForward(y, xs, place(W), place(bias), idx, B, relu);
  k.sparseBackwardWeight(dW, place(dy), xs, idx, B, db);
  return { y, dW, db };
}

for (const build of WASM_BUILDS) {
  describe(`skipping rows of zeros (${build})`, () => {
    const full = open(createNodeWasmKernels({ threads: 1, build, skipZeroRows: false }));
    const skipping = [1, 2, 3].map((threads) => open(createNodeWasmKernels({ threads, build, minParallelWork: 0 })));
    // the windowed split (every row count, every array size)
    const windowed = open(createNodeWasmKernels({ threads: 2, build, minParallelWork: 0, windowRows: 16, windowSplitMinBytes: 0 }));

    for (const B of [4, 7, 128]) {
      it(`gives the bits of the full gather, forward with ReLU and weight gradient, B=${B}`, () => {
        const rng = new Rng(100 + B);
        const { x, dead } = sparseRows(rng, I, B);
        expect(dead.filter(Boolean).length).toBeGreaterThanOrEqual(ZERO_ROWS_MIN_SHARE * I);
        const W = Float32Array.from({ length: index.sources.length }, () => 2 * rng.nextFloat() - 1);
        const bias = Float32Array.from({ length: O }, () => 0.2 * rng.nextFloat() - 0.1);
        const dy = Float32Array.from({ length: O * B }, () => 2 * rng.nextFloat() - 1);
        const want = run(full, index, x, W, bias, dy, B, true);
        for (const k of [...skipping, windowed]) {
          const got = run(k, index, x, W, bias, dy, B, true);
          for (const name of ['y', 'dW', 'db'] as const) {
            expect(firstBitDifference(got[name], want[name]), `${name} on ${k.name}`).toBe(-1);
          }
        }
        // the dropped edges' gradients are exactly +0, the others are not all zero
        const dW = run(skipping[1], index, x, W, bias, dy, B, true).dW;
        for (let e = 0; e < index.sources.length; e++) {
          if (dead[index.sources[e]]) expect(Object.is(dW[e], 0), `dW[${e}]`).toBe(true);
        }
        expect(dW.some((v) => v !== 0)).toBe(true);
        // and the full gather itself is right
        const ref = { y: new Float32Array(O * B), dW: new Float32Array(W.length) };
        referenceKernels.sparseForward(ref.y, x, W, bias, index, B, true);
        referenceKernels.sparseBackwardWeight(ref.dW, dy, x, index, B, null);
        expect(relError(want.y, ref.y)).toBeLessThan(1e-5);
        expect(relError(want.dW, ref.dW)).toBeLessThan(1e-5);
      });
    }

    it('keeps every edge in a forward without a ReLU, where a zero sum\'s sign would change', () => {
      // target 0 gathers only zero rows, with weight 1, onto a bias of -0: its multiply-adds give
      // 1 · (+0) + (-0) = +0, where skipping them would leave the bias, -0
      const B = 8;
      const onlyZeros = buildIndex(I, O, [...[1, 7, 10].map((s) => ({ s, t: 0 })), ...edges.filter((e) => e.t !== 0)]).index;
      const { x, dead } = sparseRows(new Rng(5), I, B);
      expect([1, 7, 10].map((s) => dead[s])).toEqual([false, true, true]);
      x.fill(0, 1 * B, 2 * B); // row 1 zero too (only its last sample was set)
      const W = new Float32Array(onlyZeros.sources.length).fill(1);
      const bias = new Float32Array(O).fill(-0);
      const dy = new Float32Array(O * B).fill(1);
      const want = run(full, onlyZeros, x, W, bias, dy, B, false);
      expect(Object.is(want.y[0], 0)).toBe(true);
      for (const k of skipping) expect(firstBitDifference(run(k, onlyZeros, x, W, bias, dy, B, false).y, want.y), k.name).toBe(-1);
      // with the ReLU both are +0
      expect(Object.is(run(skipping[0], onlyZeros, x, W, bias, dy, B, true).y[0], 0)).toBe(true);
    });

    it('flags a row live by any value other than ±0, the tail vector and NaN included', () => {
      const k = skipping[0];
      for (const B of [4, 5, 7, 16, 19, 128]) {
        const rows: number[][] = [
          new Array<number>(B).fill(0),
          new Array<number>(B).fill(-0),
          Array.from({ length: B }, (_, b) => (b === B - 1 ? 1e-30 : 0)),
          Array.from({ length: B }, (_, b) => (b === 0 ? -2 : 0)),
          Array.from({ length: B }, (_, b) => (b === B >> 1 ? Number.NaN : -0)),
          Array.from({ length: B }, (_, b) => (b === B - 5 && B >= 5 ? 3 : 0)),
        ];
        const x = k.alloc('f32', rows.length * B) as Float32Array;
        rows.forEach((r, i) => x.set(r, i * B));
        const live = k.arena.scratch(64);
        const count = k.arena.kernels.liveRows(0, rows.length, live, x.byteOffset, B) as number;
        const flags = [...new Uint8Array(k.arena.buffer(), live, rows.length)];
        const expected = [0, 0, 1, 1, 1, B >= 5 ? 1 : 0];
        expect(flags, `B=${B}`).toEqual(expected);
        expect(count).toBe(expected.reduce((a, b) => a + b, 0));
      }
    });
  });
}
