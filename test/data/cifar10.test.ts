import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { CIFAR10_FEATURES, parseCifar10 } from '../../src/data/cifar10.js';
import { loadCifar10 } from '../../src/data/node/cifar10.js';
import { cifarBytes, tempDir } from './fixtures.js';

// Pixel value of sample n (numbered across files), channel c, row y, column x.
const pix = (n: number, c: number, y: number, x: number): number => 17 * n + 100 * c + 3 * y + x;

describe('parseCifar10', () => {
  it('concatenates two batch files keeping labels and the channel-major layout', () => {
    const a = cifarBytes([3, 9], pix);
    const b = cifarBytes([0, 5, 1], (n, c, y, x) => pix(n + 2, c, y, x));
    const ds = parseCifar10('toy', [{ what: 'a.bin', bytes: a }, { what: 'b.bin', bytes: b }]);
    expect(ds).toMatchObject({ name: 'toy', count: 5, features: 3072, classes: 10, shape: [3, 32, 32] });
    expect(Array.from(ds.labels)).toEqual([3, 9, 0, 5, 1]);
    expect(ds.pixels.length).toBe(5 * 3072);
    for (const [n, c, y, x] of [[0, 0, 0, 0], [0, 2, 31, 31], [1, 1, 5, 7], [2, 0, 0, 1], [4, 2, 10, 20], [3, 1, 31, 0]]) {
      expect(ds.pixels[n * CIFAR10_FEATURES + c * 1024 + y * 32 + x]).toBe(pix(n, c, y, x) & 255);
    }
    // Sample 4: red (0,0) = 68, green (0,0) = 168, blue (0,0) = 268 & 255 = 12.
    expect([ds.pixels[4 * 3072], ds.pixels[4 * 3072 + 1024], ds.pixels[4 * 3072 + 2048]]).toEqual([68, 168, 12]);
  });

  it('rejects a length that is not a multiple of 3073', () => {
    const bytes = cifarBytes([1, 2], pix).subarray(0, 2 * 3073 - 1);
    expect(() => parseCifar10('toy', [{ what: 'cut.bin', bytes }]))
      .toThrow('cut.bin: a CIFAR-10 batch file holds whole 3073-byte records, got 6145 bytes (1 records + 3072 bytes)');
    expect(() => parseCifar10('toy', [])).toThrow('toy: no CIFAR-10 batch files given');
  });

  it('rejects a label >= 10 naming file and record', () => {
    const bytes = cifarBytes([1, 2, 10], pix);
    expect(() => parseCifar10('toy', [{ what: 'bad.bin', bytes }]))
      .toThrow('bad.bin: label 10 of record 2 is out of range, expected < 10 classes');
  });
});

describe('loadCifar10', () => {
  const tmp = tempDir();
  afterAll(tmp.remove);

  it('reads data_batch_1..5.bin (one gzipped) and test_batch.bin', () => {
    // Train batch i holds i records with labels i-1, i, ... (mod 10); 15 records in all.
    let n = 0;
    const expectedLabels: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const labels = Array.from({ length: i }, (_, r) => (i - 1 + r) % 10);
      expectedLabels.push(...labels);
      const first = n;
      const bytes = cifarBytes(labels, (k, c, y, x) => pix(first + k, c, y, x));
      n += i;
      if (i === 3) writeFileSync(join(tmp.dir, 'data_batch_3.bin.gz'), gzipSync(bytes));
      else writeFileSync(join(tmp.dir, `data_batch_${i}.bin`), bytes);
    }
    writeFileSync(join(tmp.dir, 'test_batch.bin'), cifarBytes([8, 2], (k, c, y, x) => 255 - pix(k, c, y, x)));
    const { train, test } = loadCifar10(tmp.dir);
    expect(train).toMatchObject({ name: 'cifar10/train', count: 15, features: 3072 });
    expect(Array.from(train.labels)).toEqual(expectedLabels);
    for (const s of [0, 3, 5, 14]) expect(train.pixels[s * 3072 + 1024 + 2 * 32 + 9]).toBe(pix(s, 1, 2, 9) & 255);
    expect(test).toMatchObject({ name: 'cifar10/test', count: 2 });
    expect(Array.from(test.labels)).toEqual([8, 2]);
    expect(test.pixels[3072 + 2048 + 31]).toBe((255 - pix(1, 2, 0, 31)) & 255);
  });

  it('finds the tarball folder cifar-10-batches-bin and names a missing file', () => {
    const sub = join(tmp.dir, 'nested', 'cifar-10-batches-bin');
    mkdirSync(sub, { recursive: true });
    for (let i = 1; i <= 5; i++) writeFileSync(join(sub, `data_batch_${i}.bin`), cifarBytes([i], pix));
    expect(() => loadCifar10(join(tmp.dir, 'nested'))).toThrow(SobolnetError);
    expect(() => loadCifar10(join(tmp.dir, 'nested'))).toThrow(`CIFAR-10 file not found: ${join(tmp.dir, 'nested', 'test_batch.bin')}`);
    writeFileSync(join(sub, 'test_batch.bin'), cifarBytes([7], pix));
    const { train, test } = loadCifar10(join(tmp.dir, 'nested'));
    expect(Array.from(train.labels)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(test.labels)).toEqual([7]);
  });
});
