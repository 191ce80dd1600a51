/**
 * What a model costs, counted from its spec without building it: the dense counterpart of any
 * model (every path layer dense, everything else the same) for the "x % of dense" columns, and the
 * weights of a built model. "Weights" are the weights of linear and convolution layers, biases and
 * batch-norm parameters excluded (one per multiply-add of a linear layer, one per multiply-add per
 * output position of a convolution).
 */
import type { Layer } from '../layers/layer.js';
import { Residual } from '../layers/residual.js';
import { walkLayers } from './layer-spec.js';
import { layersOf, type ModelSpec } from './model-spec.js';
import type { Model } from './model.js';

/** Weights, parameters and multiply-adds per sample of a model, for comparisons with its dense counterpart. */
export interface ModelCost {
  /** Linear and convolution weights, biases excluded. */
  readonly weights: number;
  /** Every trained scalar: weights, biases, batch-norm scales and shifts. */
  readonly parameters: number;
  /** Multiply-adds of one sample's forward pass through the linear and convolution layers. */
  readonly macsPerSample: number;
}

/** The cost of `spec` with every path layer dense. */
export function denseCost(spec: ModelSpec): ModelCost {
  const { input, layers } = layersOf(spec);
  let weights = 0, parameters = 0, macs = 0;
  walkLayers(layers, input, '', (placed) => {
    const s = placed.spec;
    switch (s.kind) {
      case 'linear': {
        const w = placed.input.channels * placed.input.height * placed.input.width * s.outputs;
        weights += w; macs += w; parameters += w + s.outputs;
        return;
      }
      case 'conv': {
        const w = placed.input.channels * s.outputs * s.kernel * s.kernel;
        weights += w; macs += w * placed.output.height * placed.output.width; parameters += w + (s.bias ? s.outputs : 0);
        return;
      }
      case 'batchnorm':
        parameters += 2 * placed.input.channels;
        return;
      default:
    }
  });
  return { weights, parameters, macsPerSample: macs };
}

/** Weights of the path layers of `spec` were they dense (0 without path layers: then every layer counts). */
export function densePathLayerWeights(spec: ModelSpec): number {
  const { input, layers } = layersOf(spec);
  let weights = 0;
  walkLayers(layers, input, '', (placed) => {
    const s = placed.spec;
    if (s.kind === 'linear' && s.path) weights += placed.input.channels * placed.input.height * placed.input.width * s.outputs;
    if (s.kind === 'conv' && s.path) weights += placed.input.channels * s.outputs * s.kernel * s.kernel;
  });
  return weights;
}

/** Weights of the path layers of a built model (edges, times k² for a convolution). */
export function pathWeightCountOf(model: Model): number {
  let n = 0;
  const visit = (layers: readonly Layer[]): void => {
    for (const layer of layers) {
      if (layer instanceof Residual) { visit(layer.body); visit(layer.shortcut); }
      if (layer.kind === 'path' || layer.kind === 'path-conv') n += layer.params()[0].value.length;
    }
  };
  visit(model.layers);
  return n;
}

/** Weights of a built model: every parameter array named `weight` (linear and convolution layers). */
export function weightCountOf(model: Model): number {
  return model.params().reduce((n, p) => n + (p.name === 'weight' ? p.value.length : 0), 0);
}
