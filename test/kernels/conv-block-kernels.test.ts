/**
 * The path convolution on dense blocks over channels (assembly/conv-blocks.ts): its three kernels
 * give the gather engine's bits (the backend with `denseBlocks` off) on both builds, on 1, 2 and 3
 * threads with every job split, and the reference's values within rounding. Layers: Sobol' channel
 * pairs with square blocks, blocks of more targets than sources and of fewer (M = 8 of 4, M = 4 of
 * 8), a block of one target (odd M) and fan-in 2. Shapes: kernels 1, 3 and 5, stride 1 and 2,
 * padding 0..2, odd heights and widths, an image narrower than the kernel, a 70-wide row; batches
 * 16, 32 and 48, arrays at unaligned offsets. And which kernels the backend runs: the blocks where
 * CONV_BLOCK_BATCH divides the batch (the input gradient at stride 1, the weight gradient at 3×3,
 * stride 1), the gather engine elsewhere.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import { convShape, type ConvShape } from '../../src/kernels/conv-shape.js';
import { denseBlocks } from '../../src/kernels/dense-blocks.js';
import type { Kernels, SparseIndex } from '../../src/kernels/kernels.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { referenceKernels as ref } from '../../src/kernels/reference-kernels.js';
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildTopology } from '../../src/topology/index.js';
import { randomFloats, relError } from './fixtures.js';
import { kernelCalls } from '../helpers/kernel-calls.js';
import { WASM_BUILDS } from '../helpers/wasm-builds.js';

const blockBackends: WasmKernels[][] = WASM_BUILDS.map((build) =>
  [1, 2, 3].map((threads) => createNodeWasmKernels({ threads, build, minParallelWork: 0 })));
const gatherBackends: WasmKernels[] = WASM_BUILDS.map((build) => createNodeWasmKernels({ threads: 1, build, denseBlocks: false }));
afterAll(() => [...blockBackends.flat(), ...gatherBackends].forEach((k) => k.close()));

const channels = (Ci: number, Co: number, fanIn: number): SparseIndex =>
  buildTopology({ widths: [Ci, Co], source: { kind: 'sobol' }, paths: { fanIn } }).layers[0];

const LAYERS: [string, SparseIndex][] = [
  ['16→16, K = 4', channels(16, 16, 4)],
  ['8→16, K = 4 (M = 8 of 4)', channels(8, 16, 4)],
  ['16→8, K = 8 (M = 4 of 8)', channels(16, 8, 8)],
  ['16→4, K = 4 (M = 1)', channels(16, 4, 4)],
  ['8→8, K = 2', channels(8, 8, 2)],
];

// [H, W, k, s, p]
const SHAPES: readonly (readonly [number, number, number, number, number])[] = [
  [7, 5, 3, 1, 1],
  [6, 6, 3, 1, 2],
  [7, 9, 3, 1, 0],
  [3, 2, 3, 1, 1],
  [9, 9, 3, 2, 1],
  [9, 9, 5, 1, 2],
  [7, 9, 5, 2, 1],
  [7, 5, 1, 1, 0],
  [9, 7, 1, 2, 0],
  [2, 70, 3, 1, 1],
];
const BATCHES = [16, 32, 48];

/** `a` copied into k's memory, `offset` elements into a larger block. */
function place(k: Kernels, a: Floats, offset: number): Float32Array {
  const view = k.alloc('f32', a.length + offset + 3).subarray(offset, offset + a.length) as Float32Array;
  view.set(a);
  return view;
}

const bits = (a: Floats): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** The inputs of one case: x, W, bias, dy as plain arrays. */
function inputs(index: SparseIndex, c: ConvShape, B: number): Float32Array[] {
  const rng = new Rng(index.inputs * 31 + index.outputs * 7 + c.inHeight * 3 + c.kernel + B);
  const E = index.sources.length, kk = c.kernel * c.kernel;
  return [index.inputs * c.inHeight * c.inWidth * B, E * kk, index.outputs, index.outputs * c.outHeight * c.outWidth * B]
    .map((n) => randomFloats(rng, 'f32', n) as Float32Array);
}

