/**
 * Empty data and mismatched parts fail when the data load, with one line naming the file: an IDX
 * header that says 0 samples, an empty CIFAR-10 batch, a test part whose sample shape differs
 * from the training part's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { checkSplit } from '../../src/data/check-split.js';
import { parseCifar10 } from '../../src/data/cifar10.js';
import type { Dataset } from '../../src/data/dataset.js';
import { idxDataset } from '../../src/data/idx.js';
import { loadCifar10 } from '../../src/data/node/cifar10.js';
import { loadIdxFolder } from '../../src/data/node/mnist.js';
import { cifarBytes, idxBytes, tempDir } from './fixtures.js';

const tmp = tempDir();
afterAll(tmp.remove);

/** The one line of the SobolnetError that `f` throws. */
function line(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(SobolnetError); return (e as Error).message; }
  throw new Error('accepted');
}

/** A folder of four IDX files: `train` and `test` give each part's sample count and shape. */
function idxFolder(name: string, train: [number, number[]], test: [number, number[]]): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  const write = (stem: string, [n, shape]: [number, number[]]): void => {
    const size = shape.reduce((a, b) => a * b, 1);
    writeFileSync(join(dir, `${stem}-images-idx3-ubyte`), idxBytes([n, ...shape], new Uint8Array(n * size).fill(7)));
    writeFileSync(join(dir, `${stem}-labels-idx1-ubyte`), idxBytes([n], new Uint8Array(n).map((_, i) => i % 10)));
  };
  write('train', train);
  write('t10k', test);
  return dir;
}

describe('empty data', () => {
  it('refuses an IDX image file whose header says 0 samples, train or test, naming it', () => {
    const emptyTrain = idxFolder('empty-train', [0, [28, 28]], [2, [28, 28]]);
    expect(line(() => loadIdxFolder(emptyTrain, 'mnist'))).toBe(`${join(emptyTrain, 'train-images-idx3-ubyte')}:` +
      ' the IDX header says 0 samples (dimensions [0, 28, 28]); a data set needs at least one');
    const emptyTest = idxFolder('empty-test', [3, [28, 28]], [0, [28, 28]]);
    expect(line(() => loadIdxFolder(emptyTest, 'mnist'))).toBe(`${join(emptyTest, 't10k-images-idx3-ubyte')}:` +
      ' the IDX header says 0 samples (dimensions [0, 28, 28]); a data set needs at least one');
    expect(line(() => idxDataset('toy', idxBytes([0, 2], []), idxBytes([0], []), 10)))
      .toBe('toy images: the IDX header says 0 samples (dimensions [0, 2]); a data set needs at least one');
  });

  it('refuses an empty CIFAR-10 batch file, naming it', () => {
    expect(line(() => parseCifar10('toy', [{ what: 'a.bin', bytes: cifarBytes([1], () => 0) }, { what: 'e.bin', bytes: new Uint8Array(0) }])))
      .toBe('e.bin: empty file (0 bytes); a CIFAR-10 batch file holds whole 3073-byte records');
    const dir = join(tmp.dir, 'cifar-empty-test');
    mkdirSync(dir);
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), cifarBytes([i], () => i));
    writeFileSync(join(dir, 'test_batch.bin'), new Uint8Array(0));
    expect(line(() => loadCifar10(dir)))
      .toBe(`${join(dir, 'test_batch.bin')}: empty file (0 bytes); a CIFAR-10 batch file holds whole 3073-byte records`);
  });
});

describe('mismatched parts', () => {
  it('refuses 14×14 test samples beside 28×28 training samples, naming the test file and both shapes', () => {
    const dir = idxFolder('shapes', [3, [28, 28]], [2, [14, 14]]);
    expect(line(() => loadIdxFolder(dir, 'mnist'))).toBe(`${join(dir, 't10k-images-idx3-ubyte')}: test samples are 14×14` +
      ` but the training samples (${join(dir, 'train-images-idx3-ubyte')}) are 28×28`);
    const flat = idxFolder('flat', [3, [28, 28]], [2, [784]]);
    expect(line(() => loadIdxFolder(flat, 'mnist'))).toMatch(/t10k-images-idx3-ubyte: test samples are 784 but the training samples .* are 28×28$/);
    const same = idxFolder('same', [3, [4, 2]], [2, [4, 2]]);
    expect(loadIdxFolder(same, 'mnist').test.shape).toEqual([4, 2]);
  });

  it('refuses parts that disagree on the number of classes', () => {
    const part = (classes: number): Dataset => ({
      name: 'p', count: 1, features: 1, classes, shape: [1], pixels: new Uint8Array(1), labels: new Uint8Array(1),
    });
    expect(line(() => checkSplit({ train: part(10), test: part(100) }, 'train.bin', 'test.bin')))
      .toBe('test.bin: the test part has 100 classes but the training part (train.bin) has 10');
  });
});
