/**
 * What an export is measured against: the bytes of the model's stored floats at 4 bytes each
 * (path edges, dense weights, biases, batch-norm scales, shifts and running statistics: every
 * array a model file saves), and what the same model would weigh with every path layer dense
 * (I·O weights for a linear layer, Ci·Co·k² for a convolution), the size a dense export's
 * weights would have.
 */
import { densePathLayerWeights, pathWeightCountOf } from '../model/model-cost.js';
import type { Model } from '../model/model.js';

const FLOAT_BYTES = 4;

/** 4 bytes per stored float of `model`. */
export function weightBytesOf(model: Model): number {
  return FLOAT_BYTES * model.namedArrays().reduce((n, a) => n + a.value.length, 0);
}

/** 4 bytes per stored float of `model` with its path layers dense (the zeros a dense export would write). */
export function denseWeightBytesOf(model: Model): number {
  return weightBytesOf(model) + FLOAT_BYTES * (densePathLayerWeights(model.spec) - pathWeightCountOf(model));
}
