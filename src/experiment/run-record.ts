/**
 * One run of a recipe, start to finish, and the record it leaves: accuracy, loss, size and cost
 * against the dense network of the same widths, time and backend. Records are what a results
 * file holds, one JSON line each.
 *
 * "Weights" means linear weights, biases excluded (WEIGHTS_MEANING), here and in every table.
 */
import type { ChannelNormalization, DataSplit } from '../data/dataset.js';
import { channelStatistics, withNormalization } from '../data/normalization.js';
import { hilbertOrdered, reorderPixels, shuffledPixelOrder } from '../data/pixel-order.js';
import type { Kernels } from '../kernels/kernels.js';
import { Model } from '../model/model.js';
import { denseCost, densePathLayerWeights, pathWeightCountOf, weightCountOf } from '../model/model-cost.js';
import { pathLayerCount } from '../model/model-spec.js';
import { train, type TrainHooks } from '../train/trainer.js';
import { holdOutValidation } from '../data/validation-split.js';
import { resolvedModelSpec } from './path-count.js';
import { recipeKey, trainConfigOf, type FieldLabel, type RunRecipe } from './run-recipe.js';

/** What "weights" counts, in the words every table and summary uses. */
export const WEIGHTS_MEANING = 'linear weights, biases excluded';

/** Linear weights of `model` (biases excluded): E for a path layer, I * O for a dense one, E·k² and Ci·Co·k² for convolutions. */
export const linearWeightCount = weightCountOf;

/** One finished run as a line of results.jsonl: its recipe, per-epoch reports, accuracies, costs and timing. */
export interface RunRecord {
  /** recipeKey(recipe): the run's identity. */
  readonly key: string;
  readonly recipe: RunRecipe;
  /** Paths P the topology was generated with (resolved from fanIn or density); null for dense. */
  readonly paths: number | null;
  readonly testAccuracy: number;          // fraction, after the last epoch (the test set is evaluated once)
  readonly testLoss: number;
  /**
   * On the validation samples held out of the training file (recipe.validation), after the last
   * epoch and after each epoch; null with validation 0, absent in records written before the split.
   */
  readonly validationAccuracy?: number | null;
  readonly validationLoss?: number | null;
  readonly validationAccuracyByEpoch?: readonly number[] | null;
  readonly trainAccuracy: number;         // running accuracy over the last epoch
  readonly trainLoss: number;
  /** Only in records written before the validation split, when the test set was evaluated after every epoch. */
  readonly testAccuracyByEpoch?: readonly number[];
  /** Weights: linear weights, biases excluded (WEIGHTS_MEANING), of this network and of the dense one with the same widths. */
  readonly weights: number;
  readonly denseWeights: number;
  /** The same, over the path-sparse layers only (all layers for dense). */
  readonly pathLayerWeights: number;
  readonly pathLayerDenseWeights: number;
  /** All trained parameters: weights, biases and batch-norm scales and shifts. */
  readonly parameters: number;
  readonly macsPerSample: number;         // forward multiply-adds per sample
  readonly denseMacsPerSample: number;
  /** Multiply-adds of the whole training: 3 × forward (forward, backward-input, backward-weight) per sample and epoch. */
  readonly trainMacs: number;
  readonly trainSamples: number;
  readonly trainSeconds: number;          // training time, evaluation excluded
  readonly seconds: number;               // the whole run: topology, training, evaluation
  readonly backend: string;
  readonly finishedAt: string;            // ISO time
  /** The per-channel mean and std the inputs were normalised with (recipe.normalization 'per-channel'); absent for pixel / 255. */
  readonly normalization?: ChannelNormalization;
}

/**
 * The data a recipe trains on: the split as loaded, or with its pixels reordered (see
 * pixel-order.ts), with the recipe's validation samples held out of the training part
 * (validation-split.ts), and with normalization 'per-channel' the statistics of the samples it
 * trains on (the first `limit` of the training part; never validation or test samples) attached
 * to all three parts (data/normalization.ts). `label` names the validation field in errors.
 */
export function dataForRecipe(r: Pick<RunRecipe, 'inputOrder' | 'seed' | 'validation'> & Partial<Pick<RunRecipe, 'normalization' | 'limit'>>,
  data: DataSplit, label: FieldLabel = (f) => f): DataSplit {
  const split = holdOutValidation(inInputOrder(r, data), r.validation, label('validation'));
  if (r.normalization !== 'per-channel') return split;
  return withNormalization(split, channelStatistics(split.train, Math.min(split.train.count, r.limit ?? split.train.count)));
}

/** The split with its pixels in the recipe's input order. */
function inInputOrder(r: Pick<RunRecipe, 'inputOrder' | 'seed'>, data: DataSplit): DataSplit {
  switch (r.inputOrder) {
    case 'raster': return data;
    case 'hilbert': return { train: hilbertOrdered(data.train), test: hilbertOrdered(data.test) };
    case 'shuffled': {
      const order = shuffledPixelOrder(data.train.shape.length >= 2 ? data.train.shape.slice(-2).reduce((a, b) => a * b, 1)
        : data.train.features, r.seed);
      return { train: reorderPixels(data.train, order), test: reorderPixels(data.test, order) };
    }
    default: return r.inputOrder satisfies never;
  }
}

/**
 * Trains the recipe's network on `data` (already in the recipe's input order, see dataForRecipe)
 * with `kernels` and returns its record. `defaultFanIn` applies to path recipes without a count.
 */
export function runRecipe(r: RunRecipe, data: DataSplit, kernels: Kernels, defaultFanIn: number,
  hooks: TrainHooks = {}, now: () => Date = () => new Date()): RunRecord {
  const started = performance.now();
  const spec = resolvedModelSpec(r, defaultFanIn);
  const model = new Model(spec, kernels);
  const config = trainConfigOf(r);
  const result = train(model, data, config, hooks);
  const last = result.epochs[result.epochs.length - 1];
  const weights = linearWeightCount(model);
  const pathLayers = pathLayerCount(spec);
  const pathLayerWeights = model.topology ? pathWeightCountOf(model) : weights;
  const dense = denseCost(spec);
  const trainSamples = result.trainSamples;
  return {
    key: recipeKey(r),
    recipe: r,
    paths: model.topology ? model.topology.spec.pathCount : null,
    testAccuracy: result.test.accuracy,
    testLoss: result.test.loss,
    validationAccuracy: result.validation?.accuracy ?? null,
    validationLoss: result.validation?.loss ?? null,
    validationAccuracyByEpoch: result.validation
      ? result.epochs.flatMap((e) => (e.validationAccuracy === null ? [] : [e.validationAccuracy])) : null,
    trainAccuracy: last.trainAccuracy,
    trainLoss: last.trainLoss,
    weights,
    denseWeights: dense.weights,
    pathLayerWeights,
    pathLayerDenseWeights: pathLayers > 0 ? densePathLayerWeights(spec) : dense.weights,
    parameters: model.parameterCount,
    macsPerSample: model.macsPerSample,
    denseMacsPerSample: dense.macsPerSample,
    trainMacs: 3 * model.macsPerSample * trainSamples * r.epochs,
    trainSamples,
    trainSeconds: result.epochs.reduce((t, e) => t + e.seconds, 0),
    seconds: (performance.now() - started) / 1000,
    backend: kernels.name,
    finishedAt: now().toISOString(),
    ...(data.train.normalization ? { normalization: data.train.normalization } : {}),
  };
}
