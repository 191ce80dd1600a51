/**
 * The memory estimate against what a built model really allocates: every array the kernels hand
 * out during one epoch of training and one evaluation (counted by a wrapping backend), and the
 * byte sizes of the topology's index arrays. If a layer, the optimiser or the trainer starts
 * allocating differently, these comparisons fail.
 */
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import {
  checkMemoryFits, estimateMemory, estimateModelMemory, memoryLayoutOf, type MemoryLimits,
} from '../../src/model/memory-estimate.js';
import type { GraphSpec } from '../../src/model/graph-spec.js';
import type { MlpSpec } from '../../src/model/model-spec.js';
import { Model } from '../../src/model/model.js';
import { EVAL_BATCH } from '../../src/train/evaluate.js';
import { train } from '../../src/train/trainer.js';
import { syntheticSplit } from '../helpers/synthetic-data.js';

/** The reference backend, counting the bytes of every array it allocates. */
function countingKernels(): { kernels: Kernels; bytes: () => number } {
  let bytes = 0;
  const kernels: Kernels = {
    ...referenceKernels,
    alloc(precision, n) {
      const a = referenceKernels.alloc(precision, n);
      bytes += a.byteLength;
      return a;
    },
  };
  return { kernels, bytes: () => bytes };
}

/** Allocated bytes of a model trained one epoch and evaluated once, and its index bytes. */
function measured(spec: MlpSpec, batch: number, optimizer: 'adam' | 'sgd'): { kernelBytes: number; indexBytes: number; edges: number[] } {
  const { kernels, bytes } = countingKernels();
  const model = new Model(spec, kernels);
  // More samples than a batch in each part: evaluation runs in batches of EVAL_BATCH and a remainder.
  const data = syntheticSplit(3, spec.widths[0], spec.widths[spec.widths.length - 1], 1200, 1200);
  train(model, data, {
    epochs: 1, batchSize: batch, learningRate: 0.01, seed: 1, schedule: { kind: 'constant' },
    optimizer: optimizer === 'adam' ? { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }
      : { kind: 'sgd', momentum: 0.9, weightDecay: 0 },
  });
  const layers = model.topology?.layers ?? [];
  const indexBytes = layers.reduce((n, c) => n + c.targetOffsets.byteLength + c.sources.byteLength +
    c.sourceOffsets.byteLength + c.targets.byteLength + c.edgeOf.byteLength, 0);
  return { kernelBytes: bytes(), indexBytes, edges: layers.map((c) => c.sources.length) };
}

const pathSpec = (over: Partial<MlpSpec> = {}): MlpSpec => ({
  widths: [32, 96, 48, 4],
  paths: { source: { kind: 'sobol' }, paths: { fanIn: 4 }, order: 'natural', duplicates: 'keep', hiddenOrder: 'bit-reversed' },
  outputLayer: 'dense', batchNorm: false, init: { kind: 'he', seed: 1 }, ...over,
});

