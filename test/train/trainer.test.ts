import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { encodeModel } from '../../src/model/model-file.js';
import { Model } from '../../src/model/model.js';
import { evaluate } from '../../src/train/evaluate.js';
import { train, TrainingRun } from '../../src/train/trainer.js';
import { SobolnetError } from '../../src/core/errors.js';
import { holdOutValidation } from '../../src/data/validation-split.js';
import { smallConfig, smallSpec } from '../helpers/small-model.js';
import { syntheticSplit } from '../helpers/synthetic-data.js';

const spec = smallSpec;
const config = smallConfig;

describe('training', () => {
  const data = syntheticSplit();

  it('learns a separable problem and reports every epoch', () => {
    const model = new Model(spec, referenceKernels);
    const before = evaluate(model, data.test).accuracy;
    const result = train(model, data, config);
    const reports = result.epochs;
    expect(reports).toHaveLength(3);
    expect(reports[2].trainLoss).toBeLessThan(reports[0].trainLoss);
    expect(result.test.accuracy).toBeGreaterThan(0.95);
    expect(result.test.count).toBe(256);
    expect(result.trainSamples).toBe(512);
    // No validation part: no validation numbers, per epoch or at the end.
    expect(reports.map((r) => [r.validationAccuracy, r.validationLoss])).toEqual([[null, null], [null, null], [null, null]]);
    expect(result.validation).toBeNull();
    expect(before).toBeLessThan(0.6);
  });

  it('evaluates the validation part after every epoch and the test part once, after the last', () => {
    const split = holdOutValidation(data, 128);
    const model = new Model(spec, referenceKernels);
    const seen: (number | null)[] = [];
    const result = train(model, split, { ...config, limit: 300 }, { onEpoch: (r) => seen.push(r.validationAccuracy) });
    expect(result.trainSamples).toBe(300);
    expect(result.validation?.count).toBe(128);
    expect(result.test.count).toBe(256);
    expect(seen).toHaveLength(3);
    expect(seen.every((a) => a !== null && a > 0 && a <= 1)).toBe(true);
    // The last epoch's validation numbers are the final validation evaluation, and they are what
    // evaluating the trained model again gives; the test result likewise.
    expect(result.epochs[2].validationAccuracy).toBe(result.validation?.accuracy);
    expect(result.epochs[2].validationLoss).toBe(result.validation?.loss);
    expect(evaluate(model, split.validation!)).toEqual(result.validation);
    expect(evaluate(model, split.test)).toEqual(result.test);
    expect(result.test.accuracy).toBeGreaterThan(0.95);
    expect(Object.keys(result.epochs[0]).filter((k) => k.startsWith('test'))).toEqual([]);
  });

  it('stops at the first step whose loss is not finite, naming epoch, step and learning rate', () => {
    // Decoupled weight decay 1 at learning rate 100 multiplies every weight by -99 a step.
    const model = new Model(spec, referenceKernels);
    const epochs: number[] = [];
    let error: unknown = null;
    try {
      train(model, data, {
        ...config, learningRate: 100, schedule: { kind: 'constant' },
        optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1 },
      }, { onEpoch: (r) => epochs.push(r.epoch) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SobolnetError);
    expect((error as Error).message).toMatch(
      /^training diverged at epoch 1, step \d+ of 16: the loss is (NaN|Infinity); try a smaller learning rate \(got 100\)$/);
    expect(epochs).toEqual([]);
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

  it('advances a run a few batches at a time to the same weights, reports and test result as train in one go', () => {
    const split = holdOutValidation(data, 128);
    const whole = new Model(spec, referenceKernels);
    const expected = train(whole, split, { ...config, limit: 300 });
    const model = new Model(spec, referenceKernels);
    const batches: number[] = [];
    const run = new TrainingRun(model, split, { ...config, limit: 300 }, { onBatch: (p) => batches.push(p.epoch * 100 + p.batch) });
    expect(run.batchesPerEpoch).toBe(10);
    expect(() => run.finish()).toThrow('the training run has 3 epochs to go; advance it until done before finish()');
    let calls = 0;
    while (run.advance(3)) calls++;   // chunks that cross epoch ends: 10 batches per epoch
    expect(calls).toBe(9);
    expect(run.done).toBe(true);
    expect(run.advance(3)).toBe(false);
    const result = run.finish();
    expect(batches).toEqual([0, 100, 200].flatMap((e) => Array.from({ length: 10 }, (_, b) => e + b + 1)));
    expect(encodeModel(model)).toEqual(encodeModel(whole));
    const timeless = (r: typeof result) => ({ ...r, epochs: r.epochs.map(({ seconds: _s, samplesPerSecond: _p, ...rest }) => rest) });
    expect(timeless(result)).toEqual(timeless(expected));
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
