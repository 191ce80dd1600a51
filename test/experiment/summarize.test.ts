/** Summaries: mean ± sample standard deviation per group, partial groups marked, table and plot points. */
import { describe, expect, it } from 'vitest';
import { parseExperimentSpec, planRuns } from '../../src/experiment/experiment-spec.js';
import type { RunRecord } from '../../src/experiment/run-record.js';
import { markdownTable, meanStd, plotPoints, seriesOf, summarize } from '../../src/experiment/summarize.js';

const plan = planRuns(parseExperimentSpec({
  name: 't', base: { widths: [784, 64, 10] }, grids: [{ source: ['sobol'], fanIn: [4, 8] }, { source: ['dense'] }], seeds: [1, 2, 3],
}, 't'), 't');

function fakeRecord(i: number, accuracy: number, weights: number): RunRecord {
  return {
    key: plan[i].key, recipe: plan[i].recipe, testAccuracy: accuracy, weights, denseWeights: 50_816,
    pathLayerWeights: weights - 640, pathLayerDenseWeights: 50_176, macsPerSample: weights, trainMacs: 3 * weights * 6e5,
    trainSeconds: 2,
  } as unknown as RunRecord;
}

describe('summaries', () => {
  it('computes the mean and the sample standard deviation', () => {
    expect(meanStd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, std: Math.sqrt(32 / 7) });
    expect(meanStd([0.9])).toEqual({ mean: 0.9, std: 0 });
  });

  it('groups the records of a plan over seeds, in plan order, skipping groups with no record', () => {
    const records = [fakeRecord(0, 0.90, 3776), fakeRecord(1, 0.92, 3776), fakeRecord(2, 0.94, 3776),
      fakeRecord(6, 0.98, 50_816), fakeRecord(7, 0.97, 50_816)];
    const groups = summarize(plan, records);
    expect(groups.map((g) => [g.recipe.source, g.recipe.fanIn ?? null, g.seeds, g.seedsPlanned]))
      .toEqual([['sobol', 4, 3, 3], ['dense', null, 2, 3]]);
    expect(groups[0].accuracyMean).toBeCloseTo(92, 10);
    expect(groups[0].accuracyStd).toBeCloseTo(2, 10);
    expect(groups[0].weightFraction).toBeCloseTo(3776 / 50_816, 12);
    const table = markdownTable(groups, ['source', 'fanIn']).split('\n');
    expect(table[0]).toBe('| source | fanIn | weights | % of dense | % of dense (path layers) | MACs/sample | test accuracy % | train s |');
    expect(table[2]).toBe('| sobol | 4 | 3776 | 7.43 % | 6.25 % | 3776 | 92.00 ± 2.00 (3) | 2.0 |');
    expect(table[3]).toContain('97.50 ± 0.71 (2/3 seeds)');
    expect(table[3]).toMatch(/^\| dense \| – \|/);
    expect(markdownTable(groups, ['source', 'allocation']).split('\n')[3]).toMatch(/^\| dense \| – \|/);
    const sobol = groups[0].recipe;
    expect(seriesOf(sobol, ['inputOrder', 'source', 'components'])).toBe('sobol');
    expect(seriesOf({ ...sobol, inputOrder: 'shuffled', components: [1, 2, 3] }, ['inputOrder', 'source', 'components']))
      .toBe('sobol (inputOrder shuffled, components 1-2-3)');
    const points = plotPoints(groups, ['source'], (g) => g.weightFraction);
    expect(points.map((p) => p.series)).toEqual(['sobol', 'dense']);
    expect(points[1]).toMatchObject({ x: 1, seeds: 2 });
  });
});
