/**
 * Fuzzing the IDX reader: byte edits of an image and a label file, arbitrary dimensions (0, huge,
 * 2^32 - 1) with or without matching data, and random files. Every case gives a consistent data
 * set or is refused with a one-line SobolnetError.
 */
import { describe, expect, it } from 'vitest';
import { idxTarget } from './fuzz-targets.js';
import { runTarget } from './run-target.js';

describe('fuzz: IDX files', () => {
  it('gives a consistent data set or refuses with a SobolnetError, 4000 cases', () => {
    const counts = runTarget(idxTarget(), 4000);
    expect(counts.loaded).toBeGreaterThan(100);
    expect(counts.refused).toBeGreaterThan(2000);
  });
});
