/**
 * Evaluation in inference mode (batch norm uses its running statistics).
 * Shape legend: B batch, C classes, D features, N samples.
 */
import type { Floats, Precision } from '../core/floats.js';
import { fillBatch } from '../data/batch.js';
import { identityOrder } from '../data/identity-order.js';
import type { Dataset } from '../data/dataset.js';
import { Scratch } from '../layers/scratch.js';
import { SoftmaxCrossEntropy } from '../layers/softmax-cross-entropy.js';
import { estimateModelMemory } from '../model/memory-estimate.js';
import type { Model } from '../model/model.js';
import type { ModelSpec } from '../model/model-spec.js';

/** Accuracy and mean loss over a data set. */
export interface Evaluation {
  readonly accuracy: number;   // fraction in [0, 1]
  readonly loss: number;       // mean cross-entropy
  readonly count: number;
}

/** Number of samples b whose largest logit in logits[C,B] is labels[b]. Ties go to the lower class. */
export function countCorrect(logits: Floats, labels: Int32Array, C: number, B: number): number {
  let correct = 0;
  for (let b = 0; b < B; b++) {
    let best = 0, bestValue = logits[b];
    for (let c = 1; c < C; c++) {
      const v = logits[c * B + b];
      if (v > bestValue) { bestValue = v; best = c; }
    }
    if (best === labels[b]) correct++;
  }
  return correct;
}

/** The largest evaluation batch (the memory estimate counts its activations). */
export const EVAL_BATCH = 1000;

/** What one evaluation batch's activations may take; a larger model evaluates in smaller batches. */
export const EVAL_ACTIVATION_BYTES = 2 ** 30;

/**
 * The evaluation batch of a model: EVAL_BATCH, or the largest multiple of 16 whose activations fit
 * EVAL_ACTIVATION_BYTES (at least 16). Every layer keeps its own output, so ResNet-20 at 1000 would
 * hold about 3.4 GB; MLPs and the cnn preset stay at 1000. A sample's outputs do not depend on the
 * batch (each batch column is computed alone), and multiples of 16 keep the SIMD lanes full.
 */
export function evalBatchOf(spec: ModelSpec, precision: Precision = 'f32'): number {
  const perSample = estimateModelMemory(spec, { batch: 0, evalBatch: 1, optimizer: 'sgd' }, precision).activations;
  const fitting = Math.floor(EVAL_ACTIVATION_BYTES / perSample / 16) * 16;
  return Math.min(EVAL_BATCH, Math.max(16, fitting));
}

/**
 * The input batch and loss of each model's evaluations, kept between calls: a backend with its own
 * memory (wasm) never frees an allocation, so a fresh batch per call (validation after every epoch,
 * test at the end) would grow its memory by D × batch floats each time.
 */
const buffers = new WeakMap<Model, { readonly x: Scratch; readonly loss: SoftmaxCrossEntropy }>();

function buffersOf(model: Model): { readonly x: Scratch; readonly loss: SoftmaxCrossEntropy } {
  let b = buffers.get(model);
  if (b === undefined) {
    b = { x: new Scratch(model.kernels), loss: new SoftmaxCrossEntropy(model.kernels) };
    buffers.set(model, b);
  }
  return b;
}

/** Accuracy and loss of `model` on every sample of `data`, in batches of `batchSize`. */
export function evaluate(model: Model, data: Dataset, batchSize = evalBatchOf(model.spec, model.precision)): Evaluation {
  const D = data.features, C = model.classes, N = data.count;
  const order = identityOrder(N);
  const { x: scratch, loss } = buffersOf(model);
  const x = scratch.view(model.precision, D * batchSize);
  const labels = new Int32Array(batchSize);
  let correct = 0, lossSum = 0;
  for (let start = 0; start < N; start += batchSize) {
    const B = Math.min(batchSize, N - start);
    const xb = x.subarray(0, D * B);
    fillBatch(xb, labels, data, order, start, B, null, model.kernels);
    const logits = model.forward(xb, B, false);
    correct += countCorrect(logits, labels, C, B);
    lossSum += B * loss.lossAndGradient(logits, labels.subarray(0, B), C, B).loss;
  }
  return { accuracy: N === 0 ? 0 : correct / N, loss: N === 0 ? 0 : lossSum / N, count: N };
}
