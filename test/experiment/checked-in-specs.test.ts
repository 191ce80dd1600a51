/** Every experiment spec in experiments/ parses and plans: the commands in docs/RESULTS.md stay runnable. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperimentSpecText, planRuns } from '../../src/experiment/experiment-spec.js';

const dir = join(import.meta.dirname, '..', '..', 'experiments');

describe('checked-in experiment specs', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(`${file} plans its runs, each with at least 3 seeds, and is named after its file`, () => {
      const spec = parseExperimentSpecText(readFileSync(join(dir, file), 'utf8'), file);
      expect(spec.name).toBe(file.replace(/\.json$/, ''));
      expect(planRuns(spec, file).length).toBeGreaterThan(0);
      if (file !== 'lenet-tuning.json') expect(spec.seeds.length).toBeGreaterThanOrEqual(3);
    });
  }
});
