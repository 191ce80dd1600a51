/**
 * 2-D max pooling, per channel, over square windows without padding (conv-shape.ts: PoolShape).
 * No argmax array is kept: backward recomputes it from the input and the output it keeps a
 * reference to (the first position of each window, row-major, whose value equals the output), so
 * the layer holds only its output and gradient buffers. x[C][H][W][B] -> y[C][Ho][Wo][B].
 *
 * Shape legend: B batch, C channels, H×W input, Ho×Wo output.
 */
import type { Floats } from '../core/floats.js';
import { precisionOf } from '../core/floats.js';
import type { PoolShape } from '../kernels/conv-shape.js';
import type { Kernels } from '../kernels/kernels.js';
import { checkPoolShape } from './check-shape.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput } from './layer.js';
import { Scratch } from './scratch.js';

/** k×k max pooling of every channel of an image batch x[C][H][W][B]. */
export class MaxPool2d implements Layer {
  readonly kind = 'maxpool';
  readonly inputs: number;
  readonly outputs: number;
  /** Comparisons only. */
  readonly macsPerSample = 0;
  needsInputGradient = true;
  private batch = 0;
  private x: Floats | null = null;
  private y: Floats = new Float32Array(0);
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;

  constructor(private readonly kernels: Kernels, readonly shape: PoolShape) {
    checkPoolShape(shape, 'max pool');
    const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo } = shape;
    this.inputs = C * H * W;
    this.outputs = C * Ho * Wo;
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
  }

  // x[C,H,W,B] -> y[C,Ho,Wo,B]; the output has the precision of x
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'max pool');
    this.batch = B;
    this.x = x;
    this.y = this.yBuffer.view(precisionOf(x), this.outputs * B);
    this.kernels.maxPoolForward(this.y, x, this.shape, B);
    return this.y;
  }

  // dy[C,Ho,Wo,B] -> dx[C,H,W,B]
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'max pool');
    const dx = this.dxBuffer.view(precisionOf(dy), this.needsInputGradient ? this.inputs * B : 0);
    if (this.needsInputGradient) this.kernels.maxPoolBackward(dx, dy, this.x as Floats, this.y, this.shape, B);
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
