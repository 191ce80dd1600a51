import { describe, expect, it } from 'vitest';
import { buildConnectivity } from '../../src/topology/connectivity.js';
import { buildTopology } from '../../src/topology/build-topology.js';
import type { Topology } from '../../src/topology/build-topology.js';
import { permutationBlocks } from '../../src/topology/permutation-blocks.js';
import { resolveTopologySpec } from '../../src/topology/resolve-spec.js';
import { topologyStats } from '../../src/topology/stats.js';
import { formatStatsTable } from '../../src/topology/stats-table.js';
import { topologyHash } from '../../src/topology/topology-hash.js';

describe('permutationBlocks', () => {
  it('counts the balanced aligned blocks and ignores a trailing partial block', () => {
    // 4 -> 2, blocks of 4: block 0 a permutation, block 1 hits source 0 twice, 2 leftover paths.
    const src = Int32Array.of(0, 1, 2, 3, 0, 0, 2, 3, 1, 1);
    const tgt = Int32Array.of(0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
    expect(permutationBlocks(src, tgt, 4, 2)).toEqual({ blockSize: 4, blocks: 2, permutations: 1 });
  });

  it('non-powers of two: blocks of the next power of two, each count floor or ceil of S / n', () => {
    // 3 -> 3: S = 4, each unit hit 1 or 2 times per block.
    expect(permutationBlocks(Int32Array.of(0, 1, 2, 0), Int32Array.of(2, 1, 0, 1), 3, 3))
      .toEqual({ blockSize: 4, blocks: 1, permutations: 1 });
    expect(permutationBlocks(Int32Array.of(0, 1, 1, 1), Int32Array.of(2, 1, 0, 1), 3, 3))
      .toEqual({ blockSize: 4, blocks: 1, permutations: 0 });
  });
});

describe('topologyStats and formatStatsTable', () => {
  it('reports one row per pair with real numbers', () => {
    const t = buildTopology({ widths: [784, 1024, 10], source: { kind: 'sobol' }, paths: { fanIn: 4 } });
    const [a, b] = topologyStats(t);
    expect(a).toMatchObject({ layer: 0, inputs: 784, outputs: 1024, paths: 4096, edges: 4096, duplicates: 0 });
    expect(a.fanIn).toEqual({ min: 4, mean: 4, max: 4 });
    expect(a.fanOut).toEqual({ min: 5, mean: 4096 / 784, max: 6 });
    expect(a.permutationBlocks).toEqual({ blockSize: 1024, blocks: 4, permutations: 4 });
    expect(b).toMatchObject({ layer: 1, inputs: 1024, outputs: 10, paths: 4096 });
    expect(b.edges + b.duplicates).toBe(4096);
    expect(b.fanOut.max).toBeLessThanOrEqual(4);
    const table = formatStatsTable([a, b]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^pair {2}.*I -> O.*paths.*edges.*density.*dups.*fan-in.*fan-out.*perm blocks.*dense blocks$/);
    expect(a.denseBlocks).toBeNull(); // 784 is no power of two
    expect(table[1]).toContain('784 -> 1024');
    expect(table[1]).toContain('4/4 of 1024');
    expect(table[1]).toContain('5/5.22/6');
    expect(table[1]).toContain('0.51 %');
    // Columns are aligned: every line has the same length up to its last column.
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });

  it('finds the dense blocks of Sobol\' layers between power-of-two widths', () => {
    const t = buildTopology({ widths: [1024, 1024, 1024], source: { kind: 'sobol' }, paths: { fanIn: 16 } });
    for (const s of topologyStats(t)) expect(s.denseBlocks).toEqual({ count: 64, targets: 16, sources: 16 });
    expect(formatStatsTable(topologyStats(t)).split('\n')[1]).toMatch(/ 64 of 16x16$/);
    const walks = buildTopology({ widths: [1024, 1024], source: { kind: 'random-walk', seed: 1 }, paths: { fanIn: 16 } });
    expect(topologyStats(walks)[0].denseBlocks).toBeNull();
  });
});

describe('topologyHash', () => {
  it('is pinned on a hand-made topology (changing the hash breaks stored models)', () => {
    const c = buildConnectivity(Int32Array.of(0, 2, 0, 1, 2, 0), Int32Array.of(1, 1, 1, 0, 1, 2), 3, 3, 'merge');
    const t: Topology = { spec: resolveTopologySpec({ widths: [3, 3], source: { kind: 'sobol' }, paths: { total: 6 } }), layers: [c] };
    expect(topologyHash(t)).toMatch(/^[0-9a-f]{16}$/);
    // Re-computed independently by test/topology/golden-hash.py.
    expect(topologyHash(t)).toBe('4ab7e6a6514d9f26');
  });

  it('is pinned on a Sobol\' topology and changes with any single index', () => {
    const t = buildTopology({ widths: [784, 300, 100, 10], source: { kind: 'sobol' }, paths: { fanIn: 8 } });
    const h = topologyHash(t);
    expect(h).toBe('d72c110d82ac5d18');
    const c = t.layers[1];
    const flipped = { ...c, sources: c.sources.slice() };
    flipped.sources[5] ^= 1;
    expect(topologyHash({ ...t, layers: [t.layers[0], flipped, t.layers[2]] })).not.toBe(h);
    expect(topologyHash(buildTopology({ widths: [784, 300, 100, 10], source: { kind: 'sobol' }, paths: { fanIn: 8 }, duplicates: 'keep' })))
      .not.toBe(h);
  });
});
