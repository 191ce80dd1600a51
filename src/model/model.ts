/**
 * A feed-forward classifier: linear layers (path-sparse or dense), optional batch
 * normalisation, ReLU between layers, softmax cross-entropy on top.
 *
 * Shape legend: B batch, D input features, C classes.
 */
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import { BatchNorm } from '../layers/batch-norm.js';
import { DenseLinear } from '../layers/dense-linear.js';
import { initialiseLayer } from '../layers/init.js';
import type { Layer, NamedArray, Param } from '../layers/layer.js';
import { PathLinear } from '../layers/path-linear.js';
import { Relu } from '../layers/relu.js';
import { buildTopology, type Topology } from '../topology/build-topology.js';
import { pathLayerCount, topologySpecOf, validateModelSpec, type ModelSpec } from './model-spec.js';

export class Model {
  readonly layers: readonly Layer[];
  readonly topology: Topology | null;

  constructor(readonly spec: ModelSpec, readonly kernels: Kernels, readonly precision: Precision = 'f32') {
    validateModelSpec(spec);
    const tspec = topologySpecOf(spec);
    this.topology = tspec === null ? null : buildTopology(tspec);
    const layers: Layer[] = [];
    const linearCount = spec.widths.length - 1;
    const paths = pathLayerCount(spec);
    for (let l = 0; l < linearCount; l++) {
      const I = spec.widths[l], O = spec.widths[l + 1];
      const linear = l < paths && this.topology
        ? new PathLinear(kernels, this.topology.layers[l], precision)
        : new DenseLinear(kernels, I, O, precision);
      initialiseLayer(linear, spec.init, l);
      // The first layer's input is data: no gradient to propagate, which saves a whole pass.
      if (l === 0) linear.needsInputGradient = false;
      layers.push(linear);
      if (l < linearCount - 1) {
        if (spec.batchNorm) layers.push(new BatchNorm(kernels, O, precision));
        layers.push(new Relu(kernels, O));
      }
    }
    this.layers = layers;
  }

  get inputs(): number { return this.spec.widths[0]; }
  get classes(): number { return this.spec.widths[this.spec.widths.length - 1]; }

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

  /** Every array saved in a model file, in a fixed order: parameters then state. */
  namedArrays(): NamedArray[] {
    const out: NamedArray[] = [];
    this.layers.forEach((layer, i) => {
      for (const p of layer.params()) out.push({ name: `${i}.${layer.kind}.${p.name}`, value: p.value });
      for (const s of layer.state()) out.push({ name: `${i}.${layer.kind}.${s.name}`, value: s.value });
    });
    return out;
  }

  /** Trainable weights (edges and biases and normalisation parameters). */
  get parameterCount(): number {
    return this.layers.reduce((n, layer) => n + layer.params().reduce((m, p) => m + p.value.length, 0), 0);
  }

  /** Multiply-adds per sample of one forward pass. */
  get macsPerSample(): number {
    return this.layers.reduce((n, layer) => n + layer.macsPerSample, 0);
  }
}
