/**
 * The training loop: seeded shuffling, mini-batches in the [unit][batch] layout, forward,
 * softmax cross-entropy, backward, one optimiser step; the validation part (if the data has one)
 * is evaluated after every epoch, the test part once, after the last epoch. A loss that is not
 * finite (the step's, or an evaluation's: a forward pass over every weight, so a weight gone
 * NaN/±Inf shows there) stops training with a SobolnetError naming the epoch and step.
 * The same model spec, data and config give bit-identical weights.
 *
 * Shape legend: B batch, C classes, D features, N samples.
 */
import { check, checkInt, checkNumber, SobolnetError } from '../core/errors.js';
import { CropFlip, type AugmentSpec } from '../data/augment.js';
import { fillBatch } from '../data/batch.js';
import { imageShapeOf } from '../data/image-shape.js';
import { identityOrder } from '../data/identity-order.js';
import type { DataSplit } from '../data/dataset.js';
import type { Model } from '../model/model.js';
import { deriveKey } from '../sequences/hash.js';
import { Rng } from '../sequences/rng.js';
import { SoftmaxCrossEntropy } from '../layers/softmax-cross-entropy.js';
import { countCorrect, evaluate, type Evaluation } from './evaluate.js';
import { Optimizer, type OptimizerSpec } from './optimizer.js';
import { learningRate, type ScheduleSpec } from './schedule.js';

/**
 * The hash-domain tag of the shuffling stream ('SHUF'). One --seed drives topology, initialisation
 * and shuffling; each use derives its own key, so a random-walk topology and the sample order
 * never read the same stream.
 */
const SHUFFLE_TAG = 0x53485546;

/** What `train` needs besides the model and data: epochs, batch size, learning rate, optimiser, schedule, seed. */
export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: OptimizerSpec;
  readonly schedule: ScheduleSpec;
  /** Seeds the shuffling of the training samples. */
  readonly seed: number;
  /** Train on the first `limit` samples of the training part only (quick runs and tests). */
  readonly limit?: number;
  /** Crop and flip the training batches (data/augment.ts; drawn from `seed`); absent: no augmentation. */
  readonly augment?: AugmentSpec;
}

/** What `train` reports after each batch (TrainHooks.onBatch). */
export interface BatchProgress {
  readonly epoch: number;        // 0-based
  readonly batch: number;        // 1-based, batches done in this epoch
  readonly batches: number;
  readonly loss: number;         // running mean over the epoch
  readonly accuracy: number;     // running training accuracy over the epoch
  readonly samplesPerSecond: number;
  readonly learningRate: number;
}

/** What `train` reports after each epoch (TrainHooks.onEpoch). */
export interface EpochReport {
  readonly epoch: number;        // 0-based
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  /** On the validation part after this epoch; null when the data has none. */
  readonly validationLoss: number | null;
  readonly validationAccuracy: number | null;
  readonly seconds: number;      // training time of this epoch, evaluation excluded
  readonly samplesPerSecond: number;
}

/** What training returns: one report per epoch, and the test evaluation after the last epoch. */
export interface TrainResult {
  readonly epochs: readonly EpochReport[];
  /** The validation part after the last epoch; null when the data has none. */
  readonly validation: Evaluation | null;
  readonly test: Evaluation;
  /** Training samples used per epoch (fewer than the training part's with a limit). */
  readonly trainSamples: number;
}

/** Callbacks of `train`, per batch and per epoch. */
export interface TrainHooks {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(report: EpochReport): void;
}

export function validateTrainConfig(config: TrainConfig): void {
  checkInt(config.epochs, 'epochs', 1, 100_000);
  checkInt(config.batchSize, 'batch size', 1, 65_536);
  checkNumber(config.learningRate, 'learning rate', Number.MIN_VALUE, 100);
  checkNumber(config.optimizer.weightDecay, 'weight decay', 0, 1);
  if (config.optimizer.kind === 'sgd') checkNumber(config.optimizer.momentum, 'momentum', 0, 0.9999);
  if (config.limit !== undefined) checkInt(config.limit, 'limit', 1);
  check(Number.isSafeInteger(config.seed), () => `seed must be an integer, got ${String(config.seed)}`);
}

