/**
 * What the linear kernels fuse (kernels.ts): the ReLU (sparseForward / denseForward with `relu`, the
 * input gradients with `reluOf`) and the sparse layer's bias gradient (`db`). On every wasm backend
 * (both builds, 1-3 threads with every job split) and the reference, a fused call gives exactly the
 * bits of the kernel followed by reluForward / reluBackward / biasBackward, on Sobol' block layers
 * and random-edge layers (the gather kernels), at batches 1 to 128; dense layers with few outputs
 * (split by samples or inputs) and many (split by units). Also: the dense layer's results do not
 * depend on the thread count, and which passes run on one thread: the block kernels need no ReLU
 * pass, the block and batch-lane gather kernels no bias pass.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import type { Kernels, SparseIndex } from '../../src/kernels/kernels.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildTopology } from '../../src/topology/index.js';
import { kernelCalls } from '../helpers/kernel-calls.js';
import { buildIndex, randomEdges } from './fixtures.js';
import { WASM_BUILDS } from '../helpers/wasm-builds.js';

// minParallelWork 0: every job split over every thread
const wasm: WasmKernels[] = WASM_BUILDS.flatMap((build) =>
  [1, 2, 3].map((threads) => createNodeWasmKernels({ threads, build, minParallelWork: 0 })));
afterAll(() => wasm.forEach((k) => k.close()));
const backends: Kernels[] = [referenceKernels, ...wasm];

/** n floats in the backend's memory, about half of them negative (so that the ReLU matters). */
function filled(k: Kernels, rng: Rng, n: number): Float32Array {
  const a = k.alloc('f32', n) as Float32Array;
  for (let i = 0; i < n; i++) a[i] = rng.nextFloat() * 2 - 1;
  return a;
}

const bits = (a: Floats): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

const sobolLayer = (n: number, K: number): SparseIndex =>
  buildTopology({ widths: [n, n], source: { kind: 'sobol' }, paths: { fanIn: K }, unitOrders: ['bit-reversed', 'bit-reversed'] }).layers[0];

const SPARSE: [string, SparseIndex][] = [
  ['sobol 256→256 K=16 (blocks)', sobolLayer(256, 16)],
  ['random 70→45 E=300 (gather)', buildIndex(70, 45, randomEdges(new Rng(4), 70, 45, 300)).index],
];
const BATCHES = [1, 5, 16, 128];

