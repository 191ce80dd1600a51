/**
 * A dense 2-D convolution: every output channel sees every input channel,
 *   y[o] = bias[o] + sum over c of conv(x[c], W[o][c]),
 * with zero padding p and stride s (conv-shape.ts). Weights W[Co][Ci][k][k] (PyTorch's order),
 * which is also the gather order of the dense layer over channels (edge o·Ci + c), so the
 * initialisers treat it like a path convolution with every edge (`denseTargetOffsets(Ci, Co)`).
 * The baseline that path convolutions are measured against. Activations are x[Ci][H][W][B] and
 * y[Co][Ho][Wo][B] (batch innermost).
 *
 * Shape legend: B batch, Ci/Co channels, H×W input, Ho×Wo output, k kernel.
 */
import type { Floats, Precision } from '../core/floats.js';
import type { ConvShape } from '../kernels/conv-shape.js';
import type { Kernels } from '../kernels/kernels.js';
import { checkConvShape } from './check-shape.js';
import { denseTargetOffsets } from './dense-target-offsets.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput, createParam } from './layer.js';
import { Scratch } from './scratch.js';

/** A dense 2-D convolution: every output channel reads every input channel through a k×k kernel. */
export class Conv2d implements Layer {
  readonly kind = 'conv';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample: number;
  needsInputGradient = true;
  /** W[Co,Ci,k,k]. Zero until initialised (see init.ts). */
  readonly weight: Param;
  /** bias[Co], or null without bias. */
  readonly bias: Param | null;
  /** Weights per (output, input) channel pair, k² (for the initialisers). */
  readonly taps: number;
  private batch = 0;
  private y: Floats;
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;
  private x: Floats | null = null;
  private offsets: Int32Array | null = null;

  constructor(
    private readonly kernels: Kernels,
    readonly shape: ConvShape,
    readonly precision: Precision,
    bias = true,
  ) {
    checkConvShape(shape, 'convolution');
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    this.inputs = Ci * H * W;
    this.outputs = Co * Ho * Wo;
    this.taps = k * k;
    this.macsPerSample = Co * Ci * this.taps * Ho * Wo;
    this.weight = createParam(kernels, 'weight', precision, Co * Ci * this.taps, true);
    this.bias = bias ? createParam(kernels, 'bias', precision, Co, false) : null;
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
    this.y = this.yBuffer.view(precision, 0);
  }

  /** The implicit CSR offsets by output channel [Co+1] (o·Ci), for the initialisers. */
  get targetOffsets(): Int32Array {
    this.offsets ??= denseTargetOffsets(this.shape.inChannels, this.shape.outChannels);
    return this.offsets;
  }

  // x[Ci,H,W,B] -> y[Co,Ho,Wo,B]
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'convolution');
    this.batch = B;
    this.y = this.yBuffer.view(this.precision, this.outputs * B);
    this.x = x;
    this.kernels.convForward(this.y, x, this.weight.value, this.bias?.value ?? null, this.shape, B);
    return this.y;
  }

  // dy[Co,Ho,Wo,B] -> dx[Ci,H,W,B]; dW[Co,Ci,k,k], db[Co] (a bias sums over Ho·Wo·B values)
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'convolution');
    const shape = this.shape;
    this.kernels.convBackwardWeight(this.weight.grad, dy, this.x as Floats, shape, B);
    if (this.bias) this.kernels.biasBackward(this.bias.grad, dy, shape.outChannels, shape.outHeight * shape.outWidth * B);
    const dx = this.dxBuffer.view(this.precision, this.needsInputGradient ? this.inputs * B : 0);
    if (this.needsInputGradient) this.kernels.convBackwardInput(dx, dy, this.weight.value, shape, B);
    return dx;
  }

  params(): readonly Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
