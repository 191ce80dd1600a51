// The access order the block roofline simulates (bench/lib/block-step-trace.ts) against the block kernels' loops.
import { describe, expect, it } from 'vitest';
import {
  blockRange, blockTileBytes, blockTileStrides, traceBlockBackward, traceBlockBackwardInput, traceBlockBackwardWeight,
  traceBlockForward, type BlockLayout, type BlockStepAddresses,
} from '../../bench/lib/block-step-trace.js';
import { CacheHierarchy, steadyStateCounts } from '../../bench/lib/cache-model.js';
import { denseBlocks } from '../../src/kernels/dense-blocks.js';
import { buildTopology } from '../../src/topology/build-topology.js';
import { Recorder } from '../helpers/access-recorder.js';

const MiB = 2 ** 20;
/** Every array 1 MiB apart, so an address tells its array. */
const names = ['x', 'y', 'W', 'dy', 'dx', 'dW', 'bias', 'blockTargets', 'blockSources', 'tiles'] as const;
const at = Object.fromEntries(names.map((k, i) => [k, (i + 1) * MiB])) as unknown as BlockStepAddresses;
const noBias = { ...at, bias: 0 };

// A real block-dense layer: 64 → 64, K = 4: 16 blocks of 4 × 4.
const n = 64, K = 4;
const layer = buildTopology({
  widths: [n, n], source: { kind: 'sobol' }, paths: { fanIn: K }, components: [1, 2],
  unitOrders: ['bit-reversed', 'bit-reversed'],
}).layers[0];
const blocks = denseBlocks(layer)!;
const E = n * K;

/** Each row of `base`'s array (rows of rowBytes) with the bytes written (or read) to it. */
function perRow(r: Recorder, base: number, rowBytes: number, write: boolean): Map<number, number> {
  const out = new Map<number, number>();
  for (const a of r.within(base, MiB, write)) {
    const row = Math.floor((a.address - base) / rowBytes);
    out.set(row, (out.get(row) ?? 0) + a.bytes);
  }
  return out;
}

/** Checks that all n rows of `base`'s array were read (or written) `times` times whole, and no other. */
function expectEveryRow(r: Recorder, base: number, rowBytes: number, write: boolean, times = 1): void {
  const rows = perRow(r, base, rowBytes, write);
  expect(rows.size).toBe(n);
  expect([...rows.values()].every((b) => b === times * rowBytes)).toBe(true);
}

