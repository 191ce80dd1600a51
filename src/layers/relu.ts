/**
 * Rectified linear unit, y = max(x, 0), elementwise over U units and B samples.
 *
 * Shape legend: B batch, U units.
 */
import { checkInt } from '../core/errors.js';
import type { Floats } from '../core/floats.js';
import { allocFloats, precisionOf } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput } from './layer.js';

export class Relu implements Layer {
  readonly kind = 'relu';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample = 0;
  needsInputGradient = true;
  private batch = 0;
  private y: Floats = new Float32Array(0);
  private dx: Floats = new Float32Array(0);

  constructor(private readonly kernels: Kernels, U: number) {
    this.inputs = this.outputs = checkInt(U, 'relu units', 1);
  }

  // x[U,B] -> y[U,B]; the output has the precision of x
  forward(x: Floats, B: number, _training: boolean): Floats {
    const N = this.outputs * B;
    checkInput(x, this.inputs, B, 'relu');
    if (B !== this.batch || precisionOf(this.y) !== precisionOf(x)) {
      this.batch = B;
      this.y = allocFloats(precisionOf(x), N);
    }
    this.kernels.reluForward(this.y, x, N);
    return this.y;
  }

  // dy[U,B] -> dx[U,B]
  backward(dy: Floats): Floats {
    const N = this.outputs * this.batch;
    checkGradient(dy, this.outputs, this.batch, 'relu');
    if (!this.needsInputGradient) return this.dx.subarray(0, 0);
    if (this.dx.length !== N || precisionOf(this.dx) !== precisionOf(dy)) this.dx = allocFloats(precisionOf(dy), N);
    this.kernels.reluBackward(this.dx, dy, this.y, N);
    return this.dx;
  }

  params(): readonly Param[] {
    return [];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
