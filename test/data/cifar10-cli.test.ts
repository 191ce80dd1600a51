/**
 * `sobolnet train --dataset cifar10 --data <dir>` end to end on small CIFAR-format files written
 * here: it trains with the validation split, normalises per channel with the training statistics
 * and stores them in the model file, augments reproducibly, and `eval` of the saved model gives
 * the recorded test accuracy. Bad input ends with one line and exit 1.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCifar10 } from '../../src/data/node/cifar10.js';
import { channelStatistics } from '../../src/data/normalization.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel } from '../../src/model/model-file.js';
import { cifarBytes, tempDir } from './fixtures.js';
import { sobolnet } from '../helpers/sobolnet-cli.js';


/** Writes data_batch_1..5.bin (6 samples each) and test_batch.bin (8 samples): class-dependent colours plus a gradient. */
function writeCifar(dir: string, trainPerFile = 6): void {
  mkdirSync(dir, { recursive: true });
  const pixel = (label: number) => (_n: number, c: number, y: number, x: number): number =>
    (c === label % 3 ? 200 : 40) + 2 * y + (label < 5 ? x : 31 - x);
  let k = 0;
  for (let i = 1; i <= 5; i++) {
    const labels = Array.from({ length: trainPerFile }, () => (k++ * 7) % 10);
    const records = labels.map((l) => cifarBytes([l], pixel(l)));
    writeFileSync(join(dir, `data_batch_${i}.bin`), Buffer.concat(records));
  }
  const test = Array.from({ length: 8 }, (_, n) => (n * 3) % 10);
  writeFileSync(join(dir, 'test_batch.bin'), Buffer.concat(test.map((l) => cifarBytes([l], pixel(l)))));
}

describe('sobolnet train --dataset cifar10', () => {
  const tmp = tempDir();
  afterAll(tmp.remove);
  const data = join(tmp.dir, 'cifar');
  const small = ['train', '--dataset', 'cifar10', '--data', data, '--widths', '3072-16-10', '--fan-in', '4',
    '--epochs', '1', '--batch', '8', '--validation', '6', '--backend', 'reference', '--quiet'];
  writeCifar(data);

  it('trains one epoch, writes a model with the training statistics, and eval reproduces its test accuracy', () => {
    const out = join(tmp.dir, 'a.sobolnet');
    const r = sobolnet(...small, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dataset\s+cifar10: 24 of 24 samples trained, 6 held out for validation, 8 test/);
    const { meta } = decodeModel(new Uint8Array(readFileSync(out)), referenceKernels, out);
    // The statistics of the 24 training samples: the validation samples (the last 6) and the test samples excluded.
    const { train } = loadCifar10(data);
    expect(meta.normalization).toEqual(channelStatistics(train, 24));
    expect(meta.normalization).not.toEqual(channelStatistics(train, 30));
    expect(meta.train).toMatchObject({ augment: { kind: 'crop-flip', padding: 4 } });
    expect(meta).toMatchObject({ dataset: 'cifar10', trainSamples: 24, validationSamples: 6 });
    const e = sobolnet('eval', out, '--data', data, '--backend', 'reference', '--json');
    expect(e.status, e.stderr).toBe(0);
    const evaluated = JSON.parse(e.stdout) as { accuracy: number; count: number; recordedAccuracy: number };
    expect(evaluated.count).toBe(8);
    expect(evaluated.accuracy).toBe(evaluated.recordedAccuracy);
    // The same command again: the same bytes (shuffling, augmentation and initialisation all drawn from --seed).
    const again = join(tmp.dir, 'b.sobolnet');
    expect(sobolnet(...small, '--out', again).status).toBe(0);
    expect(Buffer.compare(readFileSync(again), readFileSync(out))).toBe(0);
  });

  it('runs without normalisation and augmentation when asked, storing no statistics', () => {
    const out = join(tmp.dir, 'plain.sobolnet');
    const r = sobolnet(...small, '--normalization', 'none', '--augment', 'none', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const { meta } = decodeModel(new Uint8Array(readFileSync(out)), referenceKernels, out);
    expect(meta.normalization).toBeUndefined();
    expect(meta.train).not.toHaveProperty('augment');
  });

  it('ends bad data and bad data options with one line and exit 1, before training', () => {
    const oneLine = (r: { status: number; stdout: string; stderr: string }): string => {
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(r.stdout).toBe('');
      return lines[0];
    };
    const missing = join(tmp.dir, 'nowhere');
    expect(oneLine(sobolnet(...small.map((a) => (a === data ? missing : a))))).toBe(
      `sobolnet: CIFAR-10 file not found: ${join(missing, 'data_batch_1.bin')}: pass --data <dir> holding the binary version ` +
      '(data_batch_1..5.bin, test_batch.bin from cifar-10-binary.tar.gz)');
    const cut = join(tmp.dir, 'cut');
    cpSync(data, cut, { recursive: true });
    writeFileSync(join(cut, 'test_batch.bin'), readFileSync(join(data, 'test_batch.bin')).subarray(0, 3073 + 100));
    expect(oneLine(sobolnet(...small.map((a) => (a === data ? cut : a))))).toBe(
      `sobolnet: ${join(cut, 'test_batch.bin')}: a CIFAR-10 batch file holds whole 3073-byte records, got 3173 bytes (1 records + 100 bytes)`);
    expect(oneLine(sobolnet('train', '--dataset', 'cifar10', '--widths', '3072-16-10'))).toBe(
      'sobolnet: cifar10 needs --data <dir> holding data_batch_1..5.bin and test_batch.bin (the binary version); no package ships CIFAR-10');
    expect(oneLine(sobolnet(...small, '--augment', 'none', '--crop-padding', '2')))
      .toBe('sobolnet: --crop-padding applies only with --augment crop-flip, got --augment none');
    // The other data options' checks are the recipe's (input-recipe.test.ts), with the same flags.
  });
});
