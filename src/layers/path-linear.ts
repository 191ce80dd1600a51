/**
 * A path-sparse linear layer: y[t] = bias[t] + sum over edges e into t of W[e] * x[src(e)],
 * with the edges of a path topology in gather form (CSR by target). Weights W[E] are stored in
 * gather order, so the weights of each target are contiguous.
 *
 * Shape legend: B batch, I inputs, O outputs, E edges.
 */
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels, SparseIndex } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param, ReluFusion } from './layer.js';
import { checkGradient, checkInput, createParam } from './layer.js';
import { checkSparseIndex } from './check-sparse-index.js';
import { Scratch } from './scratch.js';

/** A path-sparse linear layer: each target sums the weighted inputs of its path edges, weights stored contiguously per target. */
export class PathLinear implements Layer {
  readonly kind = 'path';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample: number;
  needsInputGradient = true;
  /** The ReLUs fused into this layer's kernels (model/fuse-relu.ts); none by default. */
  readonly fusion: ReluFusion = { output: false, input: false };
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
    this.kernels.sparseForward(this.y, x, this.weight.value, this.bias?.value ?? null, this.index, B, this.fusion.output);
    return this.y;
  }

  // dy[O,B] -> dx[I,B]; dW[E], db[O]
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'path layer');
    const x = this.x as Floats;
    const db = this.bias?.grad ?? null; // summed by the weight-gradient kernel, as it reads dy
    const dx = this.dxBuffer.view(this.precision, this.needsInputGradient ? this.inputs * B : 0);
    if (this.needsInputGradient) {
      this.kernels.sparseBackward(dx, this.weight.grad, dy, x, this.weight.value, this.index, B, this.fusion.input ? x : null, db);
    } else {
      this.kernels.sparseBackwardWeight(this.weight.grad, dy, x, this.index, B, db);
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
