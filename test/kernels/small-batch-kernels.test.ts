/**
 * The wasm sparse kernels at small batches against the reference: edge lanes below EDGE_LANE_BATCHES
 * (1, 2, 3), batch lanes from there (5, 8, 15, 17); on both wasm builds, 1 and 2 threads with every
 * job split (bit-identical), arrays at unaligned offsets. The indices have odd widths, fan-ins that
 * differ per unit (random walks, whose repeated edges are merged; a fan-in of 0..3 mod 4 everywhere),
 * plus the fixtures' empty last row and column. Plain Sobol' layers stored bit-reversed have quad
 * structure, so batch 1 runs the quad kernels on them (quad-index.ts); the input gradient runs on
 * quads where they cut into blocks of 1, 2 or 4 slots (one layer each), and the edge lanes on the two
 * that do not (fan-ins 6 and 12). The forward and weight gradient read x through its pattern copies
 * (they fit on every Sobol' layer here); a crafted layer whose copies would not runs them on the
 * edge lanes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import type { Kernels, SparseIndex } from '../../src/kernels/kernels.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { referenceKernels as ref } from '../../src/kernels/reference-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildTopology } from '../../src/topology/index.js';
import { quadBlocks, quadCopies, quadIndex } from '../../src/kernels/quad-index.js';
import { buildIndex, randomEdges, randomFloats, relError } from './fixtures.js';
import { WASM_BUILDS } from '../helpers/wasm-builds.js';

const BATCHES = [1, 2, 3, 5, 8, 15, 17];
const TOL = 1e-5;

// minParallelWork 0: even these small jobs are split over both threads
const backends: WasmKernels[][] = WASM_BUILDS.map((build) =>
  [1, 2].map((threads) => createNodeWasmKernels({ threads, build, minParallelWork: 0 })));
afterAll(() => backends.flat().forEach((k) => k.close()));

/** Random walks 123 → 77 (merged repeats: fan-ins 2..14), and random edges without repeats, empty last row. */
function indices(): { name: string; index: SparseIndex }[] {
  const walks = buildTopology({ widths: [123, 77], source: { kind: 'random-walk', seed: 7 }, paths: { total: 600 } })
    .layers[0];
  const seen = new Set<number>();
  const edges = randomEdges(new Rng(5), 37, 61, 400).filter(({ s, t }) => !seen.has(s * 61 + t) && seen.add(s * 61 + t));
  const sobol = (I: number, O: number, fanIn: number): SparseIndex => buildTopology({ widths: [I, O], source: { kind: 'sobol' },
    paths: { fanIn }, unitOrders: ['bit-reversed', 'bit-reversed'] }).layers[0];
  return [{ name: 'random walks 123→77', index: walks }, { name: 'random edges 37→61', index: buildIndex(37, 61, edges).index },
    { name: 'Sobol\' 64→128, fan-in 8 (quads, blocks of 4 slots)', index: sobol(64, 128, 8) },
    { name: 'Sobol\' 128→32, fan-in 6 (quads, no blocks)', index: sobol(128, 32, 6) },
    { name: 'Sobol\' 32→32, fan-in 4 (quads, blocks of 1 slot)', index: sobol(32, 32, 4) },
    { name: 'Sobol\' 64→64, fan-in 8 (quads, blocks of 2 slots)', index: sobol(64, 64, 8) },
    { name: 'Sobol\' 32→32, fan-in 12 (quads, no blocks)', index: sobol(32, 32, 12) },
    { name: 'quads with 5 lane patterns 16384→8 (no copies)', index: manyPatterns() }];
}

/**
 * Quads whose lane patterns would take more copies of x than quad-index.ts allows (5 patterns of
 * 16,384 inputs > MAX_QUAD_COPY_FLOATS): 2 quads of targets, 8 slots on groups spread over x, each
 * slot one of 5 distinct permutations. Batch 1 runs the edge lanes for the forward and the weight
 * gradient, the quad blocks (of one slot) for the input gradient.
 */
function manyPatterns(): SparseIndex {
  const perms = [[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0], [1, 2, 3, 0]];
  const edges = [];
  for (let t = 0; t < 8; t++) {
    for (let k = 0; k < 8; k++) edges.push({ s: 4 * (509 * k + 7) + perms[(k + 3 * (t >> 2)) % perms.length][t & 3], t });
  }
  return buildIndex(16384, 8, edges).index;
}

/** `a` copied into k's memory, `offset` elements into a larger block (never 16-byte aligned for odd offsets). */
function place(k: Kernels, a: Floats, offset: number): Floats {
  const view = k.alloc('f32', a.length + offset + 3).subarray(offset, offset + a.length);
  view.set(a);
  return view;
}

const bits = (a: Floats): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

type Put = (a: Floats, k: number) => Floats;
/** Arrays in k's memory at offset o + (their position), or plain copies that k does not own. */
const inMemory = (k: Kernels, o: number): Put => (a, j) => place(k, a, o + j);
const plain: Put = (a) => a.slice();

