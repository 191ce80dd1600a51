/**
 * Rectified linear unit, y = max(x, 0), elementwise over U units and B samples.
 *
 * Shape legend: B batch, U units.
 */
import { checkInt } from '../core/errors.js';
import type { Floats } from '../core/floats.js';
import { precisionOf } from '../core/floats.js';
import { Scratch } from './scratch.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput } from './layer.js';

/** max(0, x), elementwise. */
export class Relu implements Layer {
  readonly kind = 'relu';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample = 0;
  needsInputGradient = true;
  /**
   * Set by model/fuse-relu.ts. `forward`: the layer before has applied this ReLU as it wrote its
   * output, so forward returns its input as it is. `backward`: the layer after has masked its input
   * gradient, so backward returns dy as it is.
   */
  readonly fused = { forward: false, backward: false };
  private batch = 0;
  private y: Floats = new Float32Array(0);
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;

  constructor(private readonly kernels: Kernels, U: number) {
    this.inputs = this.outputs = checkInt(U, 'relu units', 1);
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
  }

  // x[U,B] -> y[U,B]; the output has the precision of x
  forward(x: Floats, B: number, _training: boolean): Floats {
    const N = this.outputs * B;
    checkInput(x, this.inputs, B, 'relu');
    this.batch = B;
    if (this.fused.forward) {
      this.y = x;
      return x;
    }
    this.y = this.yBuffer.view(precisionOf(x), N);
    this.kernels.reluForward(this.y, x, N);
    return this.y;
  }

  // dy[U,B] -> dx[U,B]
  backward(dy: Floats): Floats {
    const N = this.outputs * this.batch;
    checkGradient(dy, this.outputs, this.batch, 'relu');
    if (this.fused.backward) return dy;
    const dx = this.dxBuffer.view(precisionOf(dy), this.needsInputGradient ? N : 0);
    if (this.needsInputGradient) this.kernels.reluBackward(dx, dy, this.y, N);
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
