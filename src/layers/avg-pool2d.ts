/**
 * 2-D average pooling, per channel, over square windows without padding (conv-shape.ts:
 * PoolShape): every output is the mean of its size² inputs, and backward spreads dy / size² over
 * the window (overlapping windows add). Nothing is kept for backward but the batch size.
 * x[C][H][W][B] -> y[C][Ho][Wo][B].
 *
 * Shape legend: B batch, C channels, H×W input, Ho×Wo output, k window size.
 */
import type { Floats } from '../core/floats.js';
import { precisionOf } from '../core/floats.js';
import type { PoolShape } from '../kernels/conv-shape.js';
import type { Kernels } from '../kernels/kernels.js';
import { checkPoolShape } from './check-shape.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput } from './layer.js';
import { Scratch } from './scratch.js';

/** k×k average pooling of every channel of an image batch x[C][H][W][B]. */
export class AvgPool2d implements Layer {
  readonly kind = 'avgpool';
  readonly inputs: number;
  readonly outputs: number;
  /** One (constant-weight) multiply-add per window position of every output: C·Ho·Wo·k². */
  readonly macsPerSample: number;
  needsInputGradient = true;
  private batch = 0;
  private y: Floats = new Float32Array(0);
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;

  constructor(private readonly kernels: Kernels, readonly shape: PoolShape) {
    checkPoolShape(shape, 'average pool');
    const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, size: k } = shape;
    this.inputs = C * H * W;
    this.outputs = C * Ho * Wo;
    this.macsPerSample = this.outputs * k * k;
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
  }

  // x[C,H,W,B] -> y[C,Ho,Wo,B]; the output has the precision of x
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'average pool');
    this.batch = B;
    this.y = this.yBuffer.view(precisionOf(x), this.outputs * B);
    this.kernels.avgPoolForward(this.y, x, this.shape, B);
    return this.y;
  }

  // dy[C,Ho,Wo,B] -> dx[C,H,W,B]
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'average pool');
    const dx = this.dxBuffer.view(precisionOf(dy), this.needsInputGradient ? this.inputs * B : 0);
    if (this.needsInputGradient) this.kernels.avgPoolBackward(dx, dy, this.shape, B);
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
