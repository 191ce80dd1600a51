/**
 * Batching as a kernel: gatherBatch on every wasm backend (1, 2 and 3 threads, plain and FMA
 * builds) against the reference loop, on awkward shapes (D not a multiple of 4 or of the thread
 * count, 3 channels, batch 1, 3, 5, 129, a shuffled order with repeats, x an unaligned view).
 * A table lookup is exact, so every result must equal the reference bit for bit. Also: the plain
 * table rounded to f32 equals fround(p / 255), the trainer's fillBatch through wasm kernels gives
 * the bits of the plain fillBatch (plain and normalised data), foreign arrays fall back, and a row
 * out of range fails loudly. The kernel reads the dataset where the arena copied it, or the samples
 * staged per call where the arena has no room for it, with the same bits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fillBatch } from '../../src/data/batch.js';
import type { Dataset } from '../../src/data/dataset.js';
import { loadWasmModule } from '../../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { PIXEL_COPY_MAX_BYTES, WasmArena } from '../../src/kernels/wasm/wasm-arena.js';
import { Rng } from '../../src/sequences/rng.js';
import { WASM_BUILDS } from '../helpers/wasm-builds.js';

// minParallelWork 0: even these small batches are split over every thread
const backends: WasmKernels[] = WASM_BUILDS.flatMap((build) =>
  [1, 2, 3].map((threads) => createNodeWasmKernels({ threads, build, minParallelWork: 0 })));
afterAll(() => backends.forEach((k) => k.close()));

function randomBytes(rng: Rng, n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.floor(rng.nextFloat() * 256);
  return a;
}

function randomRows(rng: Rng, samples: number, B: number): Int32Array {
  return Int32Array.from({ length: B }, () => Math.floor(rng.nextFloat() * samples));
}

/** The first index where a and b differ (Object.is), with both values; '' where none: a failure on 100k values stays one line. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `at ${i}: ${a[i]} against ${b[i]}`;
  return '';
}

const SHAPES = [
  { D: 1, C: 1 }, { D: 7, C: 1 }, { D: 123, C: 3 }, { D: 784, C: 1 }, { D: 27, C: 3 },
];
const BATCHES = [1, 3, 5, 129];

describe('gatherBatch', () => {
  for (const { D, C } of SHAPES) {
    for (const B of BATCHES) {
      it(`wasm equals the reference bit for bit, D=${D} C=${C} B=${B}`, () => {
        const rng = new Rng(D * 1000 + B);
        const samples = 11;
        const pixels = randomBytes(rng, samples * D);
        const rows = randomRows(rng, samples, B);
        const table = Float64Array.from({ length: 256 * C }, () => rng.nextFloat() * 8 - 4);
        const expected = new Float32Array(D * B).fill(Number.NaN);
        referenceKernels.gatherBatch(expected, pixels, rows, table, D, C, B);
        for (const k of backends) {
          const x = k.alloc('f32', D * B + 2).subarray(1, 1 + D * B).fill(Number.NaN);
          k.gatherBatch(x, pixels, rows, table, D, C, B);
          expect(firstDifference(x, expected), k.name).toBe('');
        }
      });
    }
  }

  it('reference: x[d * B + b] is the table entry of sample rows[b], feature d, by channel', () => {
    const D = 4, C = 2, B = 2;
    const pixels = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const table = Float64Array.from({ length: 512 }, (_, i) => i);
    const x = new Float64Array(D * B);
    referenceKernels.gatherBatch(x, pixels, Int32Array.from([1, 0]), table, D, C, B);
    expect(Array.from(x)).toEqual([5, 1, 6, 2, 256 + 7, 256 + 3, 256 + 8, 256 + 4]);
  });

  it('rounds the plain table p / 255 exactly as fround does, so f32 batches keep their bits', () => {
    const pixels = Uint8Array.from({ length: 256 }, (_, p) => p);
    const data: Dataset = { name: 'bytes', count: 256, features: 1, classes: 2, shape: [1, 1], pixels, labels: new Uint8Array(256) };
    const order = Int32Array.from({ length: 256 }, (_, p) => p);
    for (const k of backends) {
      const x = k.alloc('f32', 256);
      fillBatch(x, new Int32Array(256), data, order, 0, 256, null, k);
      expect(Array.from(x), k.name).toEqual(Array.from({ length: 256 }, (_, p) => Math.fround(p / 255)));
    }
  });

  it('fillBatch through wasm kernels gives the bits of the plain fillBatch (plain and normalised data)', () => {
    const rng = new Rng(7);
    const plain: Dataset = {
      name: 'toy', count: 40, features: 3 * 5 * 5, classes: 10, shape: [3, 5, 5],
      pixels: randomBytes(rng, 40 * 75), labels: Uint8Array.from({ length: 40 }, (_, i) => i % 10),
    };
    const normalised: Dataset = { ...plain, normalization: { mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3] } };
    const order = Uint32Array.from(randomRows(rng, 40, 40));
    for (const data of [plain, normalised]) {
      const expected = new Float32Array(75 * 17);
      const expectedLabels = new Int32Array(17);
      fillBatch(expected, expectedLabels, data, order, 5, 17);
      for (const k of backends) {
        const x = k.alloc('f32', 75 * 17);
        const labels = new Int32Array(17);
        fillBatch(x, labels, data, order, 5, 17, null, k);
        expect(Array.from(x), k.name).toEqual(Array.from(expected));
        expect(Array.from(labels)).toEqual(Array.from(expectedLabels));
      }
    }
  });

  it('reads the dataset where the arena copied it, or stages the samples where it has no room: the same bits', () => {
    const rng = new Rng(11);
    const D = 784, samples = 4000; // 3.1 MB of pixels
    const pixels = randomBytes(rng, samples * D);
    const rows = randomRows(rng, samples, 129);
    const table = Float64Array.from({ length: 256 }, (_, p) => p / 255);
    const expected = new Float32Array(D * 129);
    referenceKernels.gatherBatch(expected, pixels, rows, table, D, 1, 129);
    for (const build of WASM_BUILDS) {
      // 96 pages (6 MiB) leave less than eight times the pixels' size free: this arena stages them
      const small = new WasmArena(loadWasmModule(build), { build, initialPages: 96, maximumPages: 96 });
      const cases: [WasmKernels, boolean][] = [[createNodeWasmKernels({ threads: 2, build, minParallelWork: 0, arena: small }), false],
        [createNodeWasmKernels({ threads: 2, build, minParallelWork: 0 }), true]];
      for (const [k, copied] of cases) {
        const x = k.alloc('f32', D * 129);
        k.gatherBatch(x, pixels, rows, table, D, 1, 129);
        expect(firstDifference(x, expected), `${k.name}, copied ${copied}`).toBe('');
        expect(k.arena.pixels(pixels) !== 0, k.name).toBe(copied);
        k.close();
      }
    }
    // a dataset over PIXEL_COPY_MAX_BYTES (CIFAR-10's 154 MB) is staged whatever the room
    expect(createNodeWasmKernels({ threads: 1, build: WASM_BUILDS[0] }).arena.pixels(new Uint8Array(PIXEL_COPY_MAX_BYTES + 1))).toBe(0);
  });

  it('falls back to the reference for float64 and foreign arrays, and rejects rows out of range', () => {
    const pixels = Uint8Array.from([0, 51, 102, 153, 204, 255]);
    const table = Float64Array.from({ length: 256 }, (_, p) => p / 255);
    for (const k of backends) {
      for (const x of [new Float64Array(6), new Float32Array(6)]) {
        const expected = x.slice();
        referenceKernels.gatherBatch(expected, pixels, Int32Array.from([2, 0]), table, 3, 1, 2);
        k.gatherBatch(x, pixels, Int32Array.from([2, 0]), table, 3, 1, 2);
        expect(Array.from(x)).toEqual(Array.from(expected));
      }
      expect(() => k.gatherBatch(k.alloc('f32', 6), pixels, Int32Array.from([0, 2]), table, 3, 1, 2))
        .toThrow('gatherBatch: row 2 of sample 1 is not in [0, 2)');
      expect(() => k.gatherBatch(k.alloc('f32', 6), pixels, Int32Array.from([0, 1]), table, 3, 2, 2))
        .toThrow('gatherBatch: 2 channels do not divide 3 features');
    }
  });
});
