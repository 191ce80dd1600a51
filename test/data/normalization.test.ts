/**
 * Per-channel normalisation: statistics computed by hand on small images, taken from the training
 * samples only, and applied alike to training, validation and test batches.
 */
import { describe, expect, it } from 'vitest';
import { fillBatch } from '../../src/data/batch.js';
import type { Dataset, DataSplit } from '../../src/data/dataset.js';
import { identityOrder } from '../../src/data/identity-order.js';
import { channelStatistics, checkNormalization, withNormalization } from '../../src/data/normalization.js';
import { holdOutValidation } from '../../src/data/validation-split.js';
import { dataForRecipe } from '../../src/experiment/run-record.js';

/** A [3, 2, 2] image data set (C = 3 channels of S = 4 pixels) from per-sample channel planes. */
function images(name: string, samples: readonly (readonly number[][])[]): Dataset {
  const pixels = new Uint8Array(samples.length * 12);
  samples.forEach((planes, n) => planes.forEach((plane, c) => pixels.set(plane, n * 12 + c * 4)));
  return {
    name, count: samples.length, features: 12, classes: 10, shape: [3, 2, 2], pixels,
    labels: Uint8Array.from(samples, (_, n) => n % 10),
  };
}

// Channel 0: half 0, half 255 -> mean 0.5, std 0.5 (exact). Channel 1: all 51 -> mean 0.2, std 0 -> divisor 1.
// Channel 2: 0, 51, 102, 153 -> mean 76.5 / 255 = 0.3, variance (2 · 76.5² + 2 · 25.5²) / 4 = 3251.25 -> std sqrt(0.05).
const trainSamples = [
  [[0, 0, 255, 255], [51, 51, 51, 51], [0, 51, 102, 153]],
  [[255, 0, 255, 0], [51, 51, 51, 51], [153, 102, 51, 0]],
];
// Far from the training statistics: they must not enter them.
const heldOut = [[[255, 255, 255, 255], [0, 0, 0, 0], [255, 255, 255, 255]]];

describe('channelStatistics', () => {
  it('gives the mean and std of each channel, by hand', () => {
    const { mean, std } = channelStatistics(images('toy/train', trainSamples));
    expect(mean[0]).toBe(0.5);
    expect(std[0]).toBe(0.5);
    expect(mean[1]).toBe(0.2);
    expect(std[1]).toBe(1);   // a constant channel is only centred
    expect(mean[2]).toBeCloseTo(0.3, 15);
    expect(std[2]).toBeCloseTo(Math.sqrt(0.05), 15);
  });

  it('reads the first `count` samples only, and one grey channel for [rows, columns] samples', () => {
    const data = images('toy/train', [...trainSamples, ...heldOut]);
    expect(channelStatistics(data, 2)).toEqual(channelStatistics(images('t', trainSamples)));
    const grey: Dataset = { ...data, shape: [3, 4], count: 1 };
    // All 12 bytes of sample 0 as one channel: six 0s... mean of [0,0,255,255,51×4,0,51,102,153] / 255.
    const bytes = [0, 0, 255, 255, 51, 51, 51, 51, 0, 51, 102, 153];
    expect(channelStatistics(grey).mean).toEqual([bytes.reduce((a, b) => a + b) / (12 * 255)]);
    expect(() => channelStatistics(data, 0)).toThrow('normalisation statistics need 1 to 3 samples of toy/train, got 0');
  });
});

describe('normalised batches', () => {
  const split: DataSplit = { train: images('toy/train', [...trainSamples, ...heldOut]), test: images('toy/test', heldOut) };

  it('takes the statistics from the training samples of the recipe, not validation, not test', () => {
    const data = dataForRecipe({ inputOrder: 'raster', seed: 1, validation: 1, normalization: 'per-channel' }, split);
    const expected = channelStatistics(images('t', trainSamples));
    expect(data.train.normalization).toEqual(expected);
    expect(data.validation?.normalization).toBe(data.train.normalization);
    expect(data.test.normalization).toBe(data.train.normalization);
    // A limit narrows them to the samples trained on.
    const limited = dataForRecipe({ inputOrder: 'raster', seed: 1, validation: 1, normalization: 'per-channel', limit: 1 }, split);
    expect(limited.train.normalization).toEqual(channelStatistics(images('t', trainSamples.slice(0, 1))));
    // 'none' (and recipes without the field) attach nothing: pixel / 255 as before.
    expect(dataForRecipe({ inputOrder: 'raster', seed: 1, validation: 1, normalization: 'none' }, split).train.normalization).toBeUndefined();
    expect(dataForRecipe({ inputOrder: 'raster', seed: 1, validation: 1 }, split).train.normalization).toBeUndefined();
  });

  it('applies (p / 255 - mean[c]) / std[c] to every part, rounded once into float32', () => {
    const norm = { mean: [0.5, 0.2, 0.25], std: [0.5, 1, 0.125] };
    const data = withNormalization(holdOutValidation(split, 1), norm);
    for (const part of [data.train, data.validation!, data.test]) {
      const x = new Float32Array(12 * part.count);
      fillBatch(x, new Int32Array(part.count), part, identityOrder(part.count), 0, part.count);
      for (let n = 0; n < part.count; n++) {
        for (let d = 0; d < 12; d++) {
          const c = Math.floor(d / 4), p = part.pixels[n * 12 + d];
          expect(x[d * part.count + n]).toBe(Math.fround((p / 255 - norm.mean[c]) / norm.std[c]));
        }
      }
    }
    // By hand: channel 0 byte 255 -> (1 - 0.5) / 0.5 = 1; channel 2 byte 51 -> (0.2 - 0.25) / 0.125 = -0.4.
    const x = new Float64Array(12);
    fillBatch(x, new Int32Array(1), data.train, Int32Array.from([0]), 0, 1);
    expect([x[2], x[9]].map((v) => Number(v.toFixed(12)))).toEqual([1, -0.4]);
  });

  it('keeps a normalisation through the validation split', () => {
    const data = holdOutValidation(withNormalization(split, { mean: [0, 0, 0], std: [1, 1, 1] }), 1);
    expect(data.validation?.normalization).toEqual({ mean: [0, 0, 0], std: [1, 1, 1] });
  });
});

describe('checkNormalization', () => {
  it('accepts { mean, std } of the right length and names anything else in one line', () => {
    expect(checkNormalization({ mean: [0.1, 0.2, 0.3], std: [1, 2, 3] }, 3, 'x')).toEqual({ mean: [0.1, 0.2, 0.3], std: [1, 2, 3] });
    for (const bad of [null, 'per-channel', { mean: [0.1], std: [1] }, { mean: [0, 0, 0], std: [1, 0, 1] }, { mean: [0, 0, NaN], std: [1, 1, 1] }]) {
      expect(() => checkNormalization(bad, 3, 'm.sobolnet normalization')).toThrow(
        /^m\.sobolnet normalization must be \{ mean, std \} with 3 finite mean\(s\) and 3 positive std\(s\), got .*$/);
    }
  });
});
