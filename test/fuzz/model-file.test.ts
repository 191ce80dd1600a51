/**
 * Fuzzing the model loader: byte flips, truncations and insertions, and header edits with a
 * recomputed checksum (values changed, deleted, added, types swapped, huge numbers, negative
 * lengths). Every case loads a model that evaluates bit for bit like the original, or is refused
 * with a one-line SobolnetError.
 */
import { describe, expect, it } from 'vitest';
import { applyJsonEdit, modelFileTarget } from './fuzz-targets.js';
import { runTarget } from './run-target.js';

describe('fuzz: model files', () => {
  it('loads identically or refuses with a SobolnetError, 3000 cases', () => {
    const counts = runTarget(modelFileTarget(), 3000);
    // Both outcomes happen: edits of meta or of defaults load, the rest is refused.
    expect(counts.loaded).toBeGreaterThan(50);
    expect(counts.refused).toBeGreaterThan(2000);
  });

  it('edits JSON at the slot it picks', () => {
    const edit = (kind: 'set' | 'delete' | 'add' | 'swap', pick: number) =>
      applyJsonEdit({ a: [1, { b: 2 }], c: 'x' }, { kind, pick, key: 'k', value: null });
    expect(edit('set', 3)).toEqual({ a: [1, { b: null }], c: 'x' });
    expect(edit('delete', 1)).toEqual({ a: [{ b: 2 }], c: 'x' });
    expect(edit('swap', 4)).toEqual({ a: [1, { b: 2 }], c: ['x'] });
    expect(edit('add', 0)).toEqual({ a: [1, { b: 2 }], c: 'x', k: null }); // containers: the root, a, a[1]
    expect(edit('add', 2)).toEqual({ a: [1, { b: 2, k: null }], c: 'x' });
  });
});
