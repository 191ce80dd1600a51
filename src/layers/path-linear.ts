/**
 * A path-sparse linear layer: y[t] = bias[t] + sum over edges e into t of W[e] * x[src(e)],
 * with the edges of a path topology in gather form (CSR by target). Weights W[E] are stored in
 * gather order, so the weights of each target are contiguous.
 *
 * Shape legend: B batch, I inputs, O outputs, E edges.
 */
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels, SparseIndex } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput, createParam } from './layer.js';
import { checkSparseIndex } from './check-sparse-index.js';
import { Scratch } from './scratch.js';

/**
 * Batches below this run the small-batch kernels (Kernels.sparse*SmallBatch). Below 4 samples the
 * batch cannot fill a 128-bit vector, and the regular kernels fall back to one scalar multiply-add
 * chain per sample; the wasm backend runs the small-batch kernels with lanes over a unit's edges
 * instead. From 4 to 15 samples they are the regular forward and the two separate backward kernels:
 * when they came, those beat the one-pass fused backward the layer ran then by 1.4-2.3× per step at
 * B = 4, 8, 12 (npm run bench:batch); the fused backward has since gone at every batch size (it
 * also lost at B = 64 and 128, see assembly/sparse-kernels.ts), so from 4 samples on both paths
 * run the same kernels.
 */
export const SMALL_BATCH_LIMIT = 16;

export class PathLinear implements Layer {
  readonly kind = 'path';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample: number;
  needsInputGradient = true;
  /** W[E], gather order. Zero until initialised (see init.ts). */
  readonly weight: Param;
  /** bias[O], or null without bias. */
  readonly bias: Param | null;
  private batch = 0;
  private y: Floats;
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;
  private x: Floats | null = null;

  constructor(
    private readonly kernels: Kernels,
    readonly index: SparseIndex,
    readonly precision: Precision,
    bias = true,
  ) {
    const { inputs: I, outputs: O } = index;
    const E = checkSparseIndex(index, 'path layer');
    this.inputs = I;
    this.outputs = O;
    this.macsPerSample = E;
    this.weight = createParam(kernels, 'weight', precision, E, true);
    this.bias = bias ? createParam(kernels, 'bias', precision, O, false) : null;
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
    this.y = this.yBuffer.view(precision, 0);
  }

  /** CSR offsets by target [O+1], for the initialisers. */
  get targetOffsets(): Int32Array {
    return this.index.targetOffsets;
  }

  // x[I,B] -> y[O,B]
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'path layer');
    this.batch = B;
    this.y = this.yBuffer.view(this.precision, this.outputs * B);
    this.x = x;
    const bias = this.bias?.value ?? null;
    if (B < SMALL_BATCH_LIMIT) this.kernels.sparseForwardSmallBatch(this.y, x, this.weight.value, bias, this.index, B);
    else this.kernels.sparseForward(this.y, x, this.weight.value, bias, this.index, B);
    return this.y;
  }

  // dy[O,B] -> dx[I,B]; dW[E], db[O]
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'path layer');
    const x = this.x as Floats;
    if (this.bias) this.kernels.biasBackward(this.bias.grad, dy, this.outputs, B);
    const dx = this.dxBuffer.view(this.precision, this.needsInputGradient ? this.inputs * B : 0);
    const [W, dW] = [this.weight.value, this.weight.grad];
    if (B < SMALL_BATCH_LIMIT) {
      if (this.needsInputGradient) this.kernels.sparseBackwardInputSmallBatch(dx, dy, W, this.index, B);
      this.kernels.sparseBackwardWeightSmallBatch(dW, dy, x, this.index, B);
    } else if (this.needsInputGradient) {
      this.kernels.sparseBackward(dx, dW, dy, x, W, this.index, B);
    } else {
      this.kernels.sparseBackwardWeight(dW, dy, x, this.index, B);
    }
    return dx;
  }

  params(): readonly Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
