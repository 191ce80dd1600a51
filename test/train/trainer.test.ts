import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { encodeModel } from '../../src/model/model-file.js';
import { Model } from '../../src/model/model.js';
import { evaluate } from '../../src/train/evaluate.js';
import { train } from '../../src/train/trainer.js';
import { smallConfig, smallSpec } from '../helpers/small-model.js';
import { syntheticSplit } from '../helpers/synthetic-data.js';

const spec = smallSpec;
const config = smallConfig;

describe('training', () => {
  const data = syntheticSplit();

  it('learns a separable problem and reports every epoch', () => {
    const model = new Model(spec, referenceKernels);
    const before = evaluate(model, data.test).accuracy;
    const reports = train(model, data, config);
    expect(reports).toHaveLength(3);
    expect(reports[2].trainLoss).toBeLessThan(reports[0].trainLoss);
    expect(reports[2].testAccuracy).toBeGreaterThan(0.95);
    expect(before).toBeLessThan(0.6);
  });

  it('gives bit-identical weights for the same seed, and different ones for another', () => {
    const run = (seed: number): Uint8Array => {
      const model = new Model(spec, referenceKernels);
      train(model, data, { ...config, seed, epochs: 1 });
      return encodeModel(model);
    };
    const a = run(9), b = run(9), c = run(10);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('keeps fixed-sign weights on their sign when asked, with SGD and batch norm', () => {
    const model = new Model({ ...spec, batchNorm: true, init: { kind: 'fixed-sign', sign: 1, keepSign: true } }, referenceKernels);
    train(model, data, { ...config, epochs: 1, optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 0 }, learningRate: 0.05 });
    const weights = model.layers.filter((l) => l.kind === 'path' || l.kind === 'dense').map((l) => l.params()[0].value);
    for (const w of weights) expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
  });

  it('names a width that does not fit the data', () => {
    const model = new Model({ ...spec, widths: [65, 128, 4] }, referenceKernels);
    expect(() => train(model, data, config)).toThrow(/input width 65 does not match the synthetic\/train features 64/);
  });
});
