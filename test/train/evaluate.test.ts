import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../src/kernels/kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';
import { EVAL_ACTIVATION_BYTES, EVAL_BATCH, evalBatchOf, evaluate } from '../../src/train/evaluate.js';
import { estimateModelMemory } from '../../src/model/memory-estimate.js';
import { modelSpecOf, RECIPE_DEFAULTS } from '../../src/experiment/run-recipe.js';
import { smallSpec } from '../helpers/small-model.js';
import { syntheticSplit } from '../helpers/synthetic-data.js';

/** The reference kernels with a count of their allocations. */
function countingKernels(): { kernels: Kernels; allocations: () => number } {
  let count = 0;
  const kernels: Kernels = { ...referenceKernels, alloc: (precision, n) => { count++; return referenceKernels.alloc(precision, n); } };
  return { kernels, allocations: () => count };
}

describe('evaluate', () => {
  const data = syntheticSplit();

  it('reuses its buffers: a wasm memory never frees, so repeated evaluations must not allocate again', () => {
    const { kernels, allocations } = countingKernels();
    const model = new Model(smallSpec, kernels);
    const first = evaluate(model, data.test, 100);
    const afterFirst = allocations();
    const again = [evaluate(model, data.test, 100), evaluate(model, data.train, 100), evaluate(model, data.test, 64)];
    expect(allocations()).toBe(afterFirst);
    expect(again[0]).toEqual(first);
    expect(again[1].count).toBe(data.train.count);
  });

  it('gives the same accuracy and loss whatever the batch size', () => {
    const model = new Model(smallSpec, referenceKernels);
    const whole = evaluate(model, data.test, data.test.count);
    const batched = evaluate(model, data.test, 37);
    expect(batched.accuracy).toBe(whole.accuracy);
    expect(batched.loss).toBeCloseTo(whole.loss, 12);
  });

  it('shrinks the batch of a model whose evaluation activations would pass the budget, and only then', () => {
    const specOf = (arch: 'cnn' | 'resnet20', dataset: 'mnist' | 'cifar10') =>
      modelSpecOf({ ...RECIPE_DEFAULTS, arch, dataset, density: 0.25, lr: 0.01, normalization: 'none', augment: 'none' }, 32);
    const activations = (spec: ReturnType<typeof specOf>, evalBatch: number) =>
      estimateModelMemory(spec, { batch: 0, evalBatch, optimizer: 'sgd' }).activations;
    expect(evalBatchOf(smallSpec)).toBe(EVAL_BATCH);
    expect(evalBatchOf(specOf('cnn', 'mnist'))).toBe(EVAL_BATCH); // about 0.7 GB at 1000
    const resnet = specOf('resnet20', 'cifar10');
    const batch = evalBatchOf(resnet);
    expect(batch % 16).toBe(0);
    expect(activations(resnet, batch)).toBeLessThanOrEqual(EVAL_ACTIVATION_BYTES);
    expect(activations(resnet, batch + 16)).toBeGreaterThan(EVAL_ACTIVATION_BYTES);
    expect(activations(resnet, EVAL_BATCH)).toBeGreaterThan(3 * 2 ** 30);
  });
});
