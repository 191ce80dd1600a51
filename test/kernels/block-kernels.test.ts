/**
 * Dense blocks (src/kernels/dense-blocks.ts) and the block kernels (assembly/block-kernels.ts): which
 * layers are block-dense, that the blocks name exactly the layer's edges in gather and transpose
 * order, and that the block kernels give the gather kernels' bits (the backend with `denseBlocks`
 * off) on both builds, on 1, 2 and 3 threads with every job split, at awkward batches (4, 5, 19,
 * 127) and on blocks that are not square (M = 64 targets of 32 sources, M = 32 of 64), with arrays at
 * unaligned offsets; and the reference's values within rounding.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import { denseBlocks } from '../../src/kernels/dense-blocks.js';
import type { Kernels, SparseIndex } from '../../src/kernels/kernels.js';
import { quadIndex } from '../../src/kernels/quad-index.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { referenceKernels as ref } from '../../src/kernels/reference-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildTopology, type UnitOrder } from '../../src/topology/index.js';
import type { TopologySpec } from '../../src/topology/spec.js';
import { randomFloats, relError } from './fixtures.js';
import { kernelCalls } from '../helpers/kernel-calls.js';
import { WASM_BUILDS } from '../helpers/wasm-builds.js';

function layer(widths: number[], fanIn: number, source: TopologySpec['source'], order: UnitOrder = 'bit-reversed',
  extra: Partial<TopologySpec> = {}): SparseIndex {
  return buildTopology({ widths, source, paths: { fanIn }, unitOrders: widths.map(() => order), ...extra }).layers[0];
}

describe('denseBlocks', () => {
  it('splits Sobol\' layers of power-of-two widths and fan-ins into blocks that hold exactly their edges', () => {
    const cases: [number[], number, TopologySpec['source'], UnitOrder, Partial<TopologySpec>, number, number][] = [
      [[1024, 1024], 32, { kind: 'sobol' }, 'bit-reversed', {}, 32, 32],
      [[1024, 1024], 32, { kind: 'sobol' }, 'natural', {}, 32, 32],
      [[1024, 1024], 32, { kind: 'sobol' }, 'bit-reversed', { order: 'gray' }, 32, 32],
      [[1024, 1024], 16, { kind: 'sobol' }, 'bit-reversed', { components: [3, 7] }, 64, 16],
      [[256, 256], 16, { kind: 'sobol-shift', seed: 3 }, 'bit-reversed', {}, 16, 16],
      [[256, 256], 16, { kind: 'sobol-owen', seed: 3 }, 'bit-reversed', {}, 16, 16],
      [[1024, 2048], 32, { kind: 'sobol' }, 'bit-reversed', {}, 32, 64],
      [[4096, 4096], 32, { kind: 'sobol' }, 'bit-reversed', {}, 128, 32],
    ];
    for (const [widths, K, source, order, extra, G, M] of cases) {
      const index = layer(widths, K, source, order, extra);
      const b = denseBlocks(index);
      const name = `${widths.join('→')} K=${K} ${source.kind} ${order} ${JSON.stringify(extra)}`;
      expect(b, name).not.toBeNull();
      expect([b!.count, b!.targetsPerBlock, b!.fanIn], name).toEqual([G, M, index.sources.length / widths[1]]);
      // every target of block g gathers the block's sources in order; every target appears once
      const seen = new Int32Array(index.outputs);
      for (let g = 0; g < b!.count; g++) {
        for (let i = 0; i < b!.targetsPerBlock; i++) {
          const t = b!.targets[g * b!.targetsPerBlock + i];
          seen[t]++;
          const gathered = index.sources.subarray(index.targetOffsets[t], index.targetOffsets[t + 1]);
          expect(Array.from(gathered)).toEqual(Array.from(b!.sources.subarray(g * b!.fanIn, (g + 1) * b!.fanIn)));
        }
      }
      expect(seen.every((n) => n === 1), name).toBe(true);
      expect(new Set(b!.sources).size, name).toBe(index.inputs);
    }
  });

  it('is null where a layer is not block-dense', () => {
    expect(denseBlocks(layer([256, 256], 16, { kind: 'random-walk', seed: 3 }))).toBeNull();
    expect(denseBlocks(layer([784, 1024], 32, { kind: 'sobol' }))).toBeNull(); // 784 is no power of two
    expect(denseBlocks(layer([256, 256], 12, { kind: 'sobol' }))).toBeNull(); // nor is the fan-in
  });
});

// minParallelWork 0: every job split over every thread
const blockBackends: WasmKernels[][] = WASM_BUILDS.map((build) =>
  [1, 2, 3].map((threads) => createNodeWasmKernels({ threads, build, minParallelWork: 0 })));
const gatherBackends: WasmKernels[] = WASM_BUILDS.map((build) => createNodeWasmKernels({ threads: 1, build, denseBlocks: false }));
afterAll(() => [...blockBackends.flat(), ...gatherBackends].forEach((k) => k.close()));

/** `a` copied into k's memory, `offset` elements into a larger block. */
function place(k: Kernels, a: Floats, offset: number): Float32Array {
  const view = k.alloc('f32', a.length + offset + 3).subarray(offset, offset + a.length) as Float32Array;
  view.set(a);
  return view;
}

