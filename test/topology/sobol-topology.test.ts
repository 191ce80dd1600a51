import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/build-topology.js';
import { pathUnitLayers } from '../../src/topology/path-units.js';
import { resolveTopologySpec } from '../../src/topology/resolve-spec.js';
import type { PathSource, TopologySpec } from '../../src/topology/spec.js';
import { topologyStats } from '../../src/topology/stats.js';
import { topologyHash } from '../../src/topology/topology-hash.js';
import { expectCsrInvariants, referenceDuplicates } from './reference.js';

function degrees(offsets: Int32Array): number[] {
  const d: number[] = [];
  for (let u = 0; u + 1 < offsets.length; u++) d.push(offsets[u + 1] - offsets[u]);
  return d;
}

function spread(offsets: Int32Array): [number, number] {
  const d = degrees(offsets);
  return [Math.min(...d), Math.max(...d)];
}

describe('Sobol\' topologies: progressive permutations', () => {
  const spec: TopologySpec = { widths: [1024, 1024, 1024], source: { kind: 'sobol' }, paths: { fanIn: 16 } };

  it('1024-1024-1024, fan-in 16: every aligned 1024-block is a permutation, degrees exactly 16', () => {
    const t = buildTopology(spec);
    expect(t.spec.pathCount).toBe(16384);
    for (const c of t.layers) {
      expectCsrInvariants(c);
      expect(c.duplicates).toBe(0);
      expect(c.edges).toBe(16384);
      expect(spread(c.targetOffsets)).toEqual([16, 16]);
      expect(spread(c.sourceOffsets)).toEqual([16, 16]);
    }
    const stats = topologyStats(t);
    for (const s of stats) {
      expect(s.permutationBlocks).toEqual({ blockSize: 1024, blocks: 16, permutations: 16 });
      expect(s.fanIn).toEqual({ min: 16, mean: 16, max: 16 });
      expect(s.fanOut).toEqual({ min: 16, mean: 16, max: 16 });
      expect(s.density).toBe(16 / 1024);
    }
  });

  it('adding paths adds permutations: the first k blocks of a longer run are the shorter topology', () => {
    const short = resolveTopologySpec({ ...spec, paths: { fanIn: 4 } });
    const long = resolveTopologySpec(spec);
    const a = [...pathUnitLayers(short)];
    const b = [...pathUnitLayers(long)];
    for (let l = 0; l < 3; l++) expect(b[l].subarray(0, 4096)).toEqual(a[l]);
  });

  it.each([
    [[256, 1024], 16, 64, 16],
    [[1024, 64], 8, 8, 128],
  ])('%j with fan-in %i per widest unit: degrees exactly regular', (widths, K, fanOut, fanIn) => {
    const t = buildTopology({ widths, source: { kind: 'sobol' }, paths: { fanIn: K } });
    const c = t.layers[0];
    expect(c.duplicates).toBe(0);
    expect(spread(c.sourceOffsets)).toEqual([fanOut, fanOut]);
    expect(spread(c.targetOffsets)).toEqual([fanIn, fanIn]);
    expect(topologyStats(t)[0].permutationBlocks).toEqual({ blockSize: 1024, blocks: K, permutations: K });
  });

  it('784 -> 1024, fan-in 32: fan-ins exactly 32, fan-outs balanced within one', () => {
    const t = buildTopology({ widths: [784, 1024], source: { kind: 'sobol' }, paths: { fanIn: 32 } });
    const c = t.layers[0];
    expect(c.duplicates).toBe(0);
    expect(spread(c.targetOffsets)).toEqual([32, 32]);
    expect(spread(c.sourceOffsets)).toEqual([41, 42]);   // 32768 / 784 = 41.8
    expect(topologyStats(t)[0].permutationBlocks).toEqual({ blockSize: 1024, blocks: 32, permutations: 32 });
  });

  it('non-power-of-two widths on any component: every aligned block of plain and shifted Sobol\' is balanced', () => {
    for (const source of [{ kind: 'sobol' }, { kind: 'sobol-shift', seed: 9 }] as PathSource[]) {
      const t = buildTopology({ widths: [1000, 300, 10], source, paths: { total: 8192 }, components: [6, 11, 20] });
      expect(topologyStats(t).map((s) => s.permutationBlocks)).toEqual([
        { blockSize: 1024, blocks: 8, permutations: 8 },
        { blockSize: 512, blocks: 16, permutations: 16 },
      ]);
    }
  });

  it.each([
    { kind: 'sobol-shift', seed: 1 },
    { kind: 'sobol-shift', seed: 2 },
    { kind: 'sobol-owen', seed: 1 },
    { kind: 'sobol-owen', seed: 2 },
  ] as PathSource[])('%j keeps every permutation block', (source) => {
    const t = buildTopology({ ...spec, source });
    for (const s of topologyStats(t)) {
      expect(s.permutationBlocks).toEqual({ blockSize: 1024, blocks: 16, permutations: 16 });
      expect(s.fanIn).toEqual({ min: 16, mean: 16, max: 16 });
      expect(s.fanOut).toEqual({ min: 16, mean: 16, max: 16 });
    }
  });

  it('gray-code order keeps the permutation blocks and gives the same edge set per full block', () => {
    const natural = buildTopology({ ...spec, paths: { fanIn: 2 } });
    const gray = buildTopology({ ...spec, paths: { fanIn: 2 }, order: 'gray' });
    for (const s of topologyStats(gray)) expect(s.permutationBlocks?.permutations).toBe(2);
    // 2048 = an aligned power-of-two count: the gray order only reorders it.
    expect(topologyHash(gray)).toBe(topologyHash(natural));
  });

  it('scrambling: same seed same topology, different seeds and plain Sobol\' differ', () => {
    const hashes = new Set<string>();
    for (const source of [{ kind: 'sobol' }, { kind: 'sobol-shift', seed: 1 }, { kind: 'sobol-shift', seed: 2 },
      { kind: 'sobol-owen', seed: 1 }, { kind: 'sobol-owen', seed: 2 }] as PathSource[]) {
      const h = topologyHash(buildTopology({ ...spec, source }));
      expect(topologyHash(buildTopology({ ...spec, source }))).toBe(h);
      hashes.add(h);
    }
    expect(hashes.size).toBe(5);
  });
});

describe('duplicates', () => {
  it('components 0 and 1 form a (0,2)-sequence: no repeat up to full density at width 64', () => {
    const t = buildTopology({ widths: [64, 64], source: { kind: 'sobol' }, paths: { total: 4096 } });
    expect(t.layers[0].duplicates).toBe(0);
    expect(t.layers[0].edges).toBe(4096);
  });

  it('components (4, 5) at 50 % density repeat edges: counted like a brute-force Set, merge = P - dups, keep = P', () => {
    const base = { widths: [64, 64], source: { kind: 'sobol' }, paths: { total: 2048 }, components: [4, 5] } as const;
    const [src, tgt] = [...pathUnitLayers(resolveTopologySpec(base))];
    const dups = referenceDuplicates(src, tgt);
    expect(dups).toBeGreaterThan(0);
    const merged = buildTopology(base).layers[0];
    const kept = buildTopology({ ...base, duplicates: 'keep' }).layers[0];
    expect(merged.duplicates).toBe(dups);
    expect(kept.duplicates).toBe(dups);
    expect(merged.edges).toBe(2048 - dups);
    expect(kept.edges).toBe(2048);
    expectCsrInvariants(merged);
    expectCsrInvariants(kept);
  });
});
