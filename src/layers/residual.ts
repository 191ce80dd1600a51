/**
 * A residual block: y = body(x) + shortcut(x), each branch a chain of layers run in order; an
 * empty shortcut is the identity (y = body(x) + x). Backward runs both chains backwards from the
 * same dy and adds their input gradients with kernels.add (the fork where x met both branches).
 *
 * The sub-layers stay what they are: params() and state() return their own Param and NamedArray
 * objects (body first, then shortcut), neither renamed nor wrapped, so the optimiser's sign
 * constraint lands on them and a model file walks `body` and `shortcut` to name them.
 *
 * needsInputGradient is passed on to the first layer of each branch, so a block that reads the
 * data skips the input gradient of both branches while every parameter gradient is still written.
 *
 * Shape legend: B batch, I inputs, O outputs.
 */
import { check } from '../core/errors.js';
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput } from './layer.js';
import { Scratch } from './scratch.js';

/** Throws unless `layers` chain from `inputs` units (each layer reads what the one before writes); returns the output units. */
function chainOutputs(layers: readonly Layer[], inputs: number, branch: string): number {
  let units = inputs;
  layers.forEach((layer, i) => {
    check(layer.inputs === units, () =>
      `residual ${branch}: layer ${i} (${layer.kind}) reads ${layer.inputs} units, but its input has ${units}`);
    units = layer.outputs;
  });
  return units;
}

/** A residual block y = body(x) + shortcut(x); an empty shortcut is the identity. */
export class Residual implements Layer {
  readonly kind = 'residual';
  readonly inputs: number;
  readonly outputs: number;
  /** The multiply-adds of both branches (the sum itself is not counted). */
  readonly macsPerSample: number;
  private inputGradient = true;
  private batch = 0;
  private readonly yBuffer: Scratch;
  private readonly dxBuffer: Scratch;

  constructor(
    private readonly kernels: Kernels,
    readonly body: readonly Layer[],
    readonly shortcut: readonly Layer[],
    readonly precision: Precision,
  ) {
    check(body.length > 0, () => 'residual block: the body needs at least one layer');
    this.inputs = body[0].inputs;
    this.outputs = chainOutputs(body, this.inputs, 'body');
    const shortcutOutputs = chainOutputs(shortcut, this.inputs, 'shortcut');
    check(shortcutOutputs === this.outputs, () =>
      `residual block: the body writes ${this.outputs} units but the ${shortcut.length === 0 ? 'identity ' : ''}shortcut writes ${shortcutOutputs}`);
    this.macsPerSample = [...body, ...shortcut].reduce((n, layer) => n + layer.macsPerSample, 0);
    this.yBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
    this.needsInputGradient = true; // the block owns its branches' first flags from here on
  }

  get needsInputGradient(): boolean {
    return this.inputGradient;
  }

  set needsInputGradient(value: boolean) {
    this.inputGradient = value;
    this.body[0].needsInputGradient = value;
    if (this.shortcut.length > 0) this.shortcut[0].needsInputGradient = value;
  }

  // x[I,B] -> y[O,B] = body(x) + shortcut(x)
  forward(x: Floats, B: number, training: boolean): Floats {
    checkInput(x, this.inputs, B, 'residual block');
    this.batch = B;
    let h = x;
    for (const layer of this.body) h = layer.forward(h, B, training);
    let s = x;
    for (const layer of this.shortcut) s = layer.forward(s, B, training);
    const N = this.outputs * B;
    const y = this.yBuffer.view(this.precision, N);
    this.kernels.add(y, h, s, N);
    return y;
  }

  // dy[O,B] -> dx[I,B] = dBody + dShortcut; every sub-layer's parameter gradients
  backward(dy: Floats): Floats {
    const B = this.batch;
    checkGradient(dy, this.outputs, B, 'residual block');
    let g = dy;
    for (let i = this.body.length - 1; i >= 0; i--) g = this.body[i].backward(g);
    let gs = dy;
    for (let i = this.shortcut.length - 1; i >= 0; i--) gs = this.shortcut[i].backward(gs);
    const N = this.inputGradient ? this.inputs * B : 0;
    const dx = this.dxBuffer.view(this.precision, N);
    if (this.inputGradient) this.kernels.add(dx, g, gs, N);
    return dx;
  }

  params(): readonly Param[] {
    return [...this.body, ...this.shortcut].flatMap((layer) => layer.params());
  }

  state(): readonly NamedArray[] {
    return [...this.body, ...this.shortcut].flatMap((layer) => layer.state());
  }
}
