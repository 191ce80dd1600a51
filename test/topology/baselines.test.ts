import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sequences/rng.js';
import { buildTopology } from '../../src/topology/build-topology.js';
import { randomMaskConnectivity, sobolEdgeCounts } from '../../src/topology/random-mask.js';
import { resolveTopologySpec } from '../../src/topology/resolve-spec.js';
import type { TopologySpec } from '../../src/topology/spec.js';
import { topologyStats } from '../../src/topology/stats.js';
import { topologyHash } from '../../src/topology/topology-hash.js';
import { expectCsrInvariants, gatherLists } from './reference.js';

const widths = [1024, 1024, 1024];

describe('random walks', () => {
  const spec: TopologySpec = { widths, source: { kind: 'random-walk', seed: 7 }, paths: { fanIn: 16 } };

  it('same seed same topology, another seed another', () => {
    const h = topologyHash(buildTopology(spec));
    expect(topologyHash(buildTopology(spec))).toBe(h);
    expect(topologyHash(buildTopology({ ...spec, source: { kind: 'random-walk', seed: 8 } }))).not.toBe(h);
  });

  it('degrees are not regular and blocks are not permutations', () => {
    const t = buildTopology(spec);
    for (const s of topologyStats(t)) {
      expect(s.fanIn.max - s.fanIn.min).toBeGreaterThan(4);
      expect(s.fanOut.max - s.fanOut.min).toBeGreaterThan(4);
      expect(s.permutationBlocks).toEqual({ blockSize: 1024, blocks: 16, permutations: 0 });
      // Expected repeats of 16384 uniform pairs among 2^20 cells: about P^2 / (2 * 2^20) = 128.
      expect(s.duplicates).toBeGreaterThan(64);
      expect(s.duplicates).toBeLessThan(256);
      expect(s.edges).toBe(16384 - s.duplicates);
    }
  });
});

describe('random masks', () => {
  const spec: TopologySpec = { widths: [784, 1024, 64, 10], source: { kind: 'random-mask', seed: 3 }, paths: { fanIn: 8 } };

  it('has per pair exactly the edge count of plain Sobol\', no duplicates, valid CSR', () => {
    const t = buildTopology(spec);
    const sobol = buildTopology({ ...spec, source: { kind: 'sobol' } });
    const counts = sobolEdgeCounts(resolveTopologySpec(spec));
    expect(counts).toEqual(sobol.layers.map((c) => c.edges));
    t.layers.forEach((c, l) => {
      expectCsrInvariants(c);
      expect(c.edges).toBe(counts[l]);
      expect(c.duplicates).toBe(0);
      for (const list of gatherLists(c)) expect(new Set(list).size).toBe(list.length);
    });
    // 64 -> 10 with 8192 paths is the full dense pair (640 edges): the complement branch.
    expect(t.layers[2].edges).toBe(640);
    expect(topologyHash(t)).not.toBe(topologyHash(sobol));
    expect(topologyStats(t).map((s) => s.permutationBlocks)).toEqual([null, null, null]);
  });

  it('same seed same mask, another seed another', () => {
    const h = topologyHash(buildTopology(spec));
    expect(topologyHash(buildTopology(spec))).toBe(h);
    expect(topologyHash(buildTopology({ ...spec, source: { kind: 'random-mask', seed: 4 } }))).not.toBe(h);
  });

  it('draws near-dense masks (complement branch) with the exact count', () => {
    const c = randomMaskConnectivity(30, 20, 590, new Rng(1));
    expectCsrInvariants(c);
    expect(c.edges).toBe(590);
    expect(new Set(gatherLists(c).flatMap((l, t) => l.map((s) => t * 30 + s))).size).toBe(590);
  });

  it('is uniform over edge subsets (chi-square over all 20 3-subsets of a 3x2 grid)', () => {
    const rng = new Rng(11);
    const counts = new Map<string, number>();
    const draws = 20000;
    for (let k = 0; k < draws; k++) {
      const c = randomMaskConnectivity(3, 2, 3, rng);
      const key = gatherLists(c).map((l) => l.join('.')).join('|');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(20);
    const expected = draws / 20;
    let chi2 = 0;
    for (const n of counts.values()) chi2 += (n - expected) ** 2 / expected;
    expect(chi2).toBeLessThan(43.8);   // 19 degrees of freedom, p = 0.001
  });
});