/** y, y without bias, dx and dW on k (arrays at offsets o, o + 1, ...); `on` the reference for plain arrays. */
function runAll(k: Kernels, index: SparseIndex, c: ConvShape, B: number, o: number): Floats[] {
  const [hx, hW, hb, hdy] = inputs(index, c, B);
  const [x, W, bias, dy] = [hx, hW, hb, hdy].map((a, i) => (k === ref ? a : place(k, a, o + i)));
  const out = (n: number, i: number) => (k === ref ? new Float32Array(n) : place(k, new Float32Array(n).fill(Number.NaN), o + 4 + i));
  const nOut = index.outputs * c.outHeight * c.outWidth * B;
  const y = out(nOut, 0), y0 = out(nOut, 1), dx = out(hx.length, 2), dW = out(hW.length, 3);
  k.pathConvForward(y, x, W, bias, index, c, B);
  k.pathConvForward(y0, x, W, null, index, c, B);
  k.pathConvBackwardInput(dx, dy, W, index, c, B);
  k.pathConvBackwardWeight(dW, dy, x, index, c, B);
  return [y, y0, dx, dW].map((a) => a.slice());
}

describe('the conv block kernels give the gather engine\'s bits', () => {
  for (const [name, index] of LAYERS) {
    it(name, () => {
      expect(denseBlocks(index), name).not.toBeNull();
      for (const [H, W, k, s, p] of SHAPES) {
        const c = convShape(index.inputs, index.outputs, H, W, k, s, p);
        for (const B of BATCHES) {
          const reference = runAll(ref, index, c, B, 0);
          WASM_BUILDS.forEach((build, bi) => {
            const expected = runAll(gatherBackends[bi], index, c, B, 1);
            blockBackends[bi].forEach((kb, t) => {
              const got = runAll(kb, index, c, B, 1 + 2 * t);
              got.forEach((a, j) => {
                const what = `${build} ${kb.threads} threads ${H}x${W} k${k} s${s} p${p} B=${B} ${['y', 'y without bias', 'dx', 'dW'][j]}`;
                expect(bits(a), what).toEqual(bits(expected[j]));
                expect(relError(a, reference[j]), what).toBeLessThan(1e-5);
              });
            });
          });
        }
      }
    });
  }
});

describe('which convolution kernels the backend runs', () => {
  const blockCalls = (k: WasmKernels, body: () => void): string[] =>
    kernelCalls(k, ['convBlockForward', 'convBlockBackwardInput', 'convBlockBackwardWeight'], body);

  it('runs the blocks on block-dense layers where 16 divides the batch, each kernel where it applies', () => {
    const [k] = blockBackends[0];
    const index = LAYERS[0][1];
    const walks = buildTopology({ widths: [16, 16], source: { kind: 'random-walk', seed: 1 }, paths: { fanIn: 4 } }).layers[0];
    const run = (i: SparseIndex, c: ConvShape, B: number, on: Kernels = k) => () => runAll(on, i, c, B, 1);
    const all = ['convBlockForward', 'convBlockForward', 'convBlockBackwardInput', 'convBlockBackwardWeight'];
    expect(blockCalls(k, run(index, convShape(16, 16, 7, 5, 3, 1, 1), 32))).toEqual(all);
    expect(blockCalls(k, run(index, convShape(16, 16, 9, 9, 3, 2, 1), 32))).toEqual(['convBlockForward', 'convBlockForward']);
    expect(blockCalls(k, run(index, convShape(16, 16, 9, 9, 5, 1, 2), 16))).toEqual(all.slice(0, 3));
    expect(blockCalls(k, run(index, convShape(16, 16, 7, 5, 3, 1, 1), 24))).toEqual([]);
    expect(blockCalls(k, run(walks, convShape(16, 16, 7, 5, 3, 1, 1), 32))).toEqual([]);
    expect(blockCalls(gatherBackends[0], run(index, convShape(16, 16, 7, 5, 3, 1, 1), 32, gatherBackends[0]))).toEqual([]);
  });
});
