/**
 * Global average pooling: every channel's mean over its N = H·W positions, the usual bridge from
 * the last convolution to the classifier. x[C][N][B] -> y[C][B]; the output is already the
 * [units, B] layout a linear layer reads, so no flatten is needed after it.
 *
 * Shape legend: B batch, C channels, N positions per channel.
 */
import { checkInt } from '../core/errors.js';
import type { Floats } from '../core/floats.js';
import { precisionOf } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput } from './layer.js';
import { Scratch } from './scratch.js';

/** The mean of every channel over its H×W positions: x[C][H][W][B] -> [C][B]. */
export class GlobalAvgPool implements Layer {
  readonly kind = 'global-avgpool';
  readonly inputs: number;
  readonly outputs: number;
  /** One (constant-weight) multiply-add per input value: C·N. */
  readonly macsPerSample: number;
  needsInputGradient = true;
  private batch = 0;
  private y: Floats = new Float32Array(0);
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;

  constructor(private readonly kernels: Kernels, readonly channels: number, readonly positions: number) {
    checkInt(channels, 'global average pool channels', 1);
    checkInt(positions, 'global average pool positions per channel', 1);
    this.inputs = this.macsPerSample = channels * positions;
    this.outputs = channels;
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
  }

  // x[C,N,B] -> y[C,B]; the output has the precision of x
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'global average pool');
    this.batch = B;
    this.y = this.yBuffer.view(precisionOf(x), this.outputs * B);
    this.kernels.globalAvgPoolForward(this.y, x, this.channels, this.positions, B);
    return this.y;
  }

  // dy[C,B] -> dx[C,N,B]
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'global average pool');
    const dx = this.dxBuffer.view(precisionOf(dy), this.needsInputGradient ? this.inputs * B : 0);
    if (this.needsInputGradient) this.kernels.globalAvgPoolBackward(dx, dy, this.channels, this.positions, B);
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