/** Stops a run whose loss is not finite, with a hint; `where` says when (e.g. 'at epoch 1, step 37'). */
function checkFiniteLoss(loss: number, where: string, what: string, config: TrainConfig): void {
  if (Number.isFinite(loss)) return;
  throw new SobolnetError(`training diverged ${where}: the ${what} is ${String(loss)}; ` +
    `try a smaller learning rate (got ${config.learningRate})`);
}

/** Trains `model` in place; returns one report per epoch and the final test evaluation. */
export function train(model: Model, data: DataSplit, config: TrainConfig, hooks: TrainHooks = {}): TrainResult {
  validateTrainConfig(config);
  check(data.train.features === model.inputs, () =>
    `the model's input width ${model.inputs} does not match the ${data.train.name} features ${data.train.features}`);
  check(data.train.classes === model.classes, () =>
    `the model's output width ${model.classes} does not match the ${data.train.classes} classes of ${data.train.name}`);

  // Training batches only: evaluate() fills its batches without augmentation.
  const augment = config.augment === undefined ? null
    : new CropFlip(config.augment, config.seed, imageShapeOf(data.train.shape, data.train.name));
  const N = Math.min(data.train.count, config.limit ?? data.train.count);
  const D = model.inputs, C = model.classes, Bmax = config.batchSize;
  const batches = Math.ceil(N / Bmax);
  const totalSteps = batches * config.epochs;
  const rng = new Rng(deriveKey(SHUFFLE_TAG, config.seed, 0));
  const order = identityOrder(N);
  const x = model.kernels.alloc(model.precision, D * Bmax);
  const labels = new Int32Array(Bmax);
  const optimizer = new Optimizer(model.kernels, model.params(), config.optimizer);
  const loss = new SoftmaxCrossEntropy(model.kernels);
  const reports: EpochReport[] = [];
  let validation: Evaluation | null = null;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    rng.shuffle(order);
    augment?.startEpoch(epoch);
    const t0 = performance.now();
    let lossSum = 0, correct = 0, seen = 0;
    for (let batch = 0; batch < batches; batch++) {
      const start = batch * Bmax, B = Math.min(Bmax, N - start);
      const xb = x.subarray(0, D * B), lb = labels.subarray(0, B);
      fillBatch(xb, labels, data.train, order, start, B, augment, model.kernels);
      const logits = model.forward(xb, B, true);
      correct += countCorrect(logits, lb, C, B);
      const step = loss.lossAndGradient(logits, lb, C, B);
      checkFiniteLoss(step.loss, `at epoch ${epoch + 1}, step ${batch + 1} of ${batches}`, 'loss', config);
      lossSum += B * step.loss;
      model.backward(step.dLogits);
      const lr = learningRate(config.schedule, config.learningRate, epoch * batches + batch, totalSteps, epoch);
      optimizer.step(lr);
      seen += B;
      hooks.onBatch?.({
        epoch, batch: batch + 1, batches, loss: lossSum / seen, accuracy: correct / seen,
        samplesPerSecond: seen / Math.max(1e-9, (performance.now() - t0) / 1000), learningRate: lr,
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    if (data.validation) {
      validation = evaluate(model, data.validation);
      checkFiniteLoss(validation.loss, `in epoch ${epoch + 1}`, 'validation loss', config);
    }
    const report: EpochReport = {
      epoch, trainLoss: lossSum / seen, trainAccuracy: correct / seen,
      validationLoss: validation?.loss ?? null, validationAccuracy: validation?.accuracy ?? null,
      seconds, samplesPerSecond: seen / seconds,
    };
    reports.push(report);
    hooks.onEpoch?.(report);
  }
  const test = evaluate(model, data.test);
  checkFiniteLoss(test.loss, `in epoch ${config.epochs}`, 'test loss', config);
  return { epochs: reports, validation, test, trainSamples: N };
}
