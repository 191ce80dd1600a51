import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { fillBatch } from '../../src/data/batch.js';
import type { Dataset } from '../../src/data/dataset.js';
import { identityOrder } from '../../src/data/identity-order.js';

// 5 samples of D = 4 features; sample n has bytes [n, 10n, 255 - n, 51].
const N = 5;
const D = 4;
const pixels = new Uint8Array(N * D);
for (let n = 0; n < N; n++) pixels.set([n, 10 * n, 255 - n, 51], n * D);
const data: Dataset = {
  name: 'toy', count: N, features: D, classes: 10, shape: [2, 2], pixels, labels: Uint8Array.from([7, 1, 4, 9, 0]),
};

describe('fillBatch', () => {
  it('writes a batch of 3 of a permutation unit-major with the batch innermost', () => {
    const order = Int32Array.from([3, 0, 4, 2, 1]);
    const x = new Float64Array(D * 3);
    const labels = new Int32Array(3);
    fillBatch(x, labels, data, order, 1, 3); // samples 0, 4, 2
    // x[d * 3 + b]: d = 0: bytes n = 0, 4, 2; d = 1: 10n; d = 2: 255 - n; d = 3: 51.
    expect(Array.from(x)).toEqual([
      0 / 255, 4 / 255, 2 / 255,
      0 / 255, 40 / 255, 20 / 255,
      1, 251 / 255, 253 / 255,
      0.2, 0.2, 0.2,
    ]);
    expect(Array.from(labels)).toEqual([7, 0, 4]);
  });

  it('rounds p/255 once into float32 and accepts a Uint32Array order', () => {
    const x = new Float32Array(D * 2 + 3).fill(-1);
    const labels = new Int32Array(2);
    fillBatch(x, labels, data, Uint32Array.from([3, 1]), 0, 2);
    expect(Array.from(x)).toEqual([3 / 255, 1 / 255, 30 / 255, 10 / 255, 252 / 255, 254 / 255, 0.2, 0.2, -1, -1, -1]
      .map(Math.fround));
    expect(Array.from(labels)).toEqual([9, 1]);
  });

  it('covers every sample once over an identity order', () => {
    const order = identityOrder(N);
    expect(Array.from(order)).toEqual([0, 1, 2, 3, 4]);
    const x = new Float32Array(D);
    const labels = new Int32Array(1);
    const seen: number[] = [];
    for (let s = 0; s < N; s++) {
      fillBatch(x, labels, data, order, s, 1);
      expect(x[1]).toBe(Math.fround((10 * s) / 255));
      seen.push(labels[0]);
    }
    expect(seen).toEqual([7, 1, 4, 9, 0]);
  });

  it('rejects bad arguments with the bad value', () => {
    const x = new Float32Array(D * 2);
    const labels = new Int32Array(2);
    const order = identityOrder(N);
    expect(() => fillBatch(x, labels, data, order, 4, 2)).toThrow('batch [4, 6) runs past the end of the sample order of length 5');
    expect(() => fillBatch(x, labels, data, order, 0, 0)).toThrow('batch size must be an integer in [1, ∞], got 0');
    expect(() => fillBatch(x, labels, data, order, 0, 3)).toThrow('batch buffer holds 8 values, expected at least 12 (4 features × batch 3)');
    expect(() => fillBatch(new Float32Array(12), labels, data, order, 0, 3)).toThrow('batch label buffer holds 2 values, expected at least 3');
    expect(() => fillBatch(x, labels, data, Int32Array.from([0, 5]), 0, 2))
      .toThrow(SobolnetError);
    expect(() => fillBatch(x, labels, data, Int32Array.from([0, 5]), 0, 2))
      .toThrow('sample index 5 at order[1] is out of range for toy with 5 samples');
  });
});
