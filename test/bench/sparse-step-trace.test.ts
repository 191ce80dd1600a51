// The access order the roofline simulates (bench/lib/sparse-step-trace.ts) against the kernels' loops.
import { describe, expect, it } from 'vitest';
import { CacheHierarchy, steadyStateCounts } from '../../bench/lib/cache-model.js';
import {
  gatherChunks, traceBackwardInput, traceBackwardWeight, traceForward, type SparseStepAddresses,
} from '../../bench/lib/sparse-step-trace.js';
import { buildTopology } from '../../src/topology/build-topology.js';
import { Recorder, type Access } from '../helpers/access-recorder.js';

const n = 64, K = 4, B = 16;
const index = buildTopology({
  widths: [n, n], source: { kind: 'sobol' }, paths: { fanIn: K }, components: [1, 2],
  unitOrders: ['bit-reversed', 'bit-reversed'],
}).layers[0];
const E = index.sources.length;
const MiB = 2 ** 20;
/** Every array 1 MiB apart, so an address tells its array. */
const names = ['x', 'y', 'W', 'dy', 'dx', 'dW', 'targetOffsets', 'sources', 'sourceOffsets', 'targets', 'edgeOf',
  'transposedWeights'] as const;
const at = Object.fromEntries(names.map((k, i) => [k, (i + 1) * MiB])) as unknown as SparseStepAddresses;
const one = new Int32Array([0, n]);

describe('gatherChunks', () => {
  it('cuts the batch as gatherRows does', () => {
    expect(gatherChunks(128)).toEqual([[0, 96], [96, 96], [192, 96], [288, 96], [384, 64], [448, 64]]);
    expect(gatherChunks(16)).toEqual([[0, 64]]);
    expect(gatherChunks(36)).toEqual([[0, 96], [96, 16], [112, 16], [128, 16]]);
    expect(() => gatherChunks(6)).toThrow();
  });
});

describe('sparse step trace', () => {
  it('the forward reads every edge\'s source row once and writes y once', () => {
    const r = new Recorder();
    traceForward(r, index, at, B, one);
    expect(r.bytesIn(at.x, MiB, false)).toBe(E * 4 * B);
    expect(r.bytesIn(at.y, MiB, true)).toBe(n * 4 * B);
    expect(r.bytesIn(at.W, MiB, false)).toBe(E * 4 * gatherChunks(B).length);
    // Target 0's first chunk: W[0], sources[0], x's row sources[0], in that order.
    expect(r.log.slice(1, 4)).toEqual([
      { core: 0, address: at.W, bytes: 4, write: false },
      { core: 0, address: at.sources, bytes: 4, write: false },
      { core: 0, address: at.x + index.sources[0] * 4 * B, bytes: 64, write: false },
    ]);
  });

  it('the backward input transposes the weights, then gathers dy by source', () => {
    const r = new Recorder();
    traceBackwardInput(r, index, at, B, one);
    expect(r.bytesIn(at.transposedWeights, MiB, true)).toBe(4 * E);
    expect(r.bytesIn(at.dy, MiB, false)).toBe(E * 4 * B);
    expect(r.bytesIn(at.dx, MiB, true)).toBe(n * 4 * B);
    const firstGather = r.log.findIndex((a) => a.address >= at.dy && a.address < at.dy + MiB);
    const lastTranspose = r.log.map((a) => a.address >= at.transposedWeights && a.write).lastIndexOf(true);
    expect(lastTranspose).toBeLessThan(firstGather);
  });

  it('the backward weight reads x\'s row per edge, dy\'s row per group of 4 edges (or left-over edge), and writes dW once', () => {
    const r = new Recorder();
    traceBackwardWeight(r, index, at, B, one);
    expect(r.bytesIn(at.x, MiB, false)).toBe(E * 4 * B);
    let dyReads = 0;
    for (let t = 0; t < n; t++) {
      const f = index.targetOffsets[t + 1] - index.targetOffsets[t];
      dyReads += Math.floor(f / 4) + (f % 4);
    }
    expect(r.bytesIn(at.dy, MiB, false)).toBe(dyReads * 4 * B);
    expect(r.bytesIn(at.dW, MiB, true)).toBe(4 * E);
  });

  it('threads touch only their own rows of the output, one row each in turn', () => {
    const r = new Recorder();
    traceForward(r, index, at, B, new Int32Array([0, n / 2, n]));
    const rowOf = (a: Access): number => (a.address - at.y) / (4 * B);
    const writes = r.log.filter((a) => a.write);
    expect(writes.filter((a) => a.core === 0).every((a) => rowOf(a) < n / 2)).toBe(true);
    expect(writes.filter((a) => a.core === 1).every((a) => rowOf(a) >= n / 2)).toBe(true);
    expect(writes.slice(0, 2).map((a) => a.core)).toEqual([0, 1]);
  });

  it('in caches that hold the whole step, a warm step moves nothing from L3 or DRAM', () => {
    const h = new CacheHierarchy({
      cores: 1, l1: { bytes: 32 * 1024, ways: 8 }, l2: { bytes: 512 * 1024, ways: 8 }, l3: { bytes: 8 * MiB, ways: 16 }, pageBytes: 4096,
    });
    const c = steadyStateCounts(h, () => {
      traceForward(h, index, at, B, one);
      traceBackwardInput(h, index, at, B, one);
      traceBackwardWeight(h, index, at, B, one);
    });
    expect(c.fromL3 + c.fromDram + c.dramWritebacks).toBe(0);
    expect(c.accesses).toBeGreaterThan(3 * E);
  });
});
