/**
 * The data a saved model reads, prepared exactly as it was for training: the data set its meta
 * records (or `dataset`), in its input order (raster, Hilbert, or shuffled by its seed), with
 * its stored per-channel normalisation or pixel / 255. `sobolnet eval` evaluates on its test part;
 * scripts/export-data.ts writes both parts for PyTorch, so the two sides see the same numbers.
 */
import { SobolnetError } from '../core/errors.js';
import type { DataSplit } from '../data/dataset.js';
import { imageShapeOf } from '../data/image-shape.js';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../data/node/load-dataset.js';
import { checkNormalization, withNormalization } from '../data/normalization.js';
import { dataForRecipe } from '../experiment/run-record.js';
import { INPUT_ORDERS, type InputOrder } from '../experiment/run-recipe.js';
import type { ModelMeta } from '../model/model-file.js';

/**
 * The name and the training part (no validation held out) and test part of the data set of model file
 * `file` with `meta`; `dataset` overrides the recorded one, `dir` is the data folder. One-line
 * errors name `file` when its meta lacks what the preparation needs.
 */
export function modelData(file: string, meta: ModelMeta, dataset?: DatasetName, dir?: string): { name: DatasetName; data: DataSplit } {
  const name = dataset ?? (meta.dataset as DatasetName | undefined);
  if (!name || !(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new SobolnetError(`${file} does not record its dataset: pass --dataset (${DATASET_NAMES.join(', ')})`);
  }
  const inputOrder = meta.inputOrder ?? 'raster';
  if (!(INPUT_ORDERS as readonly unknown[]).includes(inputOrder)) {
    throw new SobolnetError(`${file} records an unknown input order ${JSON.stringify(inputOrder)} (expected ${INPUT_ORDERS.join(' or ')})`);
  }
  const seed = typeof meta.train === 'object' && meta.train !== null ? (meta.train as { seed?: unknown }).seed : undefined;
  if (inputOrder === 'shuffled' && typeof seed !== 'number') throw new SobolnetError(`${file} records no seed for its shuffled input order`);
  const split = dataForRecipe({ inputOrder: inputOrder as InputOrder, seed: seed as number, validation: 0 }, loadDataset(name, dir));
  // A model trained on normalised inputs carries the training statistics; without them, pixel / 255.
  const data = meta.normalization === undefined ? split : withNormalization(split,
    checkNormalization(meta.normalization, imageShapeOf(split.test.shape, split.test.name).channels, `${file}: its normalization`));
  return { name, data };
}
