/**
 * The layer contract. A layer maps activations x[I,B] to y[O,B] (unit-major, batch innermost:
 * element (u, b) at u * B + b), keeps what its backward pass needs, and owns its output and
 * gradient buffers: they are reallocated only when the batch size changes.
 *
 * Shape legend: B batch, I inputs, O outputs, N length.
 */
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import { check, checkInt } from '../core/errors.js';

/** A trained array and its gradient. */
export interface Param {
  readonly name: string;
  readonly value: Floats;
  readonly grad: Floats;
  /** 1 or -1: clamp to that sign after every optimiser step; 0: free */
  signConstraint: 0 | 1 | -1;
  /** false for biases/BN params: no weight decay */
  readonly decay: boolean;
}

/**
 * Which ReLUs a linear layer runs inside its kernels (model/fuse-relu.ts). `output`: the ReLU right
 * after the layer; its forward applies max(·, 0) to y as it writes it. `input`: the ReLU right before
 * it, whose output is this layer's input x; its backward masks dx by x > 0. The ReLU layer itself
 * then passes values through (layers/relu.ts). Either way the bits are those of the separate ReLU.
 */
export interface ReluFusion {
  output: boolean;
  input: boolean;
}

/** A named array saved with the model but not trained. */
export interface NamedArray {
  readonly name: string;
  readonly value: Floats;
}

/** The name of a layer's kind, as it appears in model-file array names (`0.path.weight`). */
export type LayerKind = 'path' | 'dense' | 'relu' | 'batchnorm'
  | 'path-conv' | 'conv' | 'maxpool' | 'avgpool' | 'global-avgpool' | 'flatten' | 'residual';

/** The layer contract: forward and backward over activations [units][batch], parameters and state, buffers owned by the layer. */
export interface Layer {
  readonly kind: LayerKind;
  readonly inputs: number;
  readonly outputs: number;
  /** multiply-adds per sample in forward */
  readonly macsPerSample: number;
  /**
   * false: backward may skip dx (e.g. the first layer, whose input is data) and returns an empty
   * array; parameter gradients are still written. Default true.
   */
  needsInputGradient: boolean;
  /** x[I,B] -> y[O,B]. The returned array belongs to the layer and stays valid until the next forward. Keeps what backward needs. */
  forward(x: Floats, B: number, training: boolean): Floats;
  /** dy[O,B] -> dx[I,B]. Overwrites the grads of params(). The returned array belongs to the layer. */
  backward(dy: Floats): Floats;
  params(): readonly Param[];
  /** Non-trained state saved with the model (batch-norm running statistics). */
  state(): readonly NamedArray[];
}

/** A zeroed parameter of `n` elements with a zeroed gradient and no sign constraint, in the kernels' memory. */
export function createParam(kernels: Kernels, name: string, precision: Precision, n: number, decay: boolean): Param {
  return { name, value: kernels.alloc(precision, n), grad: kernels.alloc(precision, n), signConstraint: 0, decay };
}

/** Validates a forward input at the public edge: B a positive integer and x exactly [units, B]. */
export function checkInput(x: Floats, units: number, B: number, layer: string): void {
  checkInt(B, `${layer}: batch size`, 1);
  check(x.length === units * B, () =>
    `${layer}: input must hold ${units} units × ${B} samples = ${units * B} values, got ${x.length}`);
}

/** Validates a backward input: a forward must have run, and dy must be exactly [units, B]. */
export function checkGradient(dy: Floats, units: number, B: number, layer: string): void {
  check(B > 0, () => `${layer}: backward called before forward`);
  check(dy.length === units * B, () =>
    `${layer}: output gradient must hold ${units} units × ${B} samples = ${units * B} values, got ${dy.length}`);
}
