/**
 * The rectangular tables of a path layer's gather index (bucket-gather.ts): every edge lands in
 * exactly one slot with its weight, short rows read the zero unit I, the targets come back in order
 * through `position`, and buckets are split only as far as the padding budget needs.
 */
import { describe, expect, it } from 'vitest';
import { bucketGather, bucketValues, bucketWeights, inTargetOrder, MAX_BUCKETS } from '../../src/export/onnx/bucket-gather.js';
import type { SparseIndex } from '../../src/kernels/kernels.js';
import { Rng } from '../../src/sequences/rng.js';

/** A gather index of `I` inputs from per-target source lists (only the gather-form fields are filled). */
function indexOf(I: number, rows: readonly (readonly number[])[]): SparseIndex {
  const targetOffsets = Int32Array.from([0, ...rows.map((_, t) => rows.slice(0, t + 1).reduce((n, r) => n + r.length, 0))]);
  const empty = new Int32Array(0);
  return { inputs: I, outputs: rows.length, targetOffsets, sources: Int32Array.from(rows.flat()), sourceOffsets: empty, targets: empty, edgeOf: empty };
}

describe('bucketGather', () => {
  it('keeps a uniform fan-in as one exact table in target order', () => {
    const g = bucketGather(indexOf(4, [[0, 1], [2, 3], [1, 0]]));
    expect(g.buckets).toHaveLength(1);
    expect(g.padded).toBe(false);
    expect(inTargetOrder(g)).toBe(true);
    expect([...g.buckets[0].sources]).toEqual([0, 1, 2, 3, 1, 0]);
  });

  it('places every edge once with its taps, pads short rows from unit I, and restores the target order', () => {
    // fan-ins 1, 3, 0, 2 (the empty target gets one padded slot): one table would hold 4 × 3 = 12 slots for 6 edges, so it splits
    const rows = [[4], [0, 1, 2], [], [3, 1]];
    const index = indexOf(5, rows);
    const g = bucketGather(index);
    expect(g.padded).toBe(true);
    const W = Float64Array.from({ length: 6 * 2 }, (_, i) => i + 1);   // 2 taps per edge
    const bias = Float64Array.from([10, 11, 12, 13]);
    const seen: number[][] = rows.map(() => []);
    const concatenated: number[] = [];
    for (const bucket of g.buckets) {
      const K = bucket.fanIn;
      const w = bucketWeights(bucket, index, W, 2);
      expect([...bucketValues(bucket, bias)]).toEqual([...bucket.targets].map((t) => bias[t]));
      bucket.targets.forEach((t, r) => {
        concatenated.push(t);
        for (let j = 0; j < K; j++) {
          const source = bucket.sources[r * K + j];
          const taps = [...w.subarray((r * K + j) * 2, (r * K + j + 1) * 2)];
          if (j < rows[t].length) {
            expect(source).toBe(rows[t][j]);
            const e = index.targetOffsets[t] + j;
            expect(taps).toEqual([W[2 * e], W[2 * e + 1]]);
            seen[t].push(source);
          } else {
            expect(source).toBe(5);
            expect(taps).toEqual([0, 0]);
          }
        }
      });
    }
    expect(seen).toEqual(rows);
    expect([...g.position].map((p) => concatenated[p])).toEqual([0, 1, 2, 3]);
  });

  it('splits random fan-ins into the fewest buckets whose padding is within 1/16 of the edges (or MAX_BUCKETS)', () => {
    const rng = new Rng(5);
    const rows = Array.from({ length: 500 }, () => Array.from({ length: 1 + rng.nextInt(60) }, () => rng.nextInt(300)));
    const index = indexOf(300, rows);
    const g = bucketGather(index);
    const E = index.targetOffsets[rows.length];
    const slots = g.buckets.reduce((n, b) => n + b.targets.length * b.fanIn, 0);
    expect(g.buckets.length).toBeGreaterThan(1);
    expect(g.buckets.length <= MAX_BUCKETS).toBe(true);
    expect(slots <= E + E / 16 || g.buckets.length === MAX_BUCKETS).toBe(true);
    expect(slots).toBeLessThan(rows.length * 60);                     // far below one table of the largest fan-in
    expect(g.buckets.map((b) => b.targets.length).reduce((a, b) => a + b)).toBe(rows.length);
  });
});