interface Case {
  readonly kernel: string;
  /** Runs the kernel on k with its arrays placed by `put` (the k-th array: put(a, k)) and returns its output. */
  run(k: Kernels, index: SparseIndex, B: number, put: Put): Floats;
  /** The regular reference kernel's output. */
  expected(index: SparseIndex, B: number): Floats;
}

/** Inputs of one (index, batch): x[I,B], dy[O,B], W[E], bias[O]. */
function inputs(index: SparseIndex, B: number): { x: Floats; dy: Floats; W: Floats; bias: Floats } {
  const rng = new Rng(index.inputs * 1000 + index.outputs + B);
  return { x: randomFloats(rng, 'f32', index.inputs * B), dy: randomFloats(rng, 'f32', index.outputs * B),
    W: randomFloats(rng, 'f32', index.sources.length), bias: randomFloats(rng, 'f32', index.outputs) };
}

const CASES: Case[] = [
  { kernel: 'sparseForward',
    run: (k, index, B, put) => {
      const a = inputs(index, B);
      const y = put(new Float32Array(index.outputs * B).fill(Number.NaN), 0);
      k.sparseForward(y, put(a.x, 1), put(a.W, 2), put(a.bias, 3), index, B);
      return y;
    },
    expected: (index, B) => {
      const a = inputs(index, B);
      const y = new Float32Array(index.outputs * B);
      ref.sparseForward(y, a.x, a.W, a.bias, index, B);
      return y;
    } },
  { kernel: 'sparseForward without bias',
    run: (k, index, B, put) => {
      const a = inputs(index, B);
      const y = put(new Float32Array(index.outputs * B).fill(Number.NaN), 0);
      k.sparseForward(y, put(a.x, 1), put(a.W, 2), null, index, B);
      return y;
    },
    expected: (index, B) => {
      const a = inputs(index, B);
      const y = new Float32Array(index.outputs * B);
      ref.sparseForward(y, a.x, a.W, null, index, B);
      return y;
    } },
  { kernel: 'sparseBackwardInput',
    run: (k, index, B, put) => {
      const a = inputs(index, B);
      const dx = put(new Float32Array(index.inputs * B).fill(Number.NaN), 0);
      k.sparseBackwardInput(dx, put(a.dy, 1), put(a.W, 2), index, B);
      return dx;
    },
    expected: (index, B) => {
      const a = inputs(index, B);
      const dx = new Float32Array(index.inputs * B);
      ref.sparseBackwardInput(dx, a.dy, a.W, index, B);
      return dx;
    } },
  { kernel: 'sparseBackwardWeight',
    run: (k, index, B, put) => {
      const a = inputs(index, B);
      const dW = put(new Float32Array(index.sources.length).fill(Number.NaN), 0);
      k.sparseBackwardWeight(dW, put(a.dy, 1), put(a.x, 2), index, B);
      return dW;
    },
    expected: (index, B) => {
      const a = inputs(index, B);
      const dW = new Float32Array(index.sources.length);
      ref.sparseBackwardWeight(dW, a.dy, a.x, index, B);
      return dW;
    } },
];

describe('the wasm sparse kernels at small batches', () => {
  for (const { name, index } of indices()) {
    for (const c of CASES) {
      WASM_BUILDS.forEach((build, bi) => {
        it(`${c.kernel}, ${name}, ${build}: equals the reference, bit-identical on 1 and 2 threads`, () => {
          for (const B of BATCHES) {
            const expected = c.expected(index, B);
            const [one, two] = backends[bi].map((k, t) => c.run(k, index, B, inMemory(k, 1 + 4 * t)));
            expect(relError(one, expected), `B=${B}`).toBeLessThanOrEqual(TOL);
            expect(bits(two), `B=${B}: 2 threads vs 1`).toEqual(bits(one));
          }
        });
      });
    }
  }

  it('runs the quad kernels on the Sobol\' layers only, the quad input gradient where they have blocks', () => {
    const quads = indices().map(({ index }) => quadIndex(index));
    expect(quads.map((q) => q !== null)).toEqual([false, false, true, true, true, true, true, true]);
    expect(quads.map((q) => (q === null ? null : quadBlocks(q)?.run ?? 0))).toEqual([null, null, 4, 0, 1, 2, 0, 1]);
    expect(quads.map((q, i) => (q === null ? null : quadCopies(q, indices()[i].index.inputs)?.patterns.length ?? 0)))
      .toEqual([null, null, 4, 10, 4, 4, 8, 0]);
  });

  it('fall back to the reference kernels on arrays the backend does not own', () => {
    const { index } = indices()[0];
    const k = backends[0][1];
    for (const c of CASES) {
      expect(bits(c.run(k, index, 3, plain)), c.kernel).toEqual(bits(c.run(ref, index, 3, plain)));
    }
  });
});
