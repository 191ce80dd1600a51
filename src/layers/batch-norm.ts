/**
 * Batch normalisation per unit over the batch. Training forward normalises with the batch
 * statistics and updates the running statistics,
 *   runningMean = (1 - momentum) * runningMean + momentum * mean,
 *   runningVar  = (1 - momentum) * runningVar  + momentum * var * B / (B - 1)   (unbiased; B > 1),
 * (the PyTorch convention); inference forward uses the running statistics. gamma starts at 1,
 * beta at 0, the running mean at 0 and the running variance at 1.
 *
 * Over channels: with `spatial` = N > 1 the U units are the channels of images x[U][N][B]
 * (N = H·W positions, conv-shape.ts), and each channel is normalised over all of its N·B values
 * with one gamma and beta, as PyTorch's BatchNorm2d does. With the batch innermost those N·B
 * values are one contiguous run, so the kernels are the per-unit ones called with U and N·B in
 * place of B, and the unbiased variance above uses N·B for B. With N = 1 this is the per-unit
 * layer it always was, to the bit.
 *
 * Shape legend: B batch, U units (channels), N positions per unit.
 */
import { check, checkInt, checkNumber } from '../core/errors.js';
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput, createParam } from './layer.js';
import { Scratch } from './scratch.js';

/** Batch normalisation per unit (or per channel of an image) over the batch, with running statistics for evaluation. */
export class BatchNorm implements Layer {
  readonly kind = 'batchnorm';
  /** U·N */
  readonly inputs: number;
  /** U·N */
  readonly outputs: number;
  /** U: the normalised units (channels), each with its own gamma, beta and statistics. */
  readonly units: number;
  /** One scale-and-shift per value, U·N (in inference the statistics fold into it). */
  readonly macsPerSample: number;
  needsInputGradient = true;
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: NamedArray;
  readonly runningVar: NamedArray;
  private batch = 0;
  private trained = false;
  private y: Floats;
  private xhat: Floats;
  private readonly yBuffer: Scratch;
  private readonly xhatBuffer: Scratch;
  private readonly dxBuffer: Scratch;
  private readonly mean: Floats;
  private readonly invStd: Floats;

  constructor(
    private readonly kernels: Kernels,
    U: number,
    readonly precision: Precision,
    readonly spatial = 1,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    this.units = checkInt(U, 'batch-norm units', 1);
    checkInt(spatial, 'batch-norm positions per unit', 1);
    this.inputs = this.outputs = this.macsPerSample = U * spatial;
    checkNumber(momentum, 'batch-norm momentum', 0, 1);
    check(Number.isFinite(eps) && eps > 0, () => `batch-norm eps must be a positive number, got ${eps}`);
    this.gamma = createParam(kernels, 'gamma', precision, U, false);
    this.gamma.value.fill(1);
    this.beta = createParam(kernels, 'beta', precision, U, false);
    this.runningMean = { name: 'runningMean', value: kernels.alloc(precision, U) };
    this.runningVar = { name: 'runningVar', value: kernels.alloc(precision, U).fill(1) };
    this.mean = kernels.alloc(precision, U);
    this.invStd = kernels.alloc(precision, U);
    this.yBuffer = new Scratch(kernels);
    this.xhatBuffer = new Scratch(kernels);
    this.dxBuffer = new Scratch(kernels);
    this.y = this.xhat = this.yBuffer.view(precision, 0);
  }

  // x[U,N,B] -> y[U,N,B]; training: batch statistics over N·B values per unit (kept for backward)
  // and running-statistics update
  forward(x: Floats, B: number, training: boolean): Floats {
    const U = this.units;
    checkInput(x, this.inputs, B, 'batch norm');
    this.batch = B;
    const n = this.spatial * B;
    this.y = this.yBuffer.view(this.precision, U * n);
    this.xhat = this.xhatBuffer.view(this.precision, U * n);
    this.trained = training;
    const rm = this.runningMean.value;
    const rv = this.runningVar.value;
    if (!training) {
      this.kernels.batchNormInference(this.y, x, rm, rv, this.gamma.value, this.beta.value, this.eps, U, n);
      return this.y;
    }
    const { mean, invStd, momentum: m, eps } = this;
    this.kernels.batchNormForward(this.y, this.xhat, mean, invStd, x, this.gamma.value, this.beta.value, eps, U, n);
    this.kernels.batchNormRunningStats(rm, rv, mean, invStd, m, eps, n > 1 ? n / (n - 1) : 1, U);
    return this.y;
  }

  // dy[U,N,B] -> dx[U,N,B]; dGamma[U], dBeta[U]. Only after a training forward.
  backward(dy: Floats): Floats {
    const { units: U, batch: B } = this;
    checkGradient(dy, this.outputs, B, 'batch norm');
    check(this.trained, () => 'batch norm: backward needs a training-mode forward, got an inference-mode one');
    const n = this.spatial * B;
    const dx = this.dxBuffer.view(this.precision, U * n);
    this.kernels.batchNormBackward(dx, this.gamma.grad, this.beta.grad, dy, this.xhat, this.invStd,
      this.gamma.value, U, n);
    return this.needsInputGradient ? dx : dx.subarray(0, 0);
  }

  params(): readonly Param[] {
    return [this.gamma, this.beta];
  }

  state(): readonly NamedArray[] {
    return [this.runningMean, this.runningVar];
  }
}
