/** Per-layer path counts: pair l holds exactly the edges of the first perLayer[l] paths. */
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/build-topology.js';
import type { PathSource } from '../../src/topology/spec.js';

describe('per-layer path counts', () => {
  const widths = [96, 40, 24, 10];
  // Sobol' points are prefix-stable: the first P points do not depend on how many follow. (Random
  // walks draw layer by layer, so theirs depend on P, and only the first pair is comparable.)
  for (const source of [{ kind: 'sobol' }, { kind: 'sobol-owen', seed: 3 }] as PathSource[]) {
    it(`takes each pair's edges from a prefix of the paths (${source.kind})`, () => {
      const perLayer = [700, 300, 120];
      const mixed = buildTopology({ widths, source, paths: { perLayer } });
      expect(mixed.spec.pathCount).toBe(700);
      perLayer.forEach((P, l) => {
        const whole = buildTopology({ widths, source, paths: { total: P } }).layers[l];
        expect(mixed.layers[l].edges).toBe(whole.edges);
        expect([...mixed.layers[l].sources]).toEqual([...whole.sources]);
        expect([...mixed.layers[l].targetOffsets]).toEqual([...whole.targetOffsets]);
      });
    });
  }

  it('keeps the first pair of random walks whole', () => {
    const source: PathSource = { kind: 'random-walk', seed: 5 };
    const mixed = buildTopology({ widths, source, paths: { perLayer: [700, 300, 120] } });
    const whole = buildTopology({ widths, source, paths: { total: 700 } });
    expect([...mixed.layers[0].sources]).toEqual([...whole.layers[0].sources]);
    expect(mixed.layers[1].edges).toBeLessThanOrEqual(300);
  });

  it('matches a random mask to the per-layer Sobol\' edge counts', () => {
    const perLayer = [500, 200, 100];
    const mask = buildTopology({ widths, source: { kind: 'random-mask', seed: 1 }, paths: { perLayer } });
    const sobol = buildTopology({ widths, source: { kind: 'sobol' }, paths: { perLayer } });
    expect(mask.layers.map((c) => c.edges)).toEqual(sobol.layers.map((c) => c.edges));
  });

  it('rejects a list of the wrong length or a bad count, naming it', () => {
    expect(() => buildTopology({ widths, source: { kind: 'sobol' }, paths: { perLayer: [10, 10] } }))
      .toThrow(/perLayer must list 3 counts.*\[10,10\]/);
    expect(() => buildTopology({ widths, source: { kind: 'sobol' }, paths: { perLayer: [10, 0, 10] } }))
      .toThrow(/perLayer\[1\]/);
    expect(() => buildTopology({ widths, source: { kind: 'sobol' }, paths: { perLayer: [10, 10, 10], total: 5 } as never }))
      .toThrow(/exactly one of total, fanIn, perLayer/);
  });
});
