import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../src/kernels/kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';
import { evaluate } from '../../src/train/evaluate.js';
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
});
