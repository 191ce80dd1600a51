/** Experiment specs: grid expansion, order, de-duplication and one-line errors. */
import { describe, expect, it } from 'vitest';
import { parseExperimentSpec, parseExperimentSpecText, planRuns, varyingFields } from '../../src/experiment/experiment-spec.js';

const spec = {
  name: 'tiny',
  base: { widths: [784, 64, 10], epochs: 2 },
  grids: [{ source: ['sobol', 'random-walk'], fanIn: [4, 8] }, { source: ['dense'] }, { source: ['sobol'], fanIn: [8] }],
  seeds: [1, 2, 3],
};

describe('experiment specs', () => {
  it('expands grids into runs: grid by grid, the last field fastest, seed innermost, each run once', () => {
    const runs = planRuns(parseExperimentSpec(spec, 's.json'), 's.json');
    expect(runs).toHaveLength((2 * 2 + 1) * 3); // the third grid repeats a point of the first
    expect(runs.slice(0, 4).map((r) => [r.recipe.source, r.recipe.fanIn, r.recipe.seed]))
      .toEqual([['sobol', 4, 1], ['sobol', 4, 2], ['sobol', 4, 3], ['sobol', 8, 1]]);
    expect(runs[12].recipe).toMatchObject({ source: 'dense', seed: 1, epochs: 2 });
    expect(new Set(runs.map((r) => r.key)).size).toBe(runs.length);
    expect(new Set(runs.map((r) => r.groupKey)).size).toBe(5);
    expect(runs[0].groupKey).toBe(runs[2].groupKey);
    expect(varyingFields(runs)).toEqual(['source', 'fanIn']);
  });

  it('rejects bad specs with one line naming where and what', () => {
    const bad = (s: unknown): string => {
      try { planRuns(parseExperimentSpec(s, 's.json'), 's.json'); } catch (e) { return (e as Error).message; }
      throw new Error('accepted');
    };
    expect(bad({ ...spec, seed: [1] })).toMatch(/s\.json: unknown key "seed"/);
    expect(bad({ ...spec, name: 'My Sweep' })).toMatch(/name must be lower-case.*"My Sweep"/);
    expect(bad({ ...spec, seeds: [] })).toMatch(/seeds must be a non-empty list/);
    expect(bad({ ...spec, seeds: [1, 1] })).toMatch(/seeds repeat/);
    expect(bad({ ...spec, base: { ...spec.base, seed: 4 } })).toMatch(/base sets seed/);
    expect(bad({ ...spec, grids: [{ fanIn: [] }] })).toMatch(/grids\[0\]\.fanIn must be a non-empty list/);
    expect(bad({ ...spec, grids: [{ fanIn: [4, -1] }] })).toMatch(/grids\[0\]\.fanIn\[1\]: fanIn.*-1/);
    expect(bad({ ...spec, grids: [{ source: ['dense'], fanIn: [4] }] })).toMatch(/grids\[0\] .*dense run takes no fanIn/);
    expect(bad({ ...spec, series: ['colour'] })).toMatch(/series must list recipe fields/);
    expect(() => parseExperimentSpecText('{"name": ', 'x.json')).toThrow(/^x\.json: not valid JSON/);
  });
});
