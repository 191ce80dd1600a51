/**
 * Path layers at small batches (the wasm backends run edge lanes below EDGE_LANE_BATCHES): a model's
 * forward pass at B = 1, 2, 3, 5 and 8 equals the matching columns of its pass at B = 16, on the reference and the
 * wasm backends; and training at batch 1 works: bit-identical on 1 and 2 threads, tracking the
 * reference backend's losses, and learning.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import { relaxedSimdAvailable, wasmModuleBuilt } from '../../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { EDGE_LANE_BATCHES } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { encodeModel } from '../../src/model/model-file.js';
import { Model } from '../../src/model/model.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { train, type TrainConfig } from '../../src/train/trainer.js';
import { Rng } from '../../src/sequences/rng.js';
import { randomFloats, relError } from '../kernels/fixtures.js';
import { smallConfig } from '../helpers/small-model.js';
import { syntheticSplit } from '../helpers/synthetic-data.js';

/** Odd widths: Sobol' fan-ins that differ by one between units; every layer a path layer. */
const spec: ModelSpec = {
  widths: [64, 123, 77, 4],
  paths: { source: { kind: 'sobol' }, paths: { fanIn: 7 } },
  outputLayer: 'path', batchNorm: false, init: { kind: 'he', seed: 3 },
};

const wasm = [1, 2].map((threads) => createNodeWasmKernels({ threads, minParallelWork: 0 }));
const fma = relaxedSimdAvailable() && wasmModuleBuilt('simd-fma')
  ? [1, 2].map((threads) => createNodeWasmKernels({ threads, build: 'simd-fma', minParallelWork: 0 })) : [];
afterAll(() => [...wasm, ...fma].forEach((k) => k.close()));

/** Columns b0 .. b0+n-1 of a [U,B] array, as a [U,n] array. */
function columns(a: Floats, U: number, B: number, b0: number, n: number): Float32Array {
  const out = new Float32Array(U * n);
  for (let u = 0; u < U; u++) for (let b = 0; b < n; b++) out[u * n + b] = a[u * B + b0 + b];
  return out;
}

describe('a path model at small batches', () => {
  it('runs edge lanes below 4 samples on the wasm backends', () => {
    expect(EDGE_LANE_BATCHES).toBe(4);
  });

  for (const k of [referenceKernels, ...wasm, ...fma]) {
    it(`forward at B = 1, 2, 3, 5, 8 equals the columns of B = 16 on ${k.name}`, () => {
      const model = new Model(spec, k);
      const D = model.inputs;
      const C = model.classes;
      const x = k.alloc('f32', D * 16);
      x.set(randomFloats(new Rng(11), 'f32', D * 16));
      const all = Float32Array.from(model.forward(x, 16, false));
      for (const n of [1, 2, 3, 5, 8]) {
        for (let b0 = 0; b0 + n <= 16; b0 += n) {
          const xs = k.alloc('f32', D * n);
          xs.set(columns(x, D, 16, b0, n));
          const got = model.forward(xs, n, false);
          expect(relError(got, columns(all, C, 16, b0, n)), `B=${n}, columns from ${b0}`).toBeLessThan(1e-5);
        }
      }
    });
  }

  it('trains at batch 1: bit-identical on 1 and 2 threads, tracks the reference, learns', () => {
    const data = syntheticSplit(7, 64, 4, 96, 64);
    const config: TrainConfig = { ...smallConfig, epochs: 2, batchSize: 1, learningRate: 0.003 };
    const run = (k: Kernels): { loss: number[]; accuracy: number; bytes: Uint8Array } => {
      const model = new Model(spec, k);
      const result = train(model, data, config);
      return { loss: result.epochs.map((e) => e.trainLoss), accuracy: result.test.accuracy, bytes: encodeModel(model) };
    };
    const ref = run(referenceKernels);
    for (const backends of [wasm, fma]) {
      if (backends.length === 0) continue;
      const [one, two] = backends.map(run);
      expect(two.bytes).toEqual(one.bytes);
      one.loss.forEach((l, e) => expect(Math.abs(l - ref.loss[e])).toBeLessThan(1e-3 * ref.loss[e]));
    }
    expect(ref.loss[1]).toBeLessThan(ref.loss[0]);
    expect(ref.accuracy).toBeGreaterThan(0.9);
  });
});
