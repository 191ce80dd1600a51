/**
 * The data fields of a recipe: normalisation and augmentation default by data set (CIFAR-10 on,
 * MNIST-like data off, as before), records written before the fields ran without them, and a
 * field that does not apply is an error naming it.
 */
import { describe, expect, it } from 'vitest';
import {
  completeRecipe, datasetImageShape, DATASET_SHAPES, recordedRecipeKey, recipeKey, trainConfigOf,
} from '../../src/experiment/run-recipe.js';

const mnist = { widths: [784, 32, 10] };
const cifar = { dataset: 'cifar10', widths: [3072, 32, 10] };

describe('recipe data fields', () => {
  it('gives each data set its image shape', () => {
    expect(datasetImageShape('mnist')).toEqual({ channels: 1, height: 28, width: 28 });
    expect(datasetImageShape('fashion-mnist')).toEqual({ channels: 1, height: 28, width: 28 });
    expect(datasetImageShape('cifar10')).toEqual({ channels: 3, height: 32, width: 32 });
    for (const shape of Object.values(DATASET_SHAPES)) expect(shape.channels * shape.height * shape.width).toBe(shape.features);
  });

  it('normalises, crops and flips CIFAR-10 by default, and leaves MNIST as it was', () => {
    const c = completeRecipe(cifar, '');
    expect(c).toMatchObject({ normalization: 'per-channel', augment: 'crop-flip', cropPadding: 4 });
    expect(trainConfigOf(c).augment).toEqual({ kind: 'crop-flip', padding: 4 });
    const m = completeRecipe(mnist, '');
    expect(m).toMatchObject({ normalization: 'none', augment: 'none' });
    expect('augment' in trainConfigOf(m)).toBe(false);   // so an MNIST model file's meta.train is as before
    expect(completeRecipe({ ...cifar, augment: 'none', normalization: 'none' }, '')).toMatchObject({ augment: 'none', normalization: 'none' });
    expect(trainConfigOf(completeRecipe({ ...mnist, augment: 'crop-flip', cropPadding: 2 }, '')).augment).toEqual({ kind: 'crop-flip', padding: 2 });
  });

  it('reads records without the fields as unnormalised and unaugmented', () => {
    const old = { ...completeRecipe(cifar, '') } as Record<string, unknown>;
    delete old.normalization;
    delete old.augment;
    expect(recordedRecipeKey(old, 'old')).toBe(recipeKey(completeRecipe({ ...cifar, normalization: 'none', augment: 'none' }, '')));
    expect(recordedRecipeKey(completeRecipe(cifar, ''), 'new')).toBe(recipeKey(completeRecipe(cifar, '')));
  });

  it('names a bad or inapplicable data field in one line', () => {
    const flag = (f: string): string => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    expect(() => completeRecipe({ ...mnist, cropPadding: 2 }, '', flag))
      .toThrow('--crop-padding applies only with --augment crop-flip, got --augment none');
    expect(() => completeRecipe({ ...cifar, cropPadding: 32 }, '', flag))
      .toThrow('--crop-padding must be less than the 32×32 images of cifar10, got 32');
    expect(() => completeRecipe({ ...cifar, inputOrder: 'hilbert' }, '', flag)).toThrow(
      '--augment crop-flip crops and flips images, so it needs --input-order raster, got --input-order hilbert (give --augment none)');
    expect(() => completeRecipe({ ...cifar, augment: 'flip' }, 'spec')).toThrow('spec: augment must be one of crop-flip, none, got "flip"');
    expect(() => completeRecipe({ ...cifar, normalization: 'global' }, 'spec'))
      .toThrow('spec: normalization must be one of per-channel, none, got "global"');
  });
});
