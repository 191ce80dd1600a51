/**
 * Every experiment spec in experiments/ parses and plans: the commands in docs/RESULTS.md stay
 * runnable. And every committed results file still holds every run its spec plans: a change of a
 * default that old records did not name (hidden order, validation split, learning rate) would
 * otherwise turn published runs into pending ones that a rerun trains again, differently.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperimentSpecText, planRuns } from '../../src/experiment/experiment-spec.js';
import { readResults } from '../../src/experiment/node/results-file.js';
import { recordedRecipeKey } from '../../src/experiment/run-recipe.js';

const dir = join(import.meta.dirname, '..', '..', 'experiments');
const resultsDir = join(import.meta.dirname, '..', '..', 'docs', 'results');
/** Single-seed tuning grids: the runs that choose a recipe, not the runs that report it. */
const TUNING_GRIDS = ['lenet-tuning.json', 'lenet-tuning-validation.json', 'fashion-cnn-lr.json', 'mnist-cnn-epochs.json',
  'fashion-cnn-augment.json', 'fashion-cnn-augment-dense.json', 'fashion-cnn-full-lr.json', 'fashion-cnn-full-dense-lr.json',
  'mnist-cnn-lr.json'];

describe('checked-in experiment specs', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(`${file} plans its runs, each with at least 3 seeds, and is named after its file`, () => {
      const spec = parseExperimentSpecText(readFileSync(join(dir, file), 'utf8'), file);
      expect(spec.name).toBe(file.replace(/\.json$/, ''));
      expect(planRuns(spec, file).length).toBeGreaterThan(0);
      if (!TUNING_GRIDS.includes(file)) expect(spec.seeds.length).toBeGreaterThanOrEqual(3);
    });
  }
});

describe('committed experiment results', () => {
  // Each results folder names its spec in the first line of its table.md ("# <spec name>").
  const folders = readdirSync(resultsDir).filter((d) => existsSync(join(resultsDir, d, 'results.jsonl')));
  it('exist', () => expect(folders.length).toBeGreaterThanOrEqual(10));
  for (const folder of folders) {
    it(`${folder} holds every run of its spec, and only those`, () => {
      const name = /^# (\S+)/.exec(readFileSync(join(resultsDir, folder, 'table.md'), 'utf8'))?.[1];
      const file = `${name}.json`;
      const plan = planRuns(parseExperimentSpecText(readFileSync(join(dir, file), 'utf8'), file), file);
      const path = join(resultsDir, folder, 'results.jsonl');
      const read = readResults(path);
      expect(read.dropped).toBe(0);
      const recorded = new Set(read.records.map((r, i) => recordedRecipeKey(r.recipe, `${path} record ${i + 1}`)));
      expect(plan.filter((run) => !recorded.has(run.key)).map((run) => run.key)).toEqual([]);
      expect(recorded.size).toBe(plan.length);
    });
  }
});
