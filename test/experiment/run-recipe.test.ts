/** Run recipes: defaults, validation with the bad value named, identity, and the specs they make. */
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { completeRecipe, modelSpecOf, recipeKey, recordedRecipeKey, trainConfigOf } from '../../src/experiment/run-recipe.js';

describe('run recipes', () => {
  const widths = [784, 64, 10];

  it('fills in the defaults of sobolnet train', () => {
    const r = completeRecipe({ widths }, 'test');
    expect(r).toMatchObject({ dataset: 'mnist', source: 'sobol', seed: 1, inputOrder: 'raster', epochs: 10, batch: 128,
      optimizer: 'adam', schedule: 'cosine', init: 'he', batchNorm: false, outputLayer: 'dense' });
    // The learning rate is resolved into the recipe, so its key names the rate it runs with.
    expect(r.lr).toBe(0.01);
    expect(trainConfigOf(r)).toMatchObject({ learningRate: 0.01, batchSize: 128, epochs: 10, seed: 1 });
    expect(completeRecipe({ widths, optimizer: 'sgd' }, 'test').lr).toBe(0.05);
    expect(completeRecipe({ widths, lr: 0.2 }, 'test').lr).toBe(0.2);
    expect(recipeKey(r)).toContain('"lr":0.01');
    expect(modelSpecOf(r, 32).paths).toMatchObject({ source: { kind: 'sobol' }, paths: { fanIn: 32 } });
    expect(modelSpecOf({ ...r, source: 'random-walk', seed: 7, paths: 500 }, 32).paths)
      .toMatchObject({ source: { kind: 'random-walk', seed: 7 }, paths: { total: 500 } });
    expect(modelSpecOf({ ...r, source: 'dense' }, 32).paths).toBeNull();
    expect(modelSpecOf({ ...r, init: 'fixed-sign', initSign: 'negative', keepSign: true }, 32).init)
      .toEqual({ kind: 'fixed-sign', sign: -1, keepSign: true });
  });

  it('keys a record without lr by the rate it ran with (0.003 for adam, 0.05 for sgd, before issue #9)', () => {
    const old = { ...completeRecipe({ widths, validation: 0, hiddenOrder: 'natural' }, 'test'), lr: undefined };
    delete old.lr;
    expect(recordedRecipeKey(old, 'test')).toBe(recipeKey(completeRecipe({ widths, validation: 0, hiddenOrder: 'natural', lr: 0.003 }, 'test')));
    const oldSgd = { ...old, optimizer: 'sgd' };
    expect(recordedRecipeKey(oldSgd, 'test')).toBe(recipeKey(completeRecipe({ widths, validation: 0, hiddenOrder: 'natural', optimizer: 'sgd' }, 'test')));
    // Fields a record lacks mean what runs did then: natural hidden order, no validation split.
    const { hiddenOrder: _h, validation: _v, ...older } = old;
    expect(recordedRecipeKey(older, 'test')).toBe(recordedRecipeKey(old, 'test'));
    // A record that names its rate keeps it.
    expect(recordedRecipeKey({ ...old, lr: 0.01 }, 'test')).toContain('"lr":0.01');
  });

  it('rejects bad fields with one line that names the field and the value', () => {
    const bad = (fields: Record<string, unknown>): string => {
      try {
        completeRecipe(fields, 'spec.json');
      } catch (e) {
        expect(e).toBeInstanceOf(SobolnetError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ widths, fanin: 8 })).toMatch(/^spec\.json: unknown field "fanin"/);
    expect(bad({ widths, source: 'halton' })).toMatch(/source must be one of sobol, .*got "halton"/);
    expect(bad({ widths, fanIn: 0 })).toMatch(/fanIn.*0/);
    expect(bad({ widths, density: 1.5 })).toMatch(/density.*1\.5/);
    expect(bad({ widths: [784, 'x', 10] })).toMatch(/widths\[1\]/);
    expect(bad({})).toMatch(/widths is missing/);
    expect(bad({ widths, fanIn: 8, density: 0.1 })).toMatch(/^spec\.json: give one of fanIn, paths, density or pathsPerLayer, got fanIn 8 and density 0\.1$/);
    expect(bad({ widths, source: 'dense', fanIn: 8 })).toMatch(/dense run takes no fanIn/);
    expect(bad({ widths, keepSign: true })).toMatch(/^spec\.json: keepSign applies only with init fixed-sign, got init he$/);
    expect(bad({ widths, keepSign: false })).toMatch(/keepSign applies only with init fixed-sign/);
    expect(bad({ widths, momentum: 0.9 })).toMatch(/^spec\.json: momentum applies only with optimizer sgd, got optimizer adam$/);
    expect(bad({ widths, init: 'he', initValue: 0.5 })).toMatch(/initValue applies only with init constant, got init he/);
    expect(bad({ widths, initSign: 'negative' })).toMatch(/initSign applies only with init fixed-sign/);
    expect(bad({ widths, schedule: 'cosine', stepEvery: 2 })).toMatch(/stepEvery applies only with schedule step, got schedule cosine/);
    expect(bad({ widths, stepGamma: 0.5 })).toMatch(/stepGamma applies only with schedule step/);
    expect(bad({ widths: [784, 64, 11] })).toMatch(/^spec\.json: widths must end with the 10 classes of mnist, got 11$/);
    expect(bad({ widths, dataset: 'cifar10' })).toMatch(/widths must start with the 3072 input features of cifar10, got 784/);
    expect(bad({ widths, allocation: 'erdos-renyi', fanIn: 8 })).toMatch(/allocation erdos-renyi spreads a density/);
    expect(bad({ widths: [784, 64, 64, 10], components: [1, 2, 3, 4] }))
      .toMatch(/^spec\.json: topology components must be an array of 3 entries/);
    expect(bad({ widths: [784, 64, 10], pathsPerLayer: [100, 100] })).toMatch(/perLayer must list 1 counts/);
    expect(bad({ widths, batchNorm: 'yes' })).toMatch(/batchNorm must be true or false, got "yes"/);
    for (const m of [bad({ widths, epochs: 1.5 }), bad({ widths, dataset: 'svhn' })]) expect(m.split('\n')).toHaveLength(1);
  });

  it('accepts fields where they apply, and a recorded recipe holding every field', () => {
    const sgd = completeRecipe({ widths, optimizer: 'sgd', momentum: 0.5, schedule: 'step', stepEvery: 2, stepGamma: 0.5 }, 't');
    expect(trainConfigOf(sgd)).toMatchObject({ optimizer: { kind: 'sgd', momentum: 0.5 }, schedule: { kind: 'step', every: 2, gamma: 0.5 } });
    expect(completeRecipe({ widths, init: 'constant', initValue: 0.25 }, 't').initValue).toBe(0.25);
    const recorded = completeRecipe({ widths }, 't');
    expect(recipeKey(completeRecipe({ ...recorded }, 't', (f) => f, { recorded: true }))).toBe(recipeKey(recorded));
    expect(() => completeRecipe({ ...recorded }, 't')).toThrow(/applies only with/);
  });

  it('keys a recipe by its content, whatever the order its fields were given in', () => {
    const a = completeRecipe({ widths, fanIn: 8, seed: 2 }, 't');
    const b = completeRecipe({ seed: 2, fanIn: 8, widths }, 't');
    expect(recipeKey(a)).toBe(recipeKey(b));
    expect(recipeKey(a)).not.toBe(recipeKey({ ...a, seed: 3 }));
    expect(JSON.parse(recipeKey(a))).toEqual(a);
  });
});
