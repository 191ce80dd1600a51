/** The validation split: the last n training samples, views of the same bytes, limit after the split. */
import { describe, expect, it } from 'vitest';
import { holdOutValidation } from '../../src/data/validation-split.js';
import { dataForRecipe } from '../../src/experiment/run-record.js';
import { syntheticSplit } from '../helpers/synthetic-data.js';

describe('holdOutValidation', () => {
  const data = syntheticSplit(7, 64, 4, 512, 256);

  it('holds out the last n training samples and trains on the first count - n', () => {
    const split = holdOutValidation(data, 100);
    expect(split.train.count).toBe(412);
    expect(split.validation?.count).toBe(100);
    expect(split.validation?.name).toBe('synthetic/validation');
    expect(split.train.name).toBe('synthetic/train');
    expect(split.test).toBe(data.test);
    expect(split.train.pixels).toEqual(data.train.pixels.subarray(0, 412 * 64));
    expect(split.train.labels).toEqual(data.train.labels.subarray(0, 412));
    expect(split.validation?.pixels).toEqual(data.train.pixels.subarray(412 * 64));
    expect(split.validation?.labels).toEqual(data.train.labels.subarray(412));
    expect(split.validation?.pixels.length).toBe(100 * 64);
    // Sample 412 of the file is validation sample 0.
    expect(split.validation?.pixels.subarray(0, 64)).toEqual(data.train.pixels.subarray(412 * 64, 413 * 64));
  });

  it('is the same for every seed: the recipe seed does not move it', () => {
    const a = dataForRecipe({ inputOrder: 'raster', seed: 1, validation: 50 }, data);
    const b = dataForRecipe({ inputOrder: 'raster', seed: 2, validation: 50 }, data);
    expect(a.validation?.labels).toEqual(b.validation?.labels);
    expect(a.validation?.labels).toEqual(data.train.labels.subarray(462));
  });

  it('holds out nothing for 0', () => {
    const split = holdOutValidation(data, 0);
    expect(split.validation).toBeUndefined();
    expect(split.train).toBe(data.train);
  });

  it('refuses n at or above the training set size, naming the option', () => {
    expect(() => holdOutValidation(data, 512, '--validation')).toThrow(
      /^--validation 512 must be less than the 512 training samples of synthetic\/train, or 0 for no validation split$/);
    expect(() => dataForRecipe({ inputOrder: 'raster', seed: 1, validation: 600 }, data)).toThrow(/^validation 600 must be less/);
    expect(() => holdOutValidation(data, -1)).toThrow(/validation must be an integer in \[0, ∞\], got -1/);
  });

  it('holds out of the reordered pixels for a shuffled input order (the same samples)', () => {
    const split = dataForRecipe({ inputOrder: 'shuffled', seed: 3, validation: 10 }, data);
    expect(split.validation?.labels).toEqual(data.train.labels.subarray(502));
    expect(split.validation?.pixels).not.toEqual(data.train.pixels.subarray(502 * 64));
    expect([...split.validation!.pixels].sort()).toEqual([...data.train.pixels.subarray(502 * 64)].sort());
  });
});