const bits = (a: Floats): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** The three kernels' outputs on k (forward with and without bias, dx, dW), arrays at offsets o, o + 1, ... */
function runAll(k: Kernels, index: SparseIndex, B: number, o: number): Floats[] {
  const rng = new Rng(index.inputs + 7 * index.outputs + B);
  const E = index.sources.length;
  const x = place(k, randomFloats(rng, 'f32', index.inputs * B), o);
  const dy = place(k, randomFloats(rng, 'f32', index.outputs * B), o + 1);
  const W = place(k, randomFloats(rng, 'f32', E), o + 2);
  const bias = place(k, randomFloats(rng, 'f32', index.outputs), o + 3);
  const y = place(k, new Float32Array(index.outputs * B).fill(Number.NaN), o + 4);
  const y0 = place(k, new Float32Array(index.outputs * B).fill(Number.NaN), o + 5);
  const dx = place(k, new Float32Array(index.inputs * B).fill(Number.NaN), o + 6);
  const dW = place(k, new Float32Array(E).fill(Number.NaN), o + 7);
  k.sparseForward(y, x, W, bias, index, B);
  k.sparseForward(y0, x, W, null, index, B);
  k.sparseBackwardInput(dx, dy, W, index, B);
  k.sparseBackwardWeight(dW, dy, x, index, B);
  return [y, y0, dx, dW].map((a) => a.slice());
}

const LAYERS: [string, SparseIndex][] = [
  ['Sobol\' 64→64, K = 8', layer([64, 64], 8, { kind: 'sobol' })],
  ['shifted Sobol\' 256→256, K = 16, natural order', layer([256, 256], 16, { kind: 'sobol-shift', seed: 2 }, 'natural')],
  ['Sobol\' 128→256, K = 8 (M = 16)', layer([128, 256], 8, { kind: 'sobol' })],
  ['Sobol\' 256→128, K = 16 (K = 32 per block)', layer([256, 128], 16, { kind: 'sobol' })],
  ['Sobol\' 64→64, K = 2', layer([64, 64], 2, { kind: 'sobol' })],
  ['Sobol\' 128→128, K = 32 (the batch-1 forward\'s unrolled loop twice a row)', layer([128, 128], 32, { kind: 'sobol' })],
];

describe('the block kernels give the gather kernels\' bits (at B = 1 the quads\' forward and weight gradient; the input gradient sums in another order there)', () => {
  for (const [name, index] of LAYERS) {
    it(`${name}`, () => {
      expect(denseBlocks(index), name).not.toBeNull();
      // at B = 1 the gather backend runs the quads where the layer has them, else edge lanes (another order of sums)
      const quads = quadIndex(index) !== null;
      for (const B of [1, 4, 5, 19, 64, 127]) {
        WASM_BUILDS.forEach((build, bi) => {
          const expected = runAll(gatherBackends[bi], index, B, 1);
          const reference = (() => {
            const rng = new Rng(index.inputs + 7 * index.outputs + B);
            const E = index.sources.length;
            const x = randomFloats(rng, 'f32', index.inputs * B), dy = randomFloats(rng, 'f32', index.outputs * B);
            const W = randomFloats(rng, 'f32', E), bias = randomFloats(rng, 'f32', index.outputs);
            const y = new Float32Array(index.outputs * B), y0 = new Float32Array(index.outputs * B);
            const dx = new Float32Array(index.inputs * B), dW = new Float32Array(E);
            ref.sparseForward(y, x, W, bias, index, B);
            ref.sparseForward(y0, x, W, null, index, B);
            ref.sparseBackwardInput(dx, dy, W, index, B);
            ref.sparseBackwardWeight(dW, dy, x, index, B);
            return [y, y0, dx, dW];
          })();
          const first = runAll(blockBackends[bi][0], index, B, 1);
          blockBackends[bi].forEach((k, t) => {
            const got = runAll(k, index, B, 1 + 2 * t);
            got.forEach((a, j) => {
              const what = `${build} ${k.threads} threads B=${B} output ${['y', 'y without bias', 'dx', 'dW'][j]}`;
              expect(bits(a), what).toEqual(bits(first[j])); // any thread count
              if (B > 1 || j === 3 || (j < 2 && quads)) expect(bits(a), what).toEqual(bits(expected[j]));
              expect(relError(a, reference[j]), what).toBeLessThan(1e-5);
            });
          });
        });
      }
    });
  }
});

describe('which kernels the backend runs', () => {
  const blockCalls = (k: WasmKernels, body: () => void): string[] =>
    kernelCalls(k, ['blockForward', 'blockBackwardInput', 'blockBackwardWeight', 'blockForwardOne', 'blockBackwardInputOne', 'blockBackwardWeightOne'], body);

  it('runs the block kernels on a block-dense layer from the batches of BLOCK_BATCHES, and the gather elsewhere', () => {
    const [k] = blockBackends[0]; // one thread: every kernel on the calling thread's instance
    const dense = layer([64, 64], 8, { kind: 'sobol' });
    const walks = layer([64, 64], 8, { kind: 'random-walk', seed: 1 });
    const step = (index: SparseIndex, B: number, on: Kernels = k) => () => runAll(on, index, B, 1);
    expect(blockCalls(k, step(dense, 32))).toEqual(['blockForward', 'blockForward', 'blockBackwardInput', 'blockBackwardWeight']);
    expect(blockCalls(k, step(dense, 16))).toEqual(['blockForward', 'blockForward', 'blockBackwardInput', 'blockBackwardWeight']);
    expect(blockCalls(k, step(dense, 4))).toEqual(['blockForward', 'blockForward', 'blockBackwardInput']); // weight gradient from 16
    expect(blockCalls(k, step(dense, 1))).toEqual(['blockForwardOne', 'blockForwardOne', 'blockBackwardInputOne', 'blockBackwardWeightOne']);
    expect(blockCalls(k, step(walks, 32))).toEqual([]);
    expect(blockCalls(gatherBackends[0], step(dense, 32, gatherBackends[0]))).toEqual([]); // denseBlocks: false
  });
});
