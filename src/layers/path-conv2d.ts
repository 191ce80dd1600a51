/**
 * A path-sparse 2-D convolution: a path layer over channels whose edges are k×k kernels,
 *   y[t] = bias[t] + sum over edges e into t of conv(x[src(e)], W[e]),
 * with zero padding p and stride s (conv-shape.ts). The index is a topology layer with
 * I = Ci, O = Co in gather form, exactly as for PathLinear; the weights W[E][k][k] are edge-major
 * in gather order with the taps of an edge contiguous (row-major), so the weights of one output
 * channel are one contiguous block and the initialisers see an edge as k² consecutive weights.
 * Activations are x[Ci][H][W][B] and y[Co][Ho][Wo][B] (batch innermost), i.e. [units, B] with
 * units Ci·H·W and Co·Ho·Wo, which is what the Layer contract passes around.
 *
 * Shape legend: B batch, Ci/Co channels, H×W input, Ho×Wo output, k kernel, E edges.
 */
import { check } from '../core/errors.js';
import type { Floats, Precision } from '../core/floats.js';
import type { ConvShape } from '../kernels/conv-shape.js';
import type { Kernels, SparseIndex } from '../kernels/kernels.js';
import { checkConvShape } from './check-shape.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput, createParam } from './layer.js';
import { checkSparseIndex } from './check-sparse-index.js';
import { Scratch } from './scratch.js';

/** A path-sparse 2-D convolution: a path layer over channels whose edges are k×k kernels. */
export class PathConv2d implements Layer {
  readonly kind = 'path-conv';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample: number;
  needsInputGradient = true;
  /** W[E,k,k], gather order. Zero until initialised (see init.ts). */
  readonly weight: Param;
  /** bias[Co], or null without bias. */
  readonly bias: Param | null;
  /** Weights per edge, k² (for the initialisers). */
  readonly taps: number;
  private batch = 0;
  private y: Floats;
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;
  private x: Floats | null = null;

  constructor(
    private readonly kernels: Kernels,
    readonly index: SparseIndex,
    readonly shape: ConvShape,
    readonly precision: Precision,
    bias = true,
  ) {
    checkConvShape(shape, 'path convolution');
    const { inputs: I, outputs: O } = index;
    const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, kernel: k } = shape;
    check(I === Ci && O === Co, () =>
      `path convolution: the index connects ${I} -> ${O} channels, but the shape is ${Ci} -> ${Co}`);
    const E = checkSparseIndex(index, 'path convolution');
    this.inputs = Ci * H * W;
    this.outputs = Co * Ho * Wo;
    this.taps = k * k;
    this.macsPerSample = E * this.taps * Ho * Wo;
    this.weight = createParam(kernels, 'weight', precision, E * this.taps, true);
    this.bias = bias ? createParam(kernels, 'bias', precision, Co, false) : null;
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
    this.y = this.yBuffer.view(precision, 0);
  }

  /** CSR offsets by target channel [Co+1], for the initialisers (an edge is `taps` weights). */
  get targetOffsets(): Int32Array {
    return this.index.targetOffsets;
  }

  // x[Ci,H,W,B] -> y[Co,Ho,Wo,B]
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'path convolution');
    this.batch = B;
    this.y = this.yBuffer.view(this.precision, this.outputs * B);
    this.x = x;
    this.kernels.pathConvForward(this.y, x, this.weight.value, this.bias?.value ?? null, this.index, this.shape, B);
    return this.y;
  }

  // dy[Co,Ho,Wo,B] -> dx[Ci,H,W,B]; dW[E,k,k], db[Co] (a bias sums over Ho·Wo·B values)
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'path convolution');
    const { shape, index } = this;
    const x = this.x as Floats;
    this.kernels.pathConvBackwardWeight(this.weight.grad, dy, x, index, shape, B);
    if (this.bias) this.kernels.biasBackward(this.bias.grad, dy, shape.outChannels, shape.outHeight * shape.outWidth * B);
    const dx = this.dxBuffer.view(this.precision, this.needsInputGradient ? this.inputs * B : 0);
    if (this.needsInputGradient) this.kernels.pathConvBackwardInput(dx, dy, this.weight.value, index, shape, B);
    return dx;
  }

  params(): readonly Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
