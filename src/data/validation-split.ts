/**
 * The validation split: the LAST n samples of the training set held out for validation, the same
 * for every seed. The training part keeps the first count - n samples (a `limit` then takes the
 * first of those). Both parts are views of the same bytes, nothing is copied.
 *
 * Shape legend: N samples, D features.
 */
import { checkInt, SobolnetError } from '../core/errors.js';
import type { Dataset, DataSplit } from './dataset.js';

/** The first `count` samples of `data` from `start`, as a view named `name`. */
function samples(data: Dataset, start: number, count: number, name: string): Dataset {
  const D = data.features;
  return {
    name, count, features: D, classes: data.classes, shape: data.shape,
    pixels: data.pixels.subarray(start * D, (start + count) * D),
    labels: data.labels.subarray(start, start + count),
    ...(data.normalization ? { normalization: data.normalization } : {}),
  };
}

/**
 * `data` with its last `n` training samples [N - n, N) moved into `validation`; `n` = 0 returns
 * `data` without a validation part. `label` names n in errors (e.g. '--validation').
 */
export function holdOutValidation(data: DataSplit, n: number, label = 'validation'): DataSplit {
  checkInt(n, label, 0);
  const { train } = data;
  if (n === 0) return { train, test: data.test };
  if (n >= train.count) {
    throw new SobolnetError(`${label} ${n} must be less than the ${train.count} training samples of ${train.name}, ` +
      'or 0 for no validation split');
  }
  const set = train.name.includes('/') ? train.name.slice(0, train.name.lastIndexOf('/')) : train.name;
  return {
    train: samples(train, 0, train.count - n, train.name),
    validation: samples(train, train.count - n, n, `${set}/validation`),
    test: data.test,
  };
}