describe('memory estimate', () => {
  const cases: [string, MlpSpec, number, 'adam' | 'sgd'][] = [
    ['path layers, adam', pathSpec(), 32, 'adam'],
    ['path layers with batch norm, sgd', pathSpec({ batchNorm: true }), 50, 'sgd'],
    ['every layer a path layer, a batch above the evaluation batch', pathSpec({ outputLayer: 'path' }), 1100, 'adam'],
    ['dense', pathSpec({ paths: null }), 64, 'adam'],
  ];
  for (const [name, spec, batch, optimizer] of cases) {
    it(`matches the bytes a built model allocates: ${name}`, () => {
      const real = measured(spec, batch, optimizer);
      const e = estimateMemory(memoryLayoutOf(spec, { batch, evalBatch: EVAL_BATCH, optimizer }));
      // duplicates 'keep': the edges are the path counts, so the estimate is exact.
      expect(e.kernelBytes).toBe(real.kernelBytes);
      expect(e.indexBytes).toBe(real.indexBytes);
      expect(e.kernelBytes).toBe(e.parameters + e.gradients + e.optimizer + e.activations);
    });
  }

  it('bounds a network with merged duplicates from above, within a few percent', () => {
    const spec = pathSpec({ paths: { source: { kind: 'random-walk', seed: 1 }, paths: { fanIn: 8 }, order: 'natural', duplicates: 'merge' } });
    const real = measured(spec, 32, 'adam');
    const e = estimateMemory(memoryLayoutOf(spec, { batch: 32, evalBatch: EVAL_BATCH, optimizer: 'adam' }));
    expect(real.edges.reduce((a, b) => a + b, 0)).toBeLessThan(2 * 8 * 96); // some paths did merge
    expect(e.kernelBytes).toBeGreaterThanOrEqual(real.kernelBytes);
    expect(e.kernelBytes).toBeLessThan(1.05 * real.kernelBytes);
    expect(e.indexBytes).toBeGreaterThanOrEqual(real.indexBytes);
  });

  it('counts the index copy of a wasm memory: 4 words per edge (sources, targets, edgeOf, the transposed weights) and the offsets', () => {
    const e = estimateMemory(memoryLayoutOf(pathSpec(), { batch: 8, evalBatch: 8, optimizer: 'sgd' }));
    // pairs 32->96 and 96->48, 4 x 96 = 384 paths each
    expect(e.wasmIndexBytes).toBe(4 * ((97 + 33 + 4 * 384) + (49 + 97 + 4 * 384)));
    expect(e.indexBytes).toBe(4 * ((97 + 33 + 3 * 384) + (49 + 97 + 3 * 384)));
  });

  it('fails with one line naming the estimate, the limit and what to change', () => {
    const e = estimateMemory(memoryLayoutOf(pathSpec({ widths: [784, 4194304, 4194304, 10],
      paths: { source: { kind: 'sobol' }, paths: { fanIn: 16 }, order: 'natural', duplicates: 'merge' } }),
    { batch: 128, evalBatch: EVAL_BATCH, optimizer: 'adam' }));
    const wasm: MemoryLimits = { backend: 'wasm', kernelMemory: 2 ** 32 - 65536, hostMemory: 2 ** 40, largestArray: 2 ** 30 };
    const reference: MemoryLimits = { backend: 'reference', kernelMemory: null, hostMemory: 8 * 2 ** 30, largestArray: 2 ** 32 };
    const message = (limits: MemoryLimits): string => {
      try {
        checkMemoryFits(e, limits, '--widths or --batch');
      } catch (err) {
        expect(err).toBeInstanceOf(SobolnetError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message(wasm)).toMatch(/^the model needs about [\d.]+ GiB of wasm memory \(.*\), more than the 4\.0 GiB left to the wasm backend .*--widths or --batch smaller, or use --backend reference$/);
    expect(message(reference)).toMatch(/^the model needs about [\d.]+ GiB of memory .* more than the 8\.0 GiB allowed/);
    expect(message(wasm)).not.toContain('\n');
    // A small model fits.
    const small = estimateMemory(memoryLayoutOf(pathSpec(), { batch: 128, evalBatch: EVAL_BATCH, optimizer: 'adam' }));
    expect(() => checkMemoryFits(small, wasm, '--widths')).not.toThrow();
  });
});

describe('memory estimate of graph models', () => {
  /** Allocated bytes of a graph model trained on a few synthetic images and evaluated once. */
  function measuredGraph(spec: GraphSpec, batch: number): number {
    const { kernels, bytes } = countingKernels();
    const model = new Model(spec, kernels);
    const data = syntheticSplit(5, model.inputs, model.classes, 2 * batch + 3, EVAL_BATCH + 7);
    train(model, data, {
      epochs: 1, batchSize: batch, learningRate: 0.01, seed: 1, schedule: { kind: 'constant' },
      optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    });
    return bytes();
  }

  const graph: GraphSpec = {
    input: { channels: 3, height: 8, width: 8 },
    layers: [
      { kind: 'conv', outputs: 8, kernel: 3, stride: 1, padding: 1, path: false, bias: false },
      { kind: 'batchnorm' }, { kind: 'relu' },
      { kind: 'residual', body: [{ kind: 'conv', outputs: 8, kernel: 3, stride: 2, padding: 1, path: true, bias: false }, { kind: 'batchnorm' }],
        shortcut: [{ kind: 'conv', outputs: 8, kernel: 1, stride: 2, padding: 0, path: false, bias: false }] },
      { kind: 'relu' }, { kind: 'maxpool', size: 2, stride: 2 }, { kind: 'global-avgpool' },
      { kind: 'linear', outputs: 5, path: false },
    ],
    paths: { source: { kind: 'sobol' }, paths: { fanIn: 2 }, hiddenOrder: 'natural' },
    init: { kind: 'he', seed: 1 },
  };

  it('bounds what a convolutional model with a residual block allocates from above, within a factor of 2', () => {
    const real = measuredGraph(graph, 16);
    const e = estimateModelMemory(graph, { batch: 16, evalBatch: EVAL_BATCH, optimizer: 'adam' });
    expect(e.kernelBytes).toBeGreaterThanOrEqual(real);
    expect(e.kernelBytes).toBeLessThan(2 * real);
  });
});
