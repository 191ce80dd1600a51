/** Densities into path counts: the largest P within the weight budget, checked by counting. */
import { describe, expect, it } from 'vitest';
import { denseWeightCount, resolveDensity, weightCount } from '../../src/experiment/path-count.js';
import { buildTopology } from '../../src/topology/build-topology.js';
import { completeRecipe, mlpSpecOf, type RunRecipe } from '../../src/experiment/run-recipe.js';

const weightsAt = (r: RunRecipe, paths: number): number =>
  weightCount(mlpSpecOf({ ...r, density: undefined, paths }, 32));

describe('path counts from a density', () => {
  it('counts dense weights over every linear layer', () => {
    expect(denseWeightCount([784, 300, 100, 10])).toBe(266_200);
  });

  for (const source of ['sobol', 'random-walk', 'random-mask'] as const) {
    it(`gives the largest path count within the budget (${source}, LeNet-300-100, all layers sparse)`, () => {
      const r = completeRecipe({ widths: [784, 300, 100, 10], outputLayer: 'path', source, density: 0.02 }, 't');
      const resolved = resolveDensity(r, 32);
      expect(resolved.density).toBeUndefined();
      const P = resolved.paths!;
      expect(weightsAt(r, P)).toBeLessThanOrEqual(0.02 * 266_200);
      expect(weightsAt(r, P + 1)).toBeGreaterThan(0.02 * 266_200);
    });
  }

  it('counts a dense output layer in full', () => {
    const r = completeRecipe({ widths: [784, 32, 10], density: 0.5 }, 't');
    const P = resolveDensity(r, 32).paths!;
    const pathEdges = buildTopology({ widths: [784, 32], source: { kind: 'sobol' }, paths: { total: P } }).layers[0].edges;
    expect(weightsAt(r, P)).toBe(pathEdges + 32 * 10);
    expect(weightsAt(r, P)).toBeLessThanOrEqual(0.5 * (784 * 32 + 320));
    expect(weightsAt(r, P + 1)).toBeGreaterThan(0.5 * (784 * 32 + 320));
  });

  it('leaves recipes without a density alone and refuses densities below one path', () => {
    const r = completeRecipe({ widths: [784, 64, 10], fanIn: 4 }, 't');
    expect(resolveDensity(r, 32)).toBe(r);
    expect(() => resolveDensity(completeRecipe({ widths: [784, 64, 10], density: 1e-4 }, 't'), 32))
      .toThrow(/density 0\.0001 is below what one path gives/);
  });
});

describe('Erdős–Rényi allocation of a density', () => {
  it('gives each layer pair paths in proportion to n_in + n_out, within the budget', () => {
    const r = completeRecipe({ widths: [784, 300, 100, 10], outputLayer: 'path', density: 0.02, allocation: 'erdos-renyi' }, 't');
    const resolved = resolveDensity(r, 32);
    const per = resolved.pathsPerLayer!;
    expect(per).toHaveLength(3);
    expect(per[0] / per[1]).toBeCloseTo(1084 / 400, 2);
    expect(per[1] / per[2]).toBeCloseTo(400 / 110, 1);
    const weights = weightCount(mlpSpecOf(resolved, 32));
    expect(weights).toBeLessThanOrEqual(0.02 * 266_200);
    expect(weights).toBeGreaterThan(0.019 * 266_200);
  });
});
