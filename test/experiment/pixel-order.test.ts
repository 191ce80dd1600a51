/** Hilbert pixel orders: permutations whose consecutive pixels touch, and the reordering of data sets. */
import { describe, expect, it } from 'vitest';
import { hilbertOrdered, hilbertPixelOrder, reorderPixels, shuffledPixelOrder } from '../../src/data/pixel-order.js';
import type { Dataset } from '../../src/data/dataset.js';

const isPermutation = (p: Int32Array): boolean => new Set(p).size === p.length && p.every((v) => v >= 0 && v < p.length);

describe('Hilbert pixel order', () => {
  it('walks a power-of-two square through 4-neighbours only', () => {
    for (const side of [2, 4, 8, 32]) {
      const order = hilbertPixelOrder(side, side);
      expect(isPermutation(order)).toBe(true);
      expect(order[0]).toBe(0);
      for (let k = 1; k < order.length; k++) {
        const [r0, c0] = [Math.floor(order[k - 1] / side), order[k - 1] % side];
        const [r1, c1] = [Math.floor(order[k] / side), order[k] % side];
        expect(Math.abs(r0 - r1) + Math.abs(c0 - c1)).toBe(1);
      }
    }
  });

  it('covers a 28 × 28 image in compact blocks: every aligned run of 16 pixels spans at most a few rows', () => {
    const order = hilbertPixelOrder(28, 28);
    expect(isPermutation(order)).toBe(true);
    let worst = 0;
    for (let k = 0; k + 16 <= order.length; k += 16) {
      const rows = [...order.slice(k, k + 16)].map((i) => Math.floor(i / 28));
      worst = Math.max(worst, Math.max(...rows) - Math.min(...rows));
    }
    expect(worst).toBeLessThan(8); // a raster run of 16 stays in 1-2 rows but spans 16 columns; see the next test
    const cols = [...order.slice(0, 16)].map((i) => i % 28);
    expect(Math.max(...cols) - Math.min(...cols)).toBe(3); // the first 16 points fill the 4 × 4 corner
  });

  it('reorders every sample and every channel by the same permutation', () => {
    const data: Dataset = {
      name: 't', count: 2, features: 8, classes: 2, shape: [2, 2, 2],
      pixels: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17]), labels: Uint8Array.from([0, 1]),
    };
    const out = reorderPixels(data, Int32Array.from([3, 0, 1, 2]));
    expect([...out.pixels]).toEqual([3, 0, 1, 2, 7, 4, 5, 6, 13, 10, 11, 12, 17, 14, 15, 16]);
    expect([...data.pixels.slice(0, 4)]).toEqual([0, 1, 2, 3]); // the input is untouched
    const h = hilbertOrdered(data);
    expect([...h.pixels.slice(0, 4)]).toEqual([...hilbertPixelOrder(2, 2)].map((i) => data.pixels[i]));
    expect(() => reorderPixels(data, Int32Array.from([0, 1, 2]))).toThrow(/3 pixels does not fit t's 8 features/);
  });
});

describe('shuffled pixel order', () => {
  it('is a seeded permutation, the same for the same seed and different for another', () => {
    const a = shuffledPixelOrder(784, 1);
    expect(isPermutation(a)).toBe(true);
    expect([...shuffledPixelOrder(784, 1)]).toEqual([...a]);
    expect([...shuffledPixelOrder(784, 2)]).not.toEqual([...a]);
    expect([...a]).not.toEqual([...Array(784).keys()]);
  });
});