describe('block step trace', () => {
  it('the layer is block-dense: 16 blocks of 4 targets × 4 sources', () => {
    expect([blocks.count, blocks.targetsPerBlock, blocks.fanIn]).toEqual([16, 4, 4]);
  });

  it('tile bytes and strides are those of the kernels and execBlocks', () => {
    expect(blockTileBytes(32, 128)).toBe(16384); // 4·K·B at K = 32, B = 128
    expect(blockTileBytes(4, 8)).toBe(256);       // 2 vectors: one chunk of 4, half full
    expect(blockTileStrides(blocks, 16)).toEqual({ forward: 256 + 64, input: 256 + 64, weight: 256 });
    expect(() => blockTileBytes(4, 6)).toThrow();
    expect(blockRange(3, 0, 2)).toEqual([0, 1]);
    expect(blockRange(3, 1, 2)).toEqual([1, 3]);
  });

  it('the forward reads every x row once, every W element once, and writes every y row once', () => {
    const B = 16, rowBytes = 4 * B;
    const r = new Recorder();
    traceBlockForward(r, blocks, at, B, 1);
    expectEveryRow(r, at.x, rowBytes, false);
    expectEveryRow(r, at.y, rowBytes, true);
    // W: every weight once, a line of its target's row at a time (K = 4: one access per row)
    const wReads = r.within(at.W, MiB, false);
    expect(new Set(wReads.flatMap((a) => Array.from({ length: a.bytes / 4 }, (_, i) => a.address + 4 * i))).size).toBe(E);
    expect(r.bytesIn(at.W, MiB, false)).toBe(4 * E);
    expect(wReads.length).toBe(n);
    expect(r.bytesIn(at.bias, MiB, false)).toBe(4 * n);
    // the tile: K rows written per block; per pair of targets K steps of 64 bytes (one chunk at B = 16)
    // and K weight pairs read, K pairs written
    const tileWrites = r.bytesIn(at.tiles, MiB, true), tileReads = r.bytesIn(at.tiles, MiB, false);
    expect(tileWrites).toBe(blocks.count * K * rowBytes + (n / 2) * 8 * K);
    expect(tileReads).toBe((n / 2) * K * (64 + 8));
    // indices: each block's sources once, each target once
    expect(r.bytesIn(at.blockSources, MiB, false)).toBe(4 * n);
    expect(r.bytesIn(at.blockTargets, MiB, false)).toBe(4 * n);
    // the first block: its first source's index, then x's row of that source, then the tile's row 0
    expect(r.log.slice(0, 3)).toEqual([
      { core: 0, address: at.blockSources, bytes: 4, write: false },
      { core: 0, address: at.x + blocks.sources[0] * rowBytes, bytes: 64, write: false },
      { core: 0, address: at.tiles, bytes: 64, write: true },
    ]);
  });

  it('without a bias the forward reads none', () => {
    const r = new Recorder();
    traceBlockForward(r, blocks, noBias, 16, 1);
    expect(r.log.some((a) => a.address === 0)).toBe(false);
    expect(r.bytesIn(at.bias, MiB, false)).toBe(0);
  });

  it('pairRows runs whole chunks, then single vectors: B = 24 is one chunk of 4 vectors and 2 single ones', () => {
    const B = 24, rowBytes = 4 * B;
    const r = new Recorder();
    traceBlockForward(r, blocks, noBias, B, 1);
    // y: per target 64 + 16 + 16 bytes in three writes
    const yWrites = r.within(at.y, MiB, true);
    expect(yWrites.map((a) => a.bytes).slice(0, 6)).toEqual([64, 64, 16, 16, 16, 16]);
    expect(r.bytesIn(at.y, MiB, true)).toBe(n * rowBytes);
    // the tile's reads: per pair K steps per run (3 runs): 64, 16, 16 bytes, each with an 8-byte weight pair
    const pairs = n / 2;
    expect(r.bytesIn(at.tiles, MiB, false)).toBe(pairs * K * (64 + 16 + 16 + 3 * 8));
    // the two single vectors sit in the tile's second chunk, 16 bytes apart (chunk-major layout)
    const tileBytes = blockTileBytes(K, B);
    const singles = r.within(at.tiles, tileBytes, false).filter((a) => a.bytes === 16).slice(0, 2 * K);
    expect(singles[0].address - at.tiles).toBe(K * 64);
    expect(singles[K].address - singles[0].address).toBe(16);
  });

  it('the backward input reads every dy row once, every W element once, and writes every dx row once', () => {
    const B = 16, rowBytes = 4 * B;
    const r = new Recorder();
    traceBlockBackwardInput(r, blocks, at, B, 1);
    expectEveryRow(r, at.dy, rowBytes, false);
    expectEveryRow(r, at.dx, rowBytes, true);
    expect(r.bytesIn(at.W, MiB, false)).toBe(4 * E);
    // targets: once by copyRows, then once per pair of sources; sources once
    const M = blocks.targetsPerBlock;
    expect(r.bytesIn(at.blockTargets, MiB, false)).toBe(4 * n * (1 + K / 2));
    expect(r.bytesIn(at.blockSources, MiB, false)).toBe(4 * n);
    expect(r.bytesIn(at.tiles, MiB, false)).toBe((n / 2) * M * (64 + 8));
  });

  it('the backward weight reads x once per row, dy\'s row per group of 4 sources, and writes dW once', () => {
    const B = 16, rowBytes = 4 * B;
    const r = new Recorder();
    traceBlockBackwardWeight(r, blocks, at, B, 1);
    expectEveryRow(r, at.x, rowBytes, false);
    expectEveryRow(r, at.dy, rowBytes, false, K / 4);
    const dW = r.within(at.dW, MiB, true);
    expect(dW.every((a) => a.bytes === 16)).toBe(true);
    expect(new Set(dW.map((a) => a.address)).size).toBe(E / 4);
    expect(dW.length).toBe(E / 4);
    // per pair of targets, per group of 4 sources: the group's 4 tile rows, whole
    expect(r.bytesIn(at.tiles, MiB, false)).toBe((n / 2) * (K / 4) * 4 * rowBytes);
  });

  it('an odd M computes its last row twice; an odd K (input gradient) its last source twice', () => {
    // one hand-made block: 3 targets (5, 1, 3) × 5 sources (4, 0, 2, 6, 1)
    const odd: BlockLayout = {
      count: 1, targetsPerBlock: 3, fanIn: 5, targets: new Int32Array([1, 3, 5]), sources: new Int32Array([4, 0, 2, 6, 1]),
    };
    const B = 4, rowBytes = 16;
    const f = new Recorder();
    traceBlockForward(f, odd, noBias, B, 1);
    expect(Object.fromEntries(perRow(f, at.y, rowBytes, true))).toEqual({ 1: 16, 3: 16, 5: 32 });
    expect(f.bytesIn(at.W, MiB, false)).toBe(4 * 5 * 4); // pairs (1, 3), (5, 5): 4 rows of W read
    const b = new Recorder();
    traceBlockBackwardInput(b, odd, noBias, B, 1);
    expect(Object.fromEntries(perRow(b, at.dx, rowBytes, true))).toEqual({ 0: 16, 1: 32, 2: 16, 4: 16, 6: 16 });
    expect(() => traceBlockBackwardWeight(new Recorder(), odd, noBias, B, 1)).toThrow();
  });

  it('threads run blocks [G·p/T, G·(p+1)/T) on their own tiles, one block copy or pair each in turn', () => {
    const B = 16, rowBytes = 4 * B, T = 2;
    const r = new Recorder();
    traceBlockForward(r, blocks, at, B, T);
    const stride = blockTileStrides(blocks, B).forward;
    const M = blocks.targetsPerBlock, G = blocks.count;
    const blockOf = new Map<number, number>();
    blocks.targets.forEach((t, i) => blockOf.set(t, Math.floor(i / M)));
    for (let p = 0; p < T; p++) {
      const [g0, g1] = blockRange(G, p, T);
      const mine = r.log.filter((a) => a.core === p);
      const yRows = mine.filter((a) => a.write && a.address >= at.y && a.address < at.y + MiB).map((a) => (a.address - at.y) / rowBytes);
      expect(yRows.every((t) => blockOf.get(t)! >= g0 && blockOf.get(t)! < g1)).toBe(true);
      const tiles = mine.filter((a) => a.address >= at.tiles && a.address < at.tiles + MiB);
      expect(tiles.every((a) => a.address >= at.tiles + p * stride && a.address + a.bytes <= at.tiles + (p + 1) * stride)).toBe(true);
    }
    // lockstep: core 0 copies its first block, then core 1 its own, then core 0 its first pair
    const copyAccesses = K * 3; // per row: the index, the row's 64 bytes, the tile's 64 bytes
    expect(r.log.slice(0, copyAccesses).every((a) => a.core === 0)).toBe(true);
    expect(r.log.slice(copyAccesses, 2 * copyAccesses).every((a) => a.core === 1)).toBe(true);
    expect(r.log[2 * copyAccesses].core).toBe(0);
    // one thread's trace and two threads' touch the same bytes of y, x and W
    const one = new Recorder();
    traceBlockForward(one, blocks, at, B, 1);
    for (const base of [at.x, at.W]) expect(r.bytesIn(base, MiB, false)).toBe(one.bytesIn(base, MiB, false));
    expect(r.bytesIn(at.y, MiB, true)).toBe(one.bytesIn(at.y, MiB, true));
  });

  it('in caches that hold the whole step, a warm step moves nothing from L3 or DRAM', () => {
    const h = new CacheHierarchy({
      cores: 2, l1: { bytes: 32 * 1024, ways: 8 }, l2: { bytes: 512 * 1024, ways: 8 }, l3: { bytes: 8 * MiB, ways: 16 }, pageBytes: 4096,
    });
    const c = steadyStateCounts(h, () => {
      traceBlockForward(h, blocks, at, 16, 2);
      traceBlockBackward(h, blocks, at, 16, 2);
    });
    expect(c.fromL3 + c.fromDram + c.dramWritebacks).toBe(0);
    expect(c.accesses).toBeGreaterThan(3 * E);
  });
});
