/**
 * Batch normalisation per unit over the batch. Training forward normalises with the batch
 * statistics and updates the running statistics,
 *   runningMean = (1 - momentum) * runningMean + momentum * mean,
 *   runningVar  = (1 - momentum) * runningVar  + momentum * var * B / (B - 1)   (unbiased; B > 1),
 * (the PyTorch convention); inference forward uses the running statistics. gamma starts at 1,
 * beta at 0, the running mean at 0 and the running variance at 1.
 *
 * Shape legend: B batch, U units.
 */
import { check, checkInt, checkNumber } from '../core/errors.js';
import type { Floats, Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layer, NamedArray, Param } from './layer.js';
import { checkGradient, checkInput, createParam } from './layer.js';
import { Scratch } from './scratch.js';

export class BatchNorm implements Layer {
  readonly kind = 'batchnorm';
  readonly inputs: number;
  readonly outputs: number;
  /** One scale-and-shift per unit (in inference the statistics fold into it). */
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
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
    this.inputs = this.outputs = this.macsPerSample = checkInt(U, 'batch-norm units', 1);
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

  // x[U,B] -> y[U,B]; training: batch statistics (kept for backward) and running-statistics update
  forward(x: Floats, B: number, training: boolean): Floats {
    const U = this.outputs;
    checkInput(x, U, B, 'batch norm');
    this.batch = B;
    this.y = this.yBuffer.view(this.precision, U * B);
    this.xhat = this.xhatBuffer.view(this.precision, U * B);
    this.trained = training;
    const rm = this.runningMean.value;
    const rv = this.runningVar.value;
    if (!training) {
      this.kernels.batchNormInference(this.y, x, rm, rv, this.gamma.value, this.beta.value, this.eps, U, B);
      return this.y;
    }
    const { mean, invStd, momentum: m, eps } = this;
    this.kernels.batchNormForward(this.y, this.xhat, mean, invStd, x, this.gamma.value, this.beta.value, eps, U, B);
    const unbias = B > 1 ? B / (B - 1) : 1;
    for (let u = 0; u < U; u++) {
      const r = invStd[u];
      const variance = 1 / (r * r) - eps;
      rm[u] = (1 - m) * rm[u] + m * mean[u];
      rv[u] = (1 - m) * rv[u] + m * Math.max(variance, 0) * unbias;
    }
    return this.y;
  }

  // dy[U,B] -> dx[U,B]; dGamma[U], dBeta[U]. Only after a training forward.
  backward(dy: Floats): Floats {
    const { outputs: U, batch: B } = this;
    checkGradient(dy, U, B, 'batch norm');
    check(this.trained, () => 'batch norm: backward needs a training-mode forward, got an inference-mode one');
    const dx = this.dxBuffer.view(this.precision, U * B);
    this.kernels.batchNormBackward(dx, this.gamma.grad, this.beta.grad, dy, this.xhat, this.invStd,
      this.gamma.value, U, B);
    return this.needsInputGradient ? dx : dx.subarray(0, 0);
  }

  params(): readonly Param[] {
    return [this.gamma, this.beta];
  }

  state(): readonly NamedArray[] {
    return [this.runningMean, this.runningVar];
  }
}
