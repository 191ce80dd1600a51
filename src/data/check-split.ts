/**
 * A training and a test part must describe the same task: the same sample shape and the same
 * number of classes. Checked when the data load, so that a 14×14 test file beside a 28×28
 * training file fails there, naming the test file, rather than as a shape error in evaluation.
 */
import { check } from '../core/errors.js';
import type { DataSplit } from './dataset.js';

const shapeText = (shape: readonly number[]): string => shape.join('×');

/** Checks that `split.test` matches `split.train`; `testWhat` and `trainWhat` name their files. */
export function checkSplit(split: DataSplit, trainWhat: string, testWhat: string): DataSplit {
  const { train, test } = split;
  check(test.shape.length === train.shape.length && test.shape.every((n, i) => n === train.shape[i]), () =>
    `${testWhat}: test samples are ${shapeText(test.shape)} but the training samples (${trainWhat}) are ${shapeText(train.shape)}`);
  check(test.classes === train.classes, () =>
    `${testWhat}: the test part has ${test.classes} classes but the training part (${trainWhat}) has ${train.classes}`);
  return split;
}
