/**
 * Unit orders: bit-reversed labels are a permutation (bitrev for powers of two, the rank in
 * bit-reversed order otherwise), and a relabelled topology is the same network: every edge of the
 * natural topology maps to an edge of the relabelled one, with the same degrees.
 */
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/topology/index.js';
import { unitLabels } from '../../src/topology/unit-order.js';
import { topologySpecOf } from '../../src/model/model-spec.js';
import { denseBlocks } from '../../src/kernels/dense-blocks.js';

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

describe("the 'blocks' order", () => {
  const base = { widths: [256, 256, 256, 256], source: { kind: 'sobol' }, paths: { fanIn: 16 } } as const;
  const bitReversed = buildTopology({ ...base, unitOrders: ['bit-reversed', 'bit-reversed', 'bit-reversed', 'bit-reversed'] });
  const blocks = buildTopology({ ...base, unitOrders: ['bit-reversed', 'blocks', 'blocks', 'blocks'] });

  it("stores each dense block's targets together, in every pair", () => {
    blocks.layers.forEach((layer, l) => {
      const found = denseBlocks(layer);
      expect(found, `pair ${l}`).not.toBeNull();
      expect(Array.from(found!.targets), `pair ${l}`).toEqual([...Array(layer.outputs).keys()]);
    });
    // in bit-reversed order the same blocks are spread out
    expect(Array.from(denseBlocks(bitReversed.layers[1])!.targets.slice(0, 4))).not.toEqual([0, 1, 2, 3]);
  });

  it('is the bit-reversed network with its hidden units renamed block by block', () => {
    // the labels: each pair's blocks (found on the bit-reversed network: source labels do not move them) in order
    const labels = base.widths.map((n) => Int32Array.from({ length: n }, (_, u) => u));
    bitReversed.layers.forEach((layer, l) => denseBlocks(layer)!.targets.forEach((t, row) => (labels[l + 1][t] = row)));
    bitReversed.layers.forEach((layer, l) => {
      const renamed = edgesOf(layer).map(([s, t]) => `${labels[l][s]}>${labels[l + 1][t]}`).sort();
      expect(edgesOf(blocks.layers[l]).map(([s, t]) => `${s}>${t}`).sort(), `pair ${l}`).toEqual(renamed);
    });
  });

  it('leaves a layer fed by a pair without dense blocks in bit-reversed order', () => {
    const mnist = { widths: [784, 1024, 1024], source: { kind: 'sobol' }, paths: { fanIn: 8 } } as const; // 8192 paths
    const a = buildTopology({ ...mnist, unitOrders: ['natural', 'bit-reversed', 'bit-reversed'] });
    const b = buildTopology({ ...mnist, unitOrders: ['natural', 'blocks', 'blocks'] });
    expect(denseBlocks(a.layers[0])).toBeNull();
    expect(Array.from(b.layers[0].sources)).toEqual(Array.from(a.layers[0].sources));
    expect(Array.from(b.layers[0].targetOffsets)).toEqual(Array.from(a.layers[0].targetOffsets));
    expect(Array.from(denseBlocks(b.layers[1])!.targets)).toEqual([...Array(1024).keys()]);
  });
});
