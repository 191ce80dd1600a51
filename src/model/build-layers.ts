/**
 * Layer specs -> layers. Path layers take the topology's layer pairs in chain order (graph-spec.ts);
 * weight layers (linear and convolution) are numbered in execution order for the initialiser, so
 * an MLP built here initialises exactly as it always has (its linear layers are numbered 0, 1, ...).
 */
import type { Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import { AvgPool2d } from '../layers/avg-pool2d.js';
import { BatchNorm } from '../layers/batch-norm.js';
import { Conv2d } from '../layers/conv2d.js';
import { DenseLinear } from '../layers/dense-linear.js';
import { Flatten } from '../layers/flatten.js';
import { GlobalAvgPool } from '../layers/global-avg-pool.js';
import { initialiseLayer, type InitSpec } from '../layers/init.js';
import type { Layer } from '../layers/layer.js';
import { MaxPool2d } from '../layers/max-pool2d.js';
import { PathConv2d } from '../layers/path-conv2d.js';
import { PathLinear } from '../layers/path-linear.js';
import { Relu } from '../layers/relu.js';
import { Residual } from '../layers/residual.js';
import type { Topology } from '../topology/build-topology.js';
import { placeLayer, unitsOf, type ImageShape, type LayerSpec } from './layer-spec.js';

/** What every layer of one model is built with. */
export interface BuildContext {
  readonly kernels: Kernels;
  readonly precision: Precision;
  readonly init: InitSpec;
  /** The topology of the path chain (null without path layers). */
  readonly topology: Topology | null;
}

/** Builds `specs` on inputs of `input`; path layers and weight layers are counted across calls by `counters`. */
export function buildLayers(specs: readonly LayerSpec[], input: ImageShape, context: BuildContext,
  counters = { path: 0, weight: 0 }, prefix = ''): Layer[] {
  const { kernels, precision, init } = context;
  let shape = input;
  return specs.map((spec, i) => {
    const where = prefix === '' ? String(i) : `${prefix}.${i}`;
    const placed = placeLayer(spec, shape, where);
    const from = shape;
    shape = placed.output;
    const pathIndex = () => {
      const topology = context.topology;
      if (topology === null) throw new Error(`layer ${where}: a path layer without a topology`);
      return topology.layers[counters.path++];
    };
    switch (placed.spec.kind) {
      case 'linear': {
        const layer = placed.spec.path
          ? new PathLinear(kernels, pathIndex(), precision)
          : new DenseLinear(kernels, unitsOf(from), placed.spec.outputs, precision);
        initialiseLayer(layer, init, counters.weight++);
        return layer;
      }
      case 'conv': {
        if (!('conv' in placed)) throw new Error('unreachable');
        const layer = placed.spec.path
          ? new PathConv2d(kernels, pathIndex(), placed.conv, precision, placed.spec.bias)
          : new Conv2d(kernels, placed.conv, precision, placed.spec.bias);
        initialiseLayer(layer, init, counters.weight++);
        return layer;
      }
      case 'batchnorm':
        return new BatchNorm(kernels, from.channels, precision, from.height * from.width);
      case 'relu':
        return new Relu(kernels, unitsOf(from));
      case 'maxpool':
      case 'avgpool': {
        if (!('pool' in placed)) throw new Error('unreachable');
        return placed.spec.kind === 'maxpool' ? new MaxPool2d(kernels, placed.pool) : new AvgPool2d(kernels, placed.pool);
      }
      case 'global-avgpool':
        return new GlobalAvgPool(kernels, from.channels, from.height * from.width);
      case 'flatten':
        return new Flatten(unitsOf(from));
      case 'residual': {
        const block = placed.spec;
        const body = buildLayers(block.body, from, context, counters, `${where}.body`);
        const shortcut = buildLayers(block.shortcut, from, context, counters, `${where}.shortcut`);
        return new Residual(kernels, body, shortcut, precision);
      }
      default:
        return placed.spec satisfies never;
    }
  });
}
