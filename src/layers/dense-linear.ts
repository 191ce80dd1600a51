/**
 * A dense linear layer: y = bias + W x with W row-major [O][I] (W[o * I + i]). The baseline
 * that path layers are measured against, and what a path layer holding every edge equals.
 *
 * Shape legend: B batch, I inputs, O outputs.
 */
import { checkInt } from '../core/errors.js';
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param, ReluFusion } from './layer.js';
import { checkGradient, checkInput, createParam } from './layer.js';
import { Scratch } from './scratch.js';
import { denseTargetOffsets } from './dense-target-offsets.js';

/** A dense linear layer y = W x + b, W[O][I]; the counterpart of PathLinear with every edge present. */
export class DenseLinear implements Layer {
  readonly kind = 'dense';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample: number;
  needsInputGradient = true;
  /** The ReLUs fused into this layer's kernels (model/fuse-relu.ts); none by default. */
  readonly fusion: ReluFusion = { output: false, input: false };
  /** W[O,I], row-major. Zero until initialised (see init.ts). */
  readonly weight: Param;
  /** bias[O], or null without bias. */
  readonly bias: Param | null;
  private batch = 0;
  private y: Floats;
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;
  private x: Floats | null = null;
  private offsets: Int32Array | null = null;

  constructor(
    private readonly kernels: Kernels,
    I: number,
    O: number,
    readonly precision: Precision,
    bias = true,
  ) {
    this.inputs = checkInt(I, 'dense layer inputs', 1);
    this.outputs = checkInt(O, 'dense layer outputs', 1);
    this.macsPerSample = I * O;
    this.weight = createParam(kernels, 'weight', precision, I * O, true);
    this.bias = bias ? createParam(kernels, 'bias', precision, O, false) : null;
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
    this.y = this.yBuffer.view(precision, 0);
  }

  /** The implicit CSR offsets by target [O+1] (o * I), for the initialisers. */
  get targetOffsets(): Int32Array {
    this.offsets ??= denseTargetOffsets(this.inputs, this.outputs);
    return this.offsets;
  }

  // x[I,B] -> y[O,B]
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'dense layer');
    this.batch = B;
    this.y = this.yBuffer.view(this.precision, this.outputs * B);
    this.x = x;
    this.kernels.denseForward(this.y, x, this.weight.value, this.bias?.value ?? null, this.inputs, this.outputs, B, this.fusion.output);
    return this.y;
  }

  // dy[O,B] -> dx[I,B]; dW[O,I], db[O]
  backward(dy: Floats): Floats {
    const { inputs: I, outputs: O, batch: B } = this;
    checkGradient(dy, O, B, 'dense layer');
    this.kernels.denseBackwardWeight(this.weight.grad, dy, this.x as Floats, I, O, B);
    if (this.bias) this.kernels.biasBackward(this.bias.grad, dy, O, B);
    const dx = this.dxBuffer.view(this.precision, this.needsInputGradient ? I * B : 0);
    if (this.needsInputGradient) this.kernels.denseBackwardInput(dx, dy, this.weight.value, I, O, B, this.fusion.input ? this.x as Floats : null);
    return dx;
  }

  params(): readonly Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
