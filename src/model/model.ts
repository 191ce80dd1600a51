/**
 * A classifier built from a model spec (model-spec.ts): an MLP (linear layers, path-sparse or
 * dense, optional batch normalisation, ReLU between them) or a graph of convolutions, pooling and
 * residual blocks; softmax cross-entropy on top (in the trainer). Both are built by the same
 * builder: an MLP is the graph of its linear, batch-norm and ReLU layers.
 *
 * Shape legend: B batch, D input units (C·H·W of an image), C classes.
 */
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from '../layers/layer.js';
import { Residual } from '../layers/residual.js';
import { buildTopology, type Topology } from '../topology/build-topology.js';
import { buildLayers } from './build-layers.js';
import { fuseRelus } from './fuse-relu.js';
import { placedLayers } from './graph-spec.js';
import { unitsOf, type ImageShape } from './layer-spec.js';
import { isGraphSpec, layersOf, pathLayerCount, topologySpecOf, validateModelSpec, type ModelSpec } from './model-spec.js';

/** A classifier built from a ModelSpec: its layers, its topology (regenerated from the spec), forward and backward. */
export class Model {
  readonly layers: readonly Layer[];
  readonly topology: Topology | null;
  /** The shape of one input sample (an MLP's input is D×1×1). */
  readonly inputShape: ImageShape;
  readonly inputs: number;
  readonly classes: number;

  constructor(readonly spec: ModelSpec, readonly kernels: Kernels, readonly precision: Precision = 'f32') {
    validateModelSpec(spec);
    const tspec = topologySpecOf(spec);
    this.topology = tspec === null ? null : buildTopology(tspec);
    const { input, layers } = layersOf(spec);
    this.inputShape = input;
    this.inputs = unitsOf(input);
    this.layers = buildLayers(layers, input, { kernels, precision, init: spec.init, topology: this.topology });
    this.classes = isGraphSpec(spec) ? unitsOf(placedLayers(spec).output) : spec.widths[spec.widths.length - 1];
    // The first layer's input is data: no gradient to propagate, which saves a whole pass.
    this.layers[0].needsInputGradient = false;
    fuseRelus(this.layers);
  }

  /** x[D,B] -> logits[C,B]. */
  forward(x: Floats, B: number, training: boolean): Floats {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, B, training);
    return h;
  }

  /** dLogits[C,B] -> fills every parameter gradient. */
  backward(dLogits: Floats): void {
    let g = dLogits;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g);
  }

  params(): Param[] {
    return this.layers.flatMap((layer) => [...layer.params()]);
  }

  /**
   * Every array saved in a model file, in a fixed order: per layer its parameters then its state,
   * named `<layer>.<kind>.<array>`, where a layer inside a residual block is `<block>.body.<i>` or
   * `<block>.shortcut.<i>` (an MLP's names are what they always were: `0.path.weight`, ...).
   */
  namedArrays(): NamedArray[] {
    const out: NamedArray[] = [];
    const visit = (layers: readonly Layer[], prefix: string): void => {
      layers.forEach((layer, i) => {
        const where = prefix === '' ? String(i) : `${prefix}.${i}`;
        if (layer instanceof Residual) {
          visit(layer.body, `${where}.body`);
          visit(layer.shortcut, `${where}.shortcut`);
          return;
        }
        for (const p of layer.params()) out.push({ name: `${where}.${layer.kind}.${p.name}`, value: p.value });
        for (const s of layer.state()) out.push({ name: `${where}.${layer.kind}.${s.name}`, value: s.value });
      });
    };
    visit(this.layers, '');
    return out;
  }

  /** Trainable weights (edges and biases and normalisation parameters). */
  get parameterCount(): number {
    return this.params().reduce((n, p) => n + p.value.length, 0);
  }

  /** Multiply-adds per sample of one forward pass. */
  get macsPerSample(): number {
    return this.layers.reduce((n, layer) => n + layer.macsPerSample, 0);
  }

  /** Number of path layers. */
  get pathLayers(): number {
    return pathLayerCount(this.spec);
  }
}
