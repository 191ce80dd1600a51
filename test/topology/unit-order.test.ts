/**
 * Unit orders: bit-reversed labels are a permutation (bitrev for powers of two, the rank in
 * bit-reversed order otherwise), and a relabelled topology is the same network: every edge of the
 * natural topology maps to an edge of the relabelled one, with the same degrees.
 */
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/index.js';
import { unitLabels } from '../../src/topology/unit-order.js';
import { topologySpecOf } from '../../src/model/model-spec.js';

const edgesOf = (layer: { targetOffsets: Int32Array; sources: Int32Array }): [number, number][] => {
  const out: [number, number][] = [];
  for (let t = 0; t + 1 < layer.targetOffsets.length; t++) {
    for (let e = layer.targetOffsets[t]; e < layer.targetOffsets[t + 1]; e++) out.push([layer.sources[e], t]);
  }
  return out;
};

describe('unitLabels', () => {
  it('is the identity in natural order', () => {
    expect(Array.from(unitLabels(5, 'natural'))).toEqual([0, 1, 2, 3, 4]);
  });

  it('is bit reversal for a power-of-two width', () => {
    expect(Array.from(unitLabels(8, 'bit-reversed'))).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    const labels = unitLabels(1024, 'bit-reversed');
    expect(labels[1]).toBe(512);
    expect(labels[40]).toBe(80); // 0b0000101000 reversed is 0b0001010000
  });

  it('is the rank in bit-reversed order for other widths, a permutation', () => {
    // bit-reversed order of 0..7 is 0 4 2 6 1 5 3 7; without 5, 6, 7: 0 4 2 1 3
    expect(Array.from(unitLabels(5, 'bit-reversed'))).toEqual([0, 3, 2, 4, 1]);
    for (const n of [1, 2, 3, 300, 1000]) {
      expect(Array.from(unitLabels(n, 'bit-reversed')).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }
  });
});

describe('a relabelled topology', () => {
  it('is the natural one with its hidden units renamed', () => {
    const base = { widths: [64, 96, 48, 10], source: { kind: 'sobol' }, paths: { fanIn: 8 } } as const;
    const natural = buildTopology(base);
    const orders = ['natural', 'bit-reversed', 'bit-reversed', 'natural'] as const;
    const relabelled = buildTopology({ ...base, unitOrders: orders });
    const labels = base.widths.map((n, l) => unitLabels(n, orders[l]));
    natural.layers.forEach((layer, l) => {
      const renamed = edgesOf(layer).map(([s, t]) => `${labels[l][s]}>${labels[l + 1][t]}`).sort();
      expect(edgesOf(relabelled.layers[l]).map(([s, t]) => `${s}>${t}`).sort()).toEqual(renamed);
    });
  });

  it('comes from a model spec with its hidden layers relabelled, inputs and classes not', () => {
    const paths = { source: { kind: 'sobol' }, paths: { fanIn: 8 }, hiddenOrder: 'bit-reversed' } as const;
    const init = { kind: 'he', seed: 1 } as const;
    const dense = topologySpecOf({ widths: [784, 256, 128, 10], paths, outputLayer: 'dense', batchNorm: false, init });
    expect(dense?.unitOrders).toEqual(['natural', 'bit-reversed', 'bit-reversed']);
    expect(dense && 'hiddenOrder' in dense).toBe(false);
    const sparse = topologySpecOf({ widths: [784, 256, 128, 10], paths, outputLayer: 'path', batchNorm: false, init });
    expect(sparse?.unitOrders).toEqual(['natural', 'bit-reversed', 'bit-reversed', 'natural']);
    const old = topologySpecOf({ widths: [784, 256, 10], paths: { source: { kind: 'sobol' }, paths: { fanIn: 8 } },
      outputLayer: 'dense', batchNorm: false, init });
    // A spec that names no order gets the library default, bit-reversed (files from before the field decode as natural).
    expect(old?.unitOrders).toEqual(['natural', 'bit-reversed']);
  });
});
