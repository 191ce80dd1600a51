import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { loadFashionMnist } from '../../src/data/node/fashion-mnist.js';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../../src/data/node/load-dataset.js';
import { loadIdxFolder } from '../../src/data/node/mnist.js';
import { readDataFile } from '../../src/data/node/read-file.js';
import { idxBytes, tempDir } from './fixtures.js';

const tmp = tempDir();
afterAll(tmp.remove);

// A 3×2×2 training set and a 2×2×2 test set; pixel bytes count up from 1 / 200.
const trainImages = idxBytes([3, 2, 2], Array.from({ length: 12 }, (_, i) => i + 1));
const trainLabels = idxBytes([3], [4, 0, 9]);
const testImages = idxBytes([2, 2, 2], Array.from({ length: 8 }, (_, i) => 200 + i));
const testLabels = idxBytes([2], [1, 8]);

/** Writes the four files into a new folder of `tmp`, gzipping those named in `gz`. */
function writeFolder(name: string, gz: readonly string[]): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': trainImages,
    'train-labels-idx1-ubyte': trainLabels,
    't10k-images-idx3-ubyte': testImages,
    't10k-labels-idx1-ubyte': testLabels,
  };
  for (const [file, bytes] of Object.entries(files)) {
    if (gz.includes(file)) writeFileSync(join(dir, `${file}.gz`), gzipSync(bytes));
    else writeFileSync(join(dir, file), bytes);
  }
  return dir;
}

function expectToySplit(dir: string, name: string): void {
  const { train, test } = loadIdxFolder(dir, name);
  expect(train).toMatchObject({ name: `${name}/train`, count: 3, features: 4, classes: 10, shape: [2, 2] });
  expect(Array.from(train.pixels)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  expect(Array.from(train.labels)).toEqual([4, 0, 9]);
  expect(test).toMatchObject({ name: `${name}/test`, count: 2, features: 4 });
  expect(Array.from(test.pixels)).toEqual([200, 201, 202, 203, 204, 205, 206, 207]);
  expect(Array.from(test.labels)).toEqual([1, 8]);
}

describe('readDataFile', () => {
  it('reads raw and gzipped files to the same bytes', () => {
    writeFileSync(join(tmp.dir, 'raw'), trainImages);
    writeFileSync(join(tmp.dir, 'packed.gz'), gzipSync(trainImages));
    expect(Array.from(readDataFile(join(tmp.dir, 'raw')))).toEqual(Array.from(trainImages));
    expect(Array.from(readDataFile(join(tmp.dir, 'packed.gz')))).toEqual(Array.from(trainImages));
  });

  it('names a missing file', () => {
    const path = join(tmp.dir, 'nope-idx1-ubyte');
    expect(() => readDataFile(path)).toThrow(SobolnetError);
    expect(() => readDataFile(path)).toThrow(`dataset file not found: ${path}`);
  });

  it('reports a corrupted gzip file', () => {
    const bad = gzipSync(trainImages);
    const path = join(tmp.dir, 'cut.gz');
    writeFileSync(path, bad.subarray(0, bad.length - 10));
    expect(() => readDataFile(path)).toThrow(SobolnetError);
    expect(() => readDataFile(path)).toThrow(`corrupted gzip file ${path}: `);
  });

  it('reports a folder given as a file', () => {
    expect(() => readDataFile(tmp.dir)).toThrow(`cannot read dataset file ${tmp.dir}: EISDIR`);
  });
});

describe('loadIdxFolder', () => {
  it('reads raw IDX files', () => expectToySplit(writeFolder('plain', []), 'toy'));

  it('reads gzipped and mixed IDX files', () => {
    expectToySplit(writeFolder('gz', ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']), 'toy');
    expectToySplit(writeFolder('mixed', ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte']), 'toy');
  });

  it('names the missing file and reports a truncated one by path', () => {
    const dir = join(tmp.dir, 'partial');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), trainImages.subarray(0, 20));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), trainLabels);
    expect(() => loadIdxFolder(dir, 'toy'))
      .toThrow(`${join(dir, 'train-images-idx3-ubyte')}: truncated IDX file: dimensions [3, 2, 2] need 28 bytes, got 20`);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), trainImages);
    expect(() => loadIdxFolder(dir, 'toy'))
      .toThrow(`dataset file not found: ${join(dir, 't10k-images-idx3-ubyte')}[.gz]`);
  });

  it('rejects labels out of range for the class count', () => {
    const dir = writeFolder('classes', []);
    expect(() => loadIdxFolder(dir, 'toy', 9))
      .toThrow(`${join(dir, 'train-labels-idx1-ubyte')}: label 9 of sample 2 is out of range, expected < 9 classes`);
  });
});

describe('loadDataset', () => {
  it('lists the data sets and loads an IDX folder as mnist or fashion-mnist', () => {
    expect(DATASET_NAMES).toEqual(['mnist', 'fashion-mnist', 'cifar10']);
    const dir = writeFolder('named', ['train-images-idx3-ubyte']);
    expect(loadDataset('mnist', dir).train.name).toBe('mnist/train');
    const fashion = loadDataset('fashion-mnist', dir);
    expect(fashion.test.name).toBe('fashion-mnist/test');
    expect(Array.from(fashion.test.labels)).toEqual([1, 8]);
  });

  it('says how to get missing data sets', () => {
    const missing = join(tmp.dir, 'no-such-dir');
    expect(() => loadFashionMnist(missing)).toThrow(
      `Fashion-MNIST not found (${join(missing, 'train-images-idx3-ubyte')}[.gz]): pass --data <dir>`);
    expect(() => loadDataset('cifar10')).toThrow('cifar10 needs --data <dir>');
    expect(() => loadDataset('cifar10', missing)).toThrow(`CIFAR-10 file not found: ${join(missing, 'data_batch_1.bin')}`);
    expect(() => loadDataset('svhn' as DatasetName)).toThrow('dataset must be one of mnist, fashion-mnist, cifar10, got "svhn"');
  });
});
