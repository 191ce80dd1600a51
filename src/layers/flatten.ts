/**
 * Flatten: images x[C][H][W][B] to units x[C·H·W][B]. With the batch innermost (conv-shape.ts)
 * both are the same array, element (c, h, w, b) at ((c·H + h)·W + w)·B + b = u·B + b with
 * u = (c·H + h)·W + w, so this layer is the identity: forward returns its input array itself and
 * backward its output gradient itself, no copy and no kernel. It exists so that a model spec
 * says where images end, and so that sizes are checked there.
 *
 * Shape legend: B batch, U units (C·H·W).
 */
import { checkInt } from '../core/errors.js';
import type { Floats } from '../core/floats.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput } from './layer.js';

/** Turns an image batch x[C][H][W][B] into vectors [C·H·W][B]; free, as the layout already is. */
export class Flatten implements Layer {
  readonly kind = 'flatten';
  readonly inputs: number;
  readonly outputs: number;
  readonly macsPerSample = 0;
  needsInputGradient = true;
  private batch = 0;

  constructor(units: number) {
    this.inputs = this.outputs = checkInt(units, 'flatten units', 1);
  }

  // x[C,H,W,B] -> the same array as y[U,B]
  forward(x: Floats, B: number, _training: boolean): Floats {
    checkInput(x, this.inputs, B, 'flatten');
    this.batch = B;
    return x;
  }

  // dy[U,B] -> the same array as dx[C,H,W,B] (empty when no input gradient is needed)
  backward(dy: Floats): Floats {
    checkGradient(dy, this.outputs, this.batch, 'flatten');
    return this.needsInputGradient ? dy : dy.subarray(0, 0);
  }

  params(): readonly Param[] {
    return [];
  }

  state(): readonly NamedArray[] {
    return [];
  }
}
