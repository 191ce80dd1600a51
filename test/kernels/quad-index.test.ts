/**
 * The quad structure of gather indices (src/kernels/quad-index.ts): which path layers have it, that
 * its words name exactly the sources of the index, what the swizzle masks pick, and that the input
 * gradient's blocks send every edge's product to its source row.
 */
import { describe, expect, it } from 'vitest';
import type { SparseIndex } from '../../src/kernels/kernels.js';
import {
  MAX_QUAD_COPY_FLOATS, quadBlocks, quadCopies, quadIndex, quadSource, quadSwizzleMasks, type QuadIndex,
} from '../../src/kernels/quad-index.js';
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

/** Lane l of a block of R slots: the (target j, slot s) pairs whose products it sums (quadBlocks' patterns). */
function laneEdges(R: number, l: number): [number, number][] {
  if (R === 1) return [[l, 0]];
  if (R === 2) return [[2 * (l >> 1), l & 1], [2 * (l >> 1) + 1, l & 1]];
  return [0, 1, 2, 3].map((j) => [j, l]);
}

describe('quadBlocks', () => {
  it('cuts a quad layer into blocks of 1, 2 or 4 slots whose lanes, moved by the mask, land on their sources', () => {
    for (const [I, O, K, run] of [[32, 32, 4, 1], [1024, 1024, 32, 1], [64, 64, 8, 2], [4096, 4096, 32, 2], [64, 128, 8, 4],
      [256, 64, 12, 4]]) {
      const q: QuadIndex = quadIndex(layer([I, O], K, { kind: 'sobol' }))!;
      const blocks = quadBlocks(q);
      expect(blocks?.run, `${I}→${O} K=${K}`).toBe(run);
      const { words } = blocks!;
      const perQuad = q.fanIn / run;
      expect(words.length).toBe((O / 4) * perQuad);
      let wrong = 0;
      for (let a = 0; a < O / 4; a++) {
        for (let beta = 0; beta < perQuad; beta++) {
          const word = words[a * perQuad + beta];
          for (let row = 0; row < 4; row++) {
            const l = (word >>> (2 * row)) & 3; // the mask moves lane l into row `row`
            for (const [j, s] of laneEdges(run, l)) if (quadSource(q, a, j, beta * run + s) !== 4 * (word >>> 8) + row) wrong++;
          }
        }
      }
      expect(wrong, `${I}→${O} K=${K}: edges sent to another row`).toBe(0);
    }
  });

  it('is null where runs break the three patterns: fan-ins 6 and 12', () => {
    expect(quadBlocks(quadIndex(layer([128, 32], 6, { kind: 'sobol' }))!)).toBeNull();
    expect(quadBlocks(quadIndex(layer([32, 32], 12, { kind: 'sobol' }))!)).toBeNull();
  });
});

describe('quadCopies', () => {
  it('names, per slot, the copy of a group whose lanes are the slot\'s four sources', () => {
    for (const [I, O, fanIn] of [[64, 256, 8], [1024, 1024, 32], [4096, 1024, 6], [256, 64, 13]]) {
      for (const source of [{ kind: 'sobol' }, { kind: 'sobol-shift', seed: 3 }] as const) {
        const q = quadIndex(layer([I, O], fanIn, source))!;
        const copies = quadCopies(q, I)!, K = q.fanIn;
        const D = copies.patterns.length;
        // n -> n: lane(j) = j XOR p, p = 0..3; 256 -> 64 (52 edges a target) has slots shared by targets too
        expect(D, `${I}→${O} ${source.kind}`).toBe(I === 256 ? 8 : 4);
        for (let a = 0; a < O / 4; a++) {
          for (let k = 0; k < K; k++) {
            const vector = copies.words[a * K + k] / 16, b = Math.floor(vector / D), lanes = copies.patterns[vector % D];
            for (let j = 0; j < 4; j++) expect(4 * b + ((lanes >> (2 * j)) & 3)).toBe(quadSource(q, a, j, k));
          }
        }
      }
    }
  });

  it('gives up where more than 4 patterns would take more than MAX_QUAD_COPY_FLOATS', () => {
    const lanes = [0, 1, 2, 3, 4];   // five distinct lanes bytes
    const quads: QuadIndex = { fanIn: lanes.length, words: Uint32Array.from(lanes, (l) => (3 << 8) | l) };
    expect(quadCopies(quads, MAX_QUAD_COPY_FLOATS / 5)!.patterns).toEqual(Uint8Array.from(lanes));
    expect(quadCopies(quads, MAX_QUAD_COPY_FLOATS / 4)).toBeNull();
    const four: QuadIndex = { fanIn: 4, words: quads.words.slice(0, 4) };
    expect(quadCopies(four, 4 * MAX_QUAD_COPY_FLOATS)!.patterns.length).toBe(4);
  });
});
