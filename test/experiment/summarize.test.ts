/** Summaries: mean ± sample standard deviation per group, partial groups marked, table and plot points. */
import { describe, expect, it } from 'vitest';
import { parseExperimentSpec, planRuns } from '../../src/experiment/experiment-spec.js';
import type { RunRecord } from '../../src/experiment/run-record.js';
import { markdownTable, meanStd, plotPoints, seriesOf, summarize } from '../../src/experiment/summarize.js';

const plan = planRuns(parseExperimentSpec({
  name: 't', base: { widths: [784, 64, 10] }, grids: [{ source: ['sobol'], fanIn: [4, 8] }, { source: ['dense'] }], seeds: [1, 2, 3],
}, 't'), 't');

/** A record as written before the validation split: no validation fields, test accuracy by epoch. */
function fakeRecord(i: number, accuracy: number, weights: number): RunRecord {
  return {
    key: plan[i].key, recipe: plan[i].recipe, testAccuracy: accuracy, testAccuracyByEpoch: [accuracy], weights, denseWeights: 50_816,
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
    expect(groups[0].test.mean).toBeCloseTo(92, 10);
    expect(groups[0].test.std).toBeCloseTo(2, 10);
    expect(groups[0].validation).toBeNull();
    expect(groups[0].weightFraction).toBeCloseTo(3776 / 50_816, 12);
    // Old records have no validation accuracy: the table has no validation column, ranks by test.
    const table = markdownTable(groups, ['source', 'fanIn']).split('\n');
    expect(table[0]).toBe('| source | fanIn | weights (linear weights, biases excluded) | % of dense | % of dense (path layers) | ' +
      'MACs/sample | test accuracy % | seeds | train s |');
    expect(table[2]).toBe('| sobol | 4 | 3776 | 7.43 % | 6.25 % | 3776 | 92.00 ± 2.00 | 3 | 2.0 |');
    expect(table[3]).toContain('| **97.50 ± 0.71** | 2/3 |');
    expect(table[3]).toMatch(/^\| dense \| – \|/);
    expect(markdownTable(groups, ['source', 'allocation']).split('\n')[3]).toMatch(/^\| dense \| – \|/);
    const sobol = groups[0].recipe;
    expect(seriesOf(sobol, ['inputOrder', 'source', 'components'])).toBe('sobol');
    expect(seriesOf({ ...sobol, inputOrder: 'shuffled', components: [1, 2, 3] }, ['inputOrder', 'source', 'components']))
      .toBe('sobol (inputOrder shuffled, components 1-2-3)');
    const points = plotPoints(groups, ['source'], (g) => g.weightFraction);
    expect(points.map((p) => p.series)).toEqual(['sobol', 'dense']);
    expect(points[1]).toMatchObject({ x: 1, seeds: 2 });
    expect(points[1].std).toBeCloseTo(Math.SQRT1_2, 10);
    expect(() => markdownTable(groups, ['source'], 'validation')).toThrow(/^rankBy "validation" needs validation accuracies/);
  });

  it('shows one seed without ± and without an error bar', () => {
    const groups = summarize(plan, [fakeRecord(3, 0.95, 7552), fakeRecord(6, 0.98, 50_816), fakeRecord(7, 0.96, 50_816)]);
    expect(groups[0].test).toEqual({ mean: 95, std: null });
    const rows = markdownTable(groups, ['source', 'fanIn']).split('\n');
    expect(rows[2]).toBe('| sobol | 8 | 7552 | 14.9 % | 13.8 % | 7552 | 95.00 | 1/3 | 2.0 |');
    expect(rows.join('\n')).not.toContain('± 0.00');
    expect(rows[3]).toContain('| **97.00 ± 1.41** | 2/3 |');
    const points = plotPoints(groups, ['source'], (g) => g.weightFraction);
    expect(points.map((p) => p.std === null)).toEqual([true, false]);
  });

  it('summarises validation next to test, ranks by validation when every group has it', () => {
    const withValidation = (i: number, test: number, validation: number): RunRecord => ({
      ...fakeRecord(i, test, 3776), validationAccuracy: validation, validationLoss: 0.2, validationAccuracyByEpoch: [validation],
    });
    // Sobol fan-in 4: best by validation (0.97), dense: best by test (0.99).
    const records = [withValidation(0, 0.90, 0.97), withValidation(1, 0.92, 0.95), withValidation(6, 0.99, 0.93)];
    const groups = summarize(plan, records);
    expect(groups[0].validation?.mean).toBeCloseTo(96, 10);
    expect(groups[0].validation?.std).toBeCloseTo(Math.SQRT2, 10);
    expect(groups[1].validation).toEqual({ mean: 93, std: null });
    const rows = markdownTable(groups, ['source']).split('\n');
    expect(rows[0]).toContain('| validation accuracy % | test accuracy % | seeds |');
    expect(rows[2]).toContain('| **96.00 ± 1.41** | 91.00 ± 1.41 | 2/3 |');
    expect(rows[3]).toContain('| 93.00 | 99.00 | 1/3 |');
    const byTest = markdownTable(groups, ['source'], 'test').split('\n');
    expect(byTest[2]).toContain('| 96.00 ± 1.41 | 91.00 ± 1.41 | 2/3 |');
    expect(byTest[3]).toContain('| 93.00 | **99.00** | 1/3 |');
    expect(plotPoints(groups, ['source'], (g) => g.weightFraction).map((p) => p.mean)).toEqual([96, 93]);
    expect(plotPoints(groups, ['source'], (g) => g.weightFraction, 'test').map((p) => p.mean)).toEqual([91, 99]);
    // A record without validation in a group makes the group's validation unknown: rank by test.
    const mixed = summarize(plan, [...records, fakeRecord(2, 0.5, 3776)]);
    expect(mixed[0].validation).toBeNull();
    expect(markdownTable(mixed, ['source']).split('\n')[2]).toContain('| – |');
  });
});
