/**
 * The window structure of Sobol' paths (src/topology/window-spread.ts): checked path by path on
 * the generator, then through the gather index, against the sources and orders that break it.
 */
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/build-topology.js';
import { pathUnits } from '../../src/topology/path-units.js';
import { resolveTopologySpec } from '../../src/topology/resolve-spec.js';
import type { PathSource, TopologySpec } from '../../src/topology/spec.js';
import { relabelUnits, unitLabels, type UnitOrder } from '../../src/topology/unit-order.js';
import { windowSpread } from '../../src/topology/window-spread.js';

const K = 8;
const spec = (widths: number[], source: PathSource, order: UnitOrder, extra: Partial<TopologySpec> = {}): TopologySpec =>
  ({ widths, source, paths: { fanIn: K }, unitOrders: widths.map(() => order), ...extra });

/** The storage rows of every path in every layer of `s` -> L+1 arrays of [P]. */
function storedRows(s: TopologySpec): Int32Array[] {
  const r = resolveTopologySpec(s);
  return r.widths.map((n, l) => relabelUnits(pathUnits(r, l), unitLabels(n, s.unitOrders?.[l] ?? 'natural')));
}

/** Whether every aligned run of 2^q paths lands on one aligned window of 2^q rows in every layer. */
function subBlocksAreWindows(rows: Int32Array[], q: number): boolean {
  const size = 2 ** q;
  for (const layer of rows) {
    for (let i0 = 0; i0 < layer.length; i0 += size) {
      const run = Array.from(layer.subarray(i0, i0 + size)).sort((a, b) => a - b);
      if (run[0] % size !== 0 || run.some((v, j) => v !== run[0] + j)) return false;
    }
  }
  return true;
}

describe('Sobol\' paths on power-of-two widths, stored bit-reversed', () => {
  const widths = [256, 1024, 512];
  for (const [name, extra] of [['natural order', {}], ['Gray-code order', { order: 'gray' }],
    ['other components', { components: [3, 7, 1] }]] as const) {
    it(`send every aligned run of 2^q paths from one window of 2^q rows to one window of 2^q rows (${name})`, () => {
      const rows = storedRows(spec(widths, { kind: 'sobol' }, 'bit-reversed', extra as Partial<TopologySpec>));
      for (let q = 0; q <= 8; q++) expect(subBlocksAreWindows(rows, q), `q = ${q}`).toBe(true);
    });
  }

  it('keep it under a digital shift', () => {
    const rows = storedRows(spec(widths, { kind: 'sobol-shift', seed: 5 }, 'bit-reversed'));
    for (let q = 0; q <= 8; q++) expect(subBlocksAreWindows(rows, q)).toBe(true);
  });

  it('so each target window gathers from at most K source windows, at every window size', () => {
    const layers = buildTopology(spec([1024, 1024], { kind: 'sobol' }, 'bit-reversed')).layers;
    for (let q = 0; q <= 7; q++) {
      const s = windowSpread(layers[0], 2 ** q);
      expect(s.max, `rows ${2 ** q}`).toBeLessThanOrEqual(K);   // blocks may share a window: fewer
    }
  });
});

describe('what breaks the windows', () => {
  const widths = [256, 1024, 512];
  it('natural storage turns a window into a comb of stride 2^(m-q)', () => {
    const rows = storedRows(spec(widths, { kind: 'sobol' }, 'natural'));
    expect(subBlocksAreWindows(rows, 4)).toBe(false);
    const layer = rows[1];
    const run = Array.from(layer.subarray(0, 16)).sort((a, b) => a - b);
    expect(run.map((v) => v % 64)).toEqual(new Array(16).fill(run[0] % 64));   // one residue mod 1024/16
  });

  it('Owen scrambling and random walks do not have them', () => {
    for (const source of [{ kind: 'sobol-owen', seed: 3 }, { kind: 'random-walk', seed: 3 }] as const) {
      expect(subBlocksAreWindows(storedRows(spec(widths, source, 'bit-reversed')), 4)).toBe(false);
      const layer = buildTopology(spec([1024, 1024], source, 'bit-reversed')).layers[0];
      expect(windowSpread(layer, 16).mean).toBeGreaterThan(4 * K);
    }
  });
});

describe('windowSpread', () => {
  it('counts distinct source windows per target window', () => {
    // t0 <- 0, 1; t1 <- 5; t2 <- 6; t3 <- 7, 7
    const index = buildTopology({ widths: [8, 4], source: { kind: 'sobol' }, paths: { total: 1 } }).layers[0];
    const manual = { ...index, inputs: 8, outputs: 4, targetOffsets: Int32Array.of(0, 2, 3, 4, 6), sources: Int32Array.of(0, 1, 5, 6, 7, 7) };
    expect(windowSpread(manual, 2)).toEqual({ rows: 2, max: 2, mean: 1.5 });
    expect(windowSpread(manual, 1)).toEqual({ rows: 1, max: 2, mean: 1.25 });   // t3 gathers row 7 twice
    expect(() => windowSpread(manual, 0)).toThrow();
  });
});
