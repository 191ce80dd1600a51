/**
 * The training loss: mean softmax cross-entropy over the batch, with its gradient.
 *
 * Shape legend: B batch, C classes.
 */
import { check, checkInt } from '../core/errors.js';
import type { Floats } from '../core/floats.js';
import { precisionOf } from '../core/floats.js';
import { Scratch } from './scratch.js';
import type { Kernels } from '../kernels/kernels.js';

/** The mean loss of a batch and the gradient of the logits. */
export interface LossAndGradient {
  /** Mean loss over the batch. */
  readonly loss: number;
  /** dLoss/dLogits [C,B]; belongs to the helper and stays valid until its next call. */
  readonly dLogits: Floats;
}

/** Softmax cross-entropy of logits [C][B] against labels: the loss and the logits' gradient in one pass. */
export class SoftmaxCrossEntropy {
  private readonly buffer: Scratch;

  constructor(private readonly kernels: Kernels) {
    this.buffer = new Scratch(kernels);
  }

  // logits[C,B], labels[B] in [0, C) -> loss, dLogits[C,B] = (softmax - onehot) / B
  lossAndGradient(logits: Floats, labels: Uint8Array | Int32Array, C: number, B: number): LossAndGradient {
    checkInt(C, 'classes', 2);
    checkInt(B, 'batch size', 1);
    check(logits.length === C * B, () => `logits must hold ${C} classes × ${B} samples = ${C * B} values, got ${logits.length}`);
    check(labels.length === B, () => `labels must hold ${B} values (one per sample), got ${labels.length}`);
    let bad = -1;
    for (let b = 0; b < B && bad < 0; b++) if (!(labels[b] >= 0 && labels[b] < C)) bad = b;
    check(bad < 0, () => `label of sample ${bad} must be in [0, ${C - 1}], got ${labels[bad]}`);
    const dLogits = this.buffer.view(precisionOf(logits), C * B);
    const loss = this.kernels.softmaxCrossEntropy(dLogits, logits, labels, C, B);
    return { loss, dLogits };
  }
}
