/**
 * CIFAR-10 from the binary version's files: data_batch_1.bin .. data_batch_5.bin (train, 50000)
 * and test_batch.bin (test, 10000), in `dir` or in `dir/cifar-10-batches-bin` (the folder the
 * official tarball unpacks to); each file may also be gzipped. No package ships CIFAR-10, so the
 * caller must name the folder. Node only.
 */
import { join } from 'node:path';
import { SobolnetError } from '../../core/errors.js';
import type { DataSplit } from '../dataset.js';
import { parseCifar10, type Cifar10File } from '../cifar10.js';
import { checkSplit } from '../check-split.js';
import { findDataFile, readDataFile } from './read-file.js';

export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILES: readonly string[] = ['test_batch.bin'];

/** Finds and reads each of `files` (raw or .gz) in the first of `dirs` that holds it. */
function cifarFiles(dirs: readonly string[], files: readonly string[]): Cifar10File[] {
  return files.map((file) => {
    const path = findDataFile(dirs.flatMap((d) => [join(d, file), join(d, `${file}.gz`)]));
    if (path === null) {
      throw new SobolnetError(`CIFAR-10 file not found: ${join(dirs[0], file)}: pass --data <dir> holding the` +
        ' binary version (data_batch_1..5.bin, test_batch.bin from cifar-10-binary.tar.gz)');
    }
    return { what: path, bytes: readDataFile(path) };
  });
}

/** Loads CIFAR-10 (binary version) from `dir`. Parts are named cifar10/train and cifar10/test (checkSplit). */
export function loadCifar10(dir: string): DataSplit {
  const dirs = [dir, join(dir, 'cifar-10-batches-bin')];
  const trainFiles = cifarFiles(dirs, CIFAR10_TRAIN_FILES);
  const testFiles = cifarFiles(dirs, CIFAR10_TEST_FILES);
  const split = { train: parseCifar10('cifar10/train', trainFiles), test: parseCifar10('cifar10/test', testFiles) };
  return checkSplit(split, trainFiles[0].what, testFiles[0].what);
}