describe('sparse kernels with the ReLU and the bias gradient fused', () => {
  for (const [name, index] of SPARSE) {
    for (const B of BATCHES) {
      it(`give the bits of the separate passes: ${name}, B=${B}`, () => {
        const { inputs: I, outputs: O } = index;
        const E = index.sources.length;
        for (const k of backends) {
          const rng = new Rng(I + O + B);
          const x = filled(k, rng, I * B), W = filled(k, rng, E), bias = filled(k, rng, O), dy = filled(k, rng, O * B);
          const fused = k.alloc('f32', O * B), plain = k.alloc('f32', O * B);
          k.sparseForward(fused, x, W, bias, index, B, true);
          k.sparseForward(plain, x, W, bias, index, B);
          k.reluForward(plain, plain, O * B);
          expect(bits(fused), `forward on ${k.name}`).toEqual(bits(plain));
          expect(fused.some((v) => v === 0) && fused.some((v) => v > 0), 'the ReLU matters').toBe(true);

          const dxFused = k.alloc('f32', I * B), dxPlain = k.alloc('f32', I * B), dW = k.alloc('f32', E), dW2 = k.alloc('f32', E);
          k.sparseBackwardInput(dxFused, dy, W, index, B, x);
          k.sparseBackwardInput(dxPlain, dy, W, index, B);
          k.reluBackward(dxPlain, dxPlain, x, I * B);
          expect(bits(dxFused), `input gradient on ${k.name}`).toEqual(bits(dxPlain));
          k.sparseBackward(dxFused.fill(Number.NaN), dW, dy, x, W, index, B, x);
          k.sparseBackwardWeight(dW2, dy, x, index, B);
          expect(bits(dxFused), `sparseBackward's dx on ${k.name}`).toEqual(bits(dxPlain));
          expect(bits(dW), `sparseBackward's dW on ${k.name}`).toEqual(bits(dW2));

          const db = k.alloc('f32', O), db2 = k.alloc('f32', O);
          k.sparseBackward(dxFused.fill(Number.NaN), dW.fill(Number.NaN), dy, x, W, index, B, x, db);
          k.biasBackward(db2, dy, O, B);
          expect(bits(db), `the fused bias gradient on ${k.name}`).toEqual(bits(db2));
          expect(bits(dW), `dW beside it on ${k.name}`).toEqual(bits(dW2));
          expect(bits(dxFused), `dx beside it on ${k.name}`).toEqual(bits(dxPlain));
          k.sparseBackwardWeight(dW.fill(Number.NaN), dy, x, index, B, db.fill(Number.NaN));
          expect(bits(db), `sparseBackwardWeight's bias gradient on ${k.name}`).toEqual(bits(db2));
        }
      });
    }
  }

  it('run no separate ReLU pass on the block kernels, nor a bias pass on the block and gather kernels (one thread)', () => {
    const [[, blocks], [, random]] = SPARSE;
    const B = 16;
    const names = ['blockForward', 'blockBackwardInput', 'blockBackwardWeight', 'reluForward', 'reluBackward', 'biasBackward',
      'sparseForward', 'sparseBackwardInput', 'sparseBackwardWeight', 'sparseForwardSmallBatch', 'sparseBackwardInputSmallBatch',
      'sparseBackwardWeightSmallBatch'];
    for (const k of wasm.filter((w) => w.threads === 1)) {
      const rng = new Rng(1);
      const x = filled(k, rng, 256 * B), W = filled(k, rng, blocks.sources.length), dy = filled(k, rng, 256 * B);
      const y = k.alloc('f32', 256 * B), dx = k.alloc('f32', 256 * B), dW = k.alloc('f32', blocks.sources.length), db = k.alloc('f32', 256);
      const both = (index: SparseIndex, b: number) => kernelCalls(k, names, () => {
        k.sparseForward(y, x, W, null, index, b, true);
        k.sparseBackward(dx, dW, dy, x, W, index, b, x, db);
      });
      expect(both(blocks, B)).toEqual(['blockForward', 'blockBackwardInput', 'blockBackwardWeight']);
      expect(both(random, B)).toEqual(['sparseForward', 'reluForward', 'sparseBackwardInput', 'reluBackward', 'sparseBackwardWeight']);
      expect(both(random, 1)).toEqual(['sparseForwardSmallBatch', 'reluForward', 'sparseBackwardInputSmallBatch', 'reluBackward',
        'sparseBackwardWeightSmallBatch', 'biasBackward']);
    }
  });
});

describe('dense kernels with the ReLU fused', () => {
  // O = 10 splits by samples (forward) and inputs (weight gradient) on 2 and 3 threads, O = 37 by units
  for (const [I, O] of [[130, 10], [23, 37]]) {
    for (const B of [1, 5, 20, 33, 128]) {
      it(`give the bits of the separate passes and of one thread: I=${I} O=${O} B=${B}`, () => {
        const results: Record<string, number[][]> = {};
        const keep = (k: Kernels, what: string, a: Floats): void => {
          if (k === referenceKernels) return;
          (results[`${(k as WasmKernels).arena.build} ${what}`] ??= []).push(bits(a));
        };
        for (const k of backends) {
          const rng = new Rng(I * O + B);
          const x = filled(k, rng, I * B), W = filled(k, rng, O * I), bias = filled(k, rng, O), dy = filled(k, rng, O * B);
          const fused = k.alloc('f32', O * B), plain = k.alloc('f32', O * B);
          k.denseForward(fused, x, W, bias, I, O, B, true);
          k.denseForward(plain, x, W, bias, I, O, B);
          keep(k, 'forward', plain);
          k.reluForward(plain, plain, O * B);
          expect(bits(fused), `forward on ${k.name}`).toEqual(bits(plain));

          const dxFused = k.alloc('f32', I * B), dxPlain = k.alloc('f32', I * B), dW = k.alloc('f32', O * I);
          k.denseBackwardInput(dxFused, dy, W, I, O, B, x);
          k.denseBackwardInput(dxPlain, dy, W, I, O, B);
          keep(k, 'input gradient', dxPlain);
          k.reluBackward(dxPlain, dxPlain, x, I * B);
          expect(bits(dxFused), `input gradient on ${k.name}`).toEqual(bits(dxPlain));
          k.denseBackwardWeight(dW, dy, x, I, O, B);
          keep(k, 'weight gradient', dW);
        }
        for (const [what, runs] of Object.entries(results)) {
          expect(runs.length, what).toBe(3);
          for (const r of runs.slice(1)) expect(r, `${what}: 2 or 3 threads against 1`).toEqual(runs[0]);
        }
      });
    }
  }
});
