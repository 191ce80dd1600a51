import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { resolveTopologySpec } from '../../src/topology/resolve-spec.js';
import type { TopologySpec } from '../../src/topology/spec.js';

function errorOf(spec: unknown): SobolnetError {
  try {
    resolveTopologySpec(spec as TopologySpec);
  } catch (e) {
    if (e instanceof SobolnetError) return e;
    throw e;
  }
  throw new Error('expected a SobolnetError');
}

describe('resolveTopologySpec', () => {
  it('fills the defaults and computes P from the fan-in', () => {
    const r = resolveTopologySpec({ widths: [784, 1024, 10], source: { kind: 'sobol' }, paths: { fanIn: 32 } });
    expect(r).toEqual({
      widths: [784, 1024, 10], source: { kind: 'sobol' }, paths: { fanIn: 32 }, pathCount: 32 * 1024,
      components: [0, 1, 2], order: 'natural', duplicates: 'merge', unitOrders: ['natural', 'natural', 'natural'],
    });
  });

  it('checks unitOrders: one known order per layer', () => {
    const base = { widths: [8, 8], source: { kind: 'sobol' }, paths: { fanIn: 2 } } as const;
    expect(resolveTopologySpec({ ...base, unitOrders: ['natural', 'bit-reversed'] }).unitOrders).toEqual(['natural', 'bit-reversed']);
    expect(() => resolveTopologySpec({ ...base, unitOrders: ['natural'] }))
      .toThrow('topology unitOrders must be an array of 2 entries (one per layer), got ["natural"]');
    expect(() => resolveTopologySpec({ ...base, unitOrders: ['natural', 'random'] as never }))
      .toThrow('topology unitOrders[1] must be one of natural, bit-reversed, blocks, got "random"');
  });

  it('keeps explicit settings and a total path count, dropping foreign fields', () => {
    const r = resolveTopologySpec({
      widths: [64, 64], source: { kind: 'sobol-owen', seed: -7, extra: 1 } as never, paths: { total: 100 },
      components: [5, 5], order: 'gray', duplicates: 'keep',
    });
    expect(r.source).toEqual({ kind: 'sobol-owen', seed: -7 });
    expect(r.pathCount).toBe(100);
    expect(r.components).toEqual([5, 5]);
    expect(r.order).toBe('gray');
    expect(r.duplicates).toBe('keep');
  });

  it.each([
    [{ widths: [0, 5], source: { kind: 'sobol' }, paths: { fanIn: 1 } }, 'widths[0]', 'got 0'],
    [{ widths: [5], source: { kind: 'sobol' }, paths: { fanIn: 1 } }, 'at least 2', '[5]'],
    [{ widths: [4, 2.5], source: { kind: 'sobol' }, paths: { fanIn: 1 } }, 'widths[1]', 'got 2.5'],
    [{ widths: [4, 2 ** 24 + 1], source: { kind: 'sobol' }, paths: { total: 1 } }, 'widths[1]', 'got 16777217'],
    [{ widths: [4, 4], source: { kind: 'sobol' }, paths: { fanIn: 0 } }, 'fanIn', 'got 0'],
    [{ widths: [4, 4], source: { kind: 'sobol' }, paths: { total: -3 } }, 'total', 'got -3'],
    [{ widths: [4, 4], source: { kind: 'sobol' }, paths: { total: 2, fanIn: 2 } }, 'exactly one', 'fanIn'],
    [{ widths: [4, 4], source: { kind: 'sobol' }, paths: { fanIn: 1 }, components: [0, 99999] }, 'components[1]', 'got 99999'],
    [{ widths: [4, 4], source: { kind: 'sobol' }, paths: { fanIn: 1 }, components: [0] }, 'components', '[0]'],
    [{ widths: [4, 4], source: { kind: 'sobolx' }, paths: { fanIn: 1 } }, 'source kind', '"sobolx"'],
    [{ widths: [4, 4], source: { kind: 'sobol-shift' }, paths: { fanIn: 1 } }, 'seed', 'undefined'],
    [{ widths: [4, 4], source: { kind: 'random-walk', seed: 1.5 }, paths: { fanIn: 1 } }, 'seed', 'got 1.5'],
    [{ widths: [4, 4], source: { kind: 'sobol' }, paths: { fanIn: 1 }, order: 'reverse' }, 'order', '"reverse"'],
    [{ widths: [4, 4], source: { kind: 'sobol' }, paths: { fanIn: 1 }, duplicates: 'drop' }, 'duplicates', '"drop"'],
    [{ widths: [2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20], source: { kind: 'sobol' }, paths: { fanIn: 128 } }, 'paths x layer pairs', '402653184'],
  ])('rejects %j naming the bad value', (spec, what, value) => {
    const e = errorOf(spec);
    expect(e.message).toContain(what);
    expect(e.message).toContain(value);
    expect(e.message).not.toContain('\n');
  });
});
