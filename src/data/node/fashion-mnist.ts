/**
 * Fashion-MNIST (Zalando; 60000 train, 10000 test, 28×28 grey, 10 classes) from gzipped or raw
 * IDX files. Debian's `dataset-fashion-mnist` installs the official
 * train-images-idx3-ubyte.gz etc. in /usr/share/datasets/fashion-mnist/. Node only.
 */
import type { DataSplit } from '../dataset.js';
import { loadIdxFolder } from './mnist.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist/';
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Loads Fashion-MNIST from `dir` (default: the Debian package's folder). */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR): DataSplit {
  return loadIdxFolder(dir, 'fashion-mnist', 10, (missing) => dir === FASHION_MNIST_DIR
    ? `Fashion-MNIST not found (${missing}): run \`apt-get install dataset-fashion-mnist\` or pass --data <dir>`
    : `Fashion-MNIST not found (${missing}): pass --data <dir> with the four IDX files, or \`apt-get install dataset-fashion-mnist\``);
}
