/**
 * The wasm backends under the real layers, model and trainer: a model trained on 1, 2 and 3
 * threads ends bit-identical, it learns, and its losses track the reference backend's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Kernels } from '../../src/kernels/kernels.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { encodeModel } from '../../src/model/model-file.js';
import { Model } from '../../src/model/model.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { train, type EpochReport, type TrainConfig } from '../../src/train/trainer.js';
import { smallConfig, smallSpec } from '../helpers/small-model.js';
import { syntheticSplit } from '../helpers/synthetic-data.js';

const spec: ModelSpec = { ...smallSpec, batchNorm: true };
const config: TrainConfig = { ...smallConfig, epochs: 2, batchSize: 30 };

const backends = [1, 2, 3].map((threads) => createNodeWasmKernels({ threads, minParallelWork: 0 }));
const fmaBackends = [1, 2].map((threads) => createNodeWasmKernels({ threads, build: 'simd-fma', minParallelWork: 0 }));
afterAll(() => [...backends, ...fmaBackends].forEach((k) => k.close()));

describe('training on the wasm backends', () => {
  const data = syntheticSplit();
  const run = (k: Kernels, c: TrainConfig = config): { reports: readonly EpochReport[]; testAccuracy: number; bytes: Uint8Array } => {
    const model = new Model(spec, k);
    const result = train(model, data, c);
    return { reports: result.epochs, testAccuracy: result.test.accuracy, bytes: encodeModel(model) };
  };

  it('ends bit-identical on 1, 2 and 3 threads, learns, and tracks the reference', () => {
    const [one, two, three] = backends.map((k) => run(k));
    expect(two.bytes).toEqual(one.bytes);
    expect(three.bytes).toEqual(one.bytes);
    expect(one.testAccuracy).toBeGreaterThan(0.95);
    const ref = run(referenceKernels);
    one.reports.forEach((r, e) => expect(Math.abs(r.trainLoss - ref.reports[e].trainLoss)).toBeLessThan(1e-3 * ref.reports[e].trainLoss));
  });

  it('with SGD momentum too', () => {
    const sgd: TrainConfig = { ...config, optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 1e-4 }, learningRate: 0.05 };
    const [one, three] = [backends[0], backends[2]].map((k) => run(k, sgd));
    expect(three.bytes).toEqual(one.bytes);
  });

  it('on the FMA build: bit-identical on 1 and 2 threads, and tracks the reference', () => {
    const [one, two] = fmaBackends.map((k) => run(k));
    expect(two.bytes).toEqual(one.bytes);
    expect(one.bytes).not.toEqual(run(backends[0]).bytes); // fused multiply-adds round differently
    const ref = run(referenceKernels);
    one.reports.forEach((r, e) => expect(Math.abs(r.trainLoss - ref.reports[e].trainLoss)).toBeLessThan(1e-3 * ref.reports[e].trainLoss));
  });
});
