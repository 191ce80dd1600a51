/**
 * Fuzzing the experiment-spec parser: JSON edits of a valid spec (then planning its runs) and byte
 * edits of its text. Every case plans its runs or is refused with a one-line SobolnetError.
 */
import { describe, expect, it } from 'vitest';
import { parseExperimentSpec, parseExperimentSpecText } from '../../src/experiment/experiment-spec.js';
import { experimentSpecTarget } from './fuzz-targets.js';
import { runTarget } from './run-target.js';

describe('fuzz: experiment specs', () => {
  it('plans runs or refuses with a SobolnetError, 4000 cases', () => {
    const counts = runTarget(experimentSpecTarget(), 4000);
    expect(counts.loaded).toBeGreaterThan(100);
    expect(counts.refused).toBeGreaterThan(2000);
  });

  it('keeps errors on one line when the text or a key holds a newline (found by this fuzzer)', () => {
    expect(() => parseExperimentSpecText('\u0000\n{"name"', 'x.json')).toThrow(/^x\.json: not valid JSON \([^\n]*\\u000a[^\n]*\)$/);
    expect(() => parseExperimentSpec({ name: 'a', base: { 'bad\nkey': 1 }, grids: [{}], seeds: [1] }, 'y.json'))
      .toThrow(/^y\.json: base\.bad\\u000akey: unknown field "bad\\u000akey" \(fields: [^\n]*\)$/);
  });
});
