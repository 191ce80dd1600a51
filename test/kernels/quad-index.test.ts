/**
 * The quad structure of gather indices (src/kernels/quad-index.ts): which path layers have it, that
 * its words name exactly the sources of the index, and what the swizzle masks pick.
 */
import { describe, expect, it } from 'vitest';
import type { SparseIndex } from '../../src/kernels/kernels.js';
import { quadIndex, quadSource, quadSwizzleMasks } from '../../src/kernels/quad-index.js';
import { buildTopology, type UnitOrder } from '../../src/topology/index.js';
import type { TopologySpec } from '../../src/topology/spec.js';

function layer(widths: number[], fanIn: number, source: TopologySpec['source'], order: UnitOrder = 'bit-reversed',
  duplicates: 'merge' | 'keep' = 'merge'): SparseIndex {
  return buildTopology({ widths, source, paths: { fanIn }, unitOrders: widths.map(() => order), duplicates }).layers[0];
}

describe('quadIndex', () => {
  it('finds the structure in plain and digitally shifted Sobol\' layers on power-of-two widths stored bit-reversed', () => {
    for (const [I, O, K] of [[16, 16, 4], [64, 256, 8], [1024, 1024, 32], [4096, 1024, 6], [256, 64, 13]]) {
      for (const source of [{ kind: 'sobol' }, { kind: 'sobol-shift', seed: 3 }] as const) {
        const index = layer([I, O], K, source);
        const quads = quadIndex(index);
        expect(quads, `${I}→${O} K=${K} ${source.kind}`).not.toBeNull();
        const q = quads!;
        expect(q.fanIn).toBe(index.sources.length / O);
        const rebuilt = new Int32Array(index.sources.length);
        for (let t = 0; t < O; t++) {
          for (let k = 0; k < q.fanIn; k++) rebuilt[index.targetOffsets[t] + k] = quadSource(q, t >> 2, t & 3, k);
        }
        expect(rebuilt).toEqual(index.sources);
      }
    }
  });

  it('refuses layers without it: Owen scrambling, random walks, natural order, widths not powers of two', () => {
    expect(quadIndex(layer([256, 256], 8, { kind: 'sobol-owen', seed: 1 }))).toBeNull();
    expect(quadIndex(layer([256, 256], 8, { kind: 'random-walk', seed: 1 }, 'bit-reversed', 'keep'))).toBeNull();
    expect(quadIndex(layer([256, 256], 8, { kind: 'sobol' }, 'natural'))).toBeNull();
    expect(quadIndex(layer([784, 1024], 32, { kind: 'sobol' }))).toBeNull();
  });

  it('masks move float lane ((lanes >> 2j) & 3) into lane j', () => {
    const masks = quadSwizzleMasks();
    const lanes = 0b00_11_01_10; // j=0 <- 2, j=1 <- 1, j=2 <- 3, j=3 <- 0
    expect(Array.from(masks.subarray(16 * lanes, 16 * lanes + 16))).toEqual([8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15, 0, 1, 2, 3]);
  });
});
