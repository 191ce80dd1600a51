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

/**
 * The unit each of the first n paths visits, inverted: labels[u] = the index of the first path that
 * visits unit u, or null where the first n paths do not visit every unit once. [P] -> [n]
 */
function firstPathLabels(units: Int32Array, n: number): Int32Array | null {
  const labels = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (labels[units[i]] !== -1) return null;
    labels[units[i]] = i;
  }
  return labels;
}

/**
 * Whether, with every layer of `s` (equal power-of-two widths n) stored at the first path that
 * visits each unit, every block of n consecutive paths joins row t of one layer to row t XOR c of
 * the next, one constant c per block and layer pair.
 */
function blocksAreXors(s: TopologySpec): boolean {
  const rows = firstPathRows(s), n = resolveTopologySpec(s).widths[0];
  if (rows === null) return false;
  for (let l = 0; l + 1 < rows.length; l++) {
    const [from, to] = [rows[l], rows[l + 1]];
    for (let i0 = 0; i0 < from.length; i0 += n) {
      const c = from[i0] ^ to[i0];
      for (let i = i0; i < i0 + n; i++) if ((from[i] ^ to[i]) !== c) return false;
    }
  }
  return true;
}

/** The row of every path in every layer of `s` (equal widths n), each layer stored at first paths; null where that is no relabelling. */
function firstPathRows(s: TopologySpec): Int32Array[] | null {
  const r = resolveTopologySpec(s);
  const n = r.widths[0];
  const rows: Int32Array[] = [];
  for (let l = 0; l < r.widths.length; l++) {
    const units = pathUnits(r, l), labels = firstPathLabels(units, n);
    if (labels === null) return null;
    rows.push(relabelUnits(units, labels));
  }
  return rows;
}

describe('Sobol\' paths between equal power-of-two widths, stored at the first path that visits each unit', () => {
  // Why: component l's digits of path i = kn + r are U_l r + V_l k over GF(2) (its generator matrix
  // is upper triangular, so the top m digits see r only through an invertible U_l). The first n
  // paths (k = 0) visit each unit once; storing a unit at that path's index r applies U_l^-1, and
  // path kn + r lands on row r + U_l^-1 V_l k: in every layer, one XOR constant per block.
  for (const [name, extra] of [['natural order', {}], ['Gray-code order', { order: 'gray' }],
    ['other components', { components: [3, 7, 1] }]] as const) {
    it(`join row t to row t XOR c_k in every block k of n paths (${name})`, () => {
      for (const n of [16, 256, 1024]) {
        expect(blocksAreXors({ ...spec([n, n, n], { kind: 'sobol' }, 'natural'), ...(extra as Partial<TopologySpec>) }), `n = ${n}`).toBe(true);
      }
    });
  }

  it('give the same rows under a digital shift or Owen scrambling: on these widths both only rename units', () => {
    // A scramble maps the top m digits of every point through one bijection per layer, the same in
    // every block, and the first-path labels undo it: the paths' rows do not change at all.
    const plain = firstPathRows(spec([256, 256, 256], { kind: 'sobol' }, 'natural'))!;
    for (const source of [{ kind: 'sobol-shift', seed: 5 }, { kind: 'sobol-owen', seed: 3 }] as const) {
      const scrambled = firstPathRows(spec([256, 256, 256], source, 'natural'));
      expect(scrambled, source.kind).toEqual(plain);
    }
    // and the scrambles did change the units themselves
    const units = (source: PathSource): Int32Array => pathUnits(resolveTopologySpec(spec([256, 256, 256], source, 'natural')), 1);
    expect(units({ kind: 'sobol-owen', seed: 3 })).not.toEqual(units({ kind: 'sobol' }));
  });

  it('do not hold for random walks', () => {
    expect(blocksAreXors(spec([256, 256, 256], { kind: 'random-walk', seed: 3 }, 'natural'))).toBe(false);
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
