/**
 * The library's defaults equal the CLI's: a spec that leaves out what `sobolnet train` fills in
 * (Sobol' order, duplicate policy, hidden-unit order) builds the same network as train's recipe,
 * and the recipe takes those values, Adam's constants, the learning rates and the cosine
 * schedule's end from the library's own constants rather than from copies.
 */
import { describe, expect, it } from 'vitest';
import { completeRecipe, modelSpecOf, RECIPE_DEFAULTS, trainConfigOf } from '../../src/experiment/run-recipe.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';
import { DEFAULT_HIDDEN_ORDER, type MlpSpec } from '../../src/model/model-spec.js';
import { resolveTopologySpec, TOPOLOGY_DEFAULTS } from '../../src/topology/resolve-spec.js';
import { topologyHash } from '../../src/topology/topology-hash.js';
import { ADAM_DEFAULTS, DEFAULT_LEARNING_RATES } from '../../src/train/optimizer.js';
import { COSINE_DEFAULTS } from '../../src/train/schedule.js';

describe('library defaults = sobolnet train defaults', () => {
  it('reads every shared default from its one source', () => {
    expect(RECIPE_DEFAULTS.order).toBe(TOPOLOGY_DEFAULTS.order);
    expect(RECIPE_DEFAULTS.duplicates).toBe(TOPOLOGY_DEFAULTS.duplicates);
    expect(RECIPE_DEFAULTS.hiddenOrder).toBe(DEFAULT_HIDDEN_ORDER);
    const config = trainConfigOf(completeRecipe({ widths: [784, 64, 10] }, ''));
    expect(config.optimizer).toEqual({ kind: 'adam', ...ADAM_DEFAULTS, weightDecay: 0 });
    expect(config.schedule).toEqual({ kind: 'cosine', ...COSINE_DEFAULTS });
    expect(config.learningRate).toBe(DEFAULT_LEARNING_RATES.adam);
    expect(completeRecipe({ widths: [784, 64, 10], optimizer: 'sgd' }, '').lr).toBe(DEFAULT_LEARNING_RATES.sgd);
  });

  it("builds train's network from a library spec that names only what has no default", () => {
    const widths = [784, 64, 64, 10];
    const cli = modelSpecOf(completeRecipe({ widths, fanIn: 4 }, ''), 4);
    const library: MlpSpec = {
      widths, paths: { source: { kind: 'sobol' }, paths: { fanIn: 4 } }, outputLayer: 'dense', batchNorm: false, init: { kind: 'he', seed: 1 },
    };
    const a = new Model(cli, referenceKernels);
    const b = new Model(library, referenceKernels);
    expect(a.topology && b.topology).toBeTruthy();
    expect(b.topology?.spec).toEqual(a.topology?.spec);
    expect(b.topology?.spec.unitOrders).toEqual(['natural', DEFAULT_HIDDEN_ORDER, DEFAULT_HIDDEN_ORDER]);
    expect(topologyHash(b.topology!)).toBe(topologyHash(a.topology!));
    const weights = (m: Model): number[][] => m.namedArrays().map((n) => Array.from(n.value));
    expect(weights(b)).toEqual(weights(a));
    expect(resolveTopologySpec({ widths: [8, 8], source: { kind: 'sobol' }, paths: { fanIn: 2 } }))
      .toMatchObject({ order: RECIPE_DEFAULTS.order, duplicates: RECIPE_DEFAULTS.duplicates });
  });
});
