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
import type { Floats } from '../core/floats.js';
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

/**
 * One training run that advances a few batches at a time, so that a caller can report progress,
 * pause (stop calling) and resume, or stop (drop it), between batches: a Web Worker training for a
 * page yields to its event loop between `advance` calls. Advancing in any chunks gives the same
 * weights, bit for bit, as `train` in one go; an epoch's reported time counts only the time spent
 * inside `advance`.
 */
export class TrainingRun {
  private readonly augment: CropFlip | null;
  private readonly N: number;
  private readonly batches: number;
  private readonly totalSteps: number;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private readonly x: Floats;
  private readonly labels: Int32Array;
  private readonly optimizer: Optimizer;
  private readonly loss: SoftmaxCrossEntropy;
  private readonly reports: EpochReport[] = [];
  private validation: Evaluation | null = null;
  // position: the next batch to run is `batch` of `epoch`; the current epoch's running sums
  private epoch = 0;
  private batch = 0;
  private lossSum = 0;
  private correct = 0;
  private seen = 0;
  private activeMs = 0;

  constructor(readonly model: Model, readonly data: DataSplit, readonly config: TrainConfig, private readonly hooks: TrainHooks = {}) {
    validateTrainConfig(config);
    check(data.train.features === model.inputs, () =>
      `the model's input width ${model.inputs} does not match the ${data.train.name} features ${data.train.features}`);
    check(data.train.classes === model.classes, () =>
      `the model's output width ${model.classes} does not match the ${data.train.classes} classes of ${data.train.name}`);
    // Training batches only: evaluate() fills its batches without augmentation.
    this.augment = config.augment === undefined ? null
      : new CropFlip(config.augment, config.seed, imageShapeOf(data.train.shape, data.train.name));
    this.N = Math.min(data.train.count, config.limit ?? data.train.count);
    this.batches = Math.ceil(this.N / config.batchSize);
    this.totalSteps = this.batches * config.epochs;
    this.rng = new Rng(deriveKey(SHUFFLE_TAG, config.seed, 0));
    this.order = identityOrder(this.N);
    this.x = model.kernels.alloc(model.precision, model.inputs * config.batchSize);
    this.labels = new Int32Array(config.batchSize);
    this.optimizer = new Optimizer(model.kernels, model.params(), config.optimizer);
    this.loss = new SoftmaxCrossEntropy(model.kernels);
  }

  /** Whether every epoch has run (then `finish` evaluates the test part). */
  get done(): boolean {
    return this.epoch >= this.config.epochs;
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    return this.batches;
  }

  /**
   * Runs up to `maxBatches` more batches (an epoch's end, with its validation, counts as part of
   * its last batch); returns whether batches remain.
   */
  advance(maxBatches: number): boolean {
    const { model, data, config } = this;
    const D = model.inputs, C = model.classes, Bmax = config.batchSize, N = this.N, batches = this.batches;
    for (let run = 0; run < maxBatches && !this.done; run++) {
      const t0 = performance.now();
      if (this.batch === 0) {
        this.rng.shuffle(this.order);
        this.augment?.startEpoch(this.epoch);
      }
      const { epoch, batch } = this;
      const start = batch * Bmax, B = Math.min(Bmax, N - start);
      const xb = this.x.subarray(0, D * B), lb = this.labels.subarray(0, B);
      fillBatch(xb, this.labels, data.train, this.order, start, B, this.augment, model.kernels);
      const logits = model.forward(xb, B, true);
      this.correct += countCorrect(logits, lb, C, B);
      const step = this.loss.lossAndGradient(logits, lb, C, B);
      checkFiniteLoss(step.loss, `at epoch ${epoch + 1}, step ${batch + 1} of ${batches}`, 'loss', config);
      this.lossSum += B * step.loss;
      model.backward(step.dLogits);
      const lr = learningRate(config.schedule, config.learningRate, epoch * batches + batch, this.totalSteps, epoch);
      this.optimizer.step(lr);
      this.seen += B;
      this.batch++;
      this.activeMs += performance.now() - t0;
      this.hooks.onBatch?.({
        epoch, batch: batch + 1, batches, loss: this.lossSum / this.seen, accuracy: this.correct / this.seen,
        samplesPerSecond: this.seen / Math.max(1e-9, this.activeMs / 1000), learningRate: lr,
      });
      if (this.batch === batches) this.endEpoch();
    }
    return !this.done;
  }

  /** The epoch's validation and report, then the next epoch. */
  private endEpoch(): void {
    const seconds = this.activeMs / 1000;
    if (this.data.validation) {
      this.validation = evaluate(this.model, this.data.validation);
      checkFiniteLoss(this.validation.loss, `in epoch ${this.epoch + 1}`, 'validation loss', this.config);
    }
    const report: EpochReport = {
      epoch: this.epoch, trainLoss: this.lossSum / this.seen, trainAccuracy: this.correct / this.seen,
      validationLoss: this.validation?.loss ?? null, validationAccuracy: this.validation?.accuracy ?? null,
      seconds, samplesPerSecond: this.seen / seconds,
    };
    this.reports.push(report);
    this.hooks.onEpoch?.(report);
    this.epoch++;
    this.batch = 0;
    this.lossSum = this.correct = this.seen = this.activeMs = 0;
  }

  /** The test part evaluated once, with the reports; only when `done`. */
  finish(): TrainResult {
    check(this.done, () => `the training run has ${this.config.epochs - this.epoch} epochs to go; advance it until done before finish()`);
    const test = evaluate(this.model, this.data.test);
    checkFiniteLoss(test.loss, `in epoch ${this.config.epochs}`, 'test loss', this.config);
    return { epochs: [...this.reports], validation: this.validation, test, trainSamples: this.N };
  }
}

/** Trains `model` in place; returns one report per epoch and the final test evaluation. */
export function train(model: Model, data: DataSplit, config: TrainConfig, hooks: TrainHooks = {}): TrainResult {
  const run = new TrainingRun(model, data, config, hooks);
  run.advance(Number.POSITIVE_INFINITY);
  return run.finish();
}
