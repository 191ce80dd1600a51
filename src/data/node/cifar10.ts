/**
 * CIFAR-10 from the binary version's files: data_batch_1.bin .. data_batch_5.bin (train, 50000)
 * and test_batch.bin (test, 10000), in `dir` or in `dir/cifar-10-batches-bin` (the folder the
 * official tarball unpacks to); each file may also be gzipped. No package ships CIFAR-10, so the
 * caller must name the folder. Node only.
 */
import { join } from 'node:path';
import { SobolnetError } from '../../core/errors.js';
import type { DataSplit, Dataset } from '../dataset.js';
import { parseCifar10 } from '../cifar10.js';
import { findDataFile, readDataFile } from './read-file.js';

export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILES: readonly string[] = ['test_batch.bin'];

function cifarPart(name: string, dirs: readonly string[], files: readonly string[]): Dataset {
  return parseCifar10(name, files.map((file) => {
    const path = findDataFile(dirs.flatMap((d) => [join(d, file), join(d, `${file}.gz`)]));
    if (path === null) {
      throw new SobolnetError(`CIFAR-10 file not found: ${join(dirs[0], file)}: pass --data <dir> holding the` +
        ' binary version (data_batch_1..5.bin, test_batch.bin from cifar-10-binary.tar.gz)');
    }
    return { what: path, bytes: readDataFile(path) };
  }));
}

/** Loads CIFAR-10 (binary version) from `dir`. Parts are named cifar10/train and cifar10/test. */
export function loadCifar10(dir: string): DataSplit {
  const dirs = [dir, join(dir, 'cifar-10-batches-bin')];
  return {
    train: cifarPart('cifar10/train', dirs, CIFAR10_TRAIN_FILES),
    test: cifarPart('cifar10/test', dirs, CIFAR10_TEST_FILES),
  };
}
