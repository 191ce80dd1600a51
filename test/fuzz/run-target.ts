/** Runs a fuzz target under vitest: fixed seed, a stated number of cases, outcome counts. */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { FuzzTarget, Outcome } from './fuzz-targets.js';

/** The seed of every CI fuzz run, so that a failure reproduces. */
export const FUZZ_SEED = 20240917;

/** Runs `cases` cases of `target` (shrinking any crash) and returns how many loaded and were refused. */
export function runTarget<T>(target: FuzzTarget<T>, cases: number): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { loaded: 0, refused: 0 };
  fc.assert(fc.property(target.arbitrary, (input) => { counts[target.run(input)]++; }), { seed: FUZZ_SEED, numRuns: cases });
  console.log(`fuzz ${target.name}: ${cases} cases, ${counts.loaded} loaded, ${counts.refused} refused, 0 crashes`);
  expect(counts.loaded + counts.refused).toBe(cases);
  return counts;
}
