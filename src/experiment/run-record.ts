/**
 * One run of a recipe, start to finish, and the record it leaves: accuracy, loss, size and cost
 * against the dense network of the same widths, time and backend. Records are what a results
 * file holds, one JSON line each.
 */
import type { DataSplit } from '../data/dataset.js';
import { hilbertOrdered, reorderPixels, shuffledPixelOrder } from '../data/pixel-order.js';
import type { Kernels } from '../kernels/kernels.js';
import { Model } from '../model/model.js';
import { pathLayerCount } from '../model/model-spec.js';
import { train, type TrainHooks } from '../train/trainer.js';
import { denseWeightCount, resolveDensity } from './path-count.js';
import { modelSpecOf, recipeKey, trainConfigOf, type RunRecipe } from './run-recipe.js';

export interface RunRecord {
  /** recipeKey(recipe): the run's identity. */
  readonly key: string;
  readonly recipe: RunRecipe;
  /** Paths P the topology was generated with (resolved from fanIn or density); null for dense. */
  readonly paths: number | null;
  readonly testAccuracy: number;          // fraction, after the last epoch
  readonly testLoss: number;
  readonly trainAccuracy: number;         // running accuracy over the last epoch
  readonly trainLoss: number;
  readonly testAccuracyByEpoch: readonly number[];
  /** Linear weights (biases excluded) of this network and of the dense one with the same widths. */
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
}

/** The data a recipe trains on: the split as loaded, or with its pixels reordered (see pixel-order.ts). */
export function dataForRecipe(r: Pick<RunRecipe, 'inputOrder' | 'seed'>, data: DataSplit): DataSplit {
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
  const spec = modelSpecOf(resolveDensity(r, defaultFanIn), defaultFanIn);
  const model = new Model(spec, kernels);
  const config = trainConfigOf(r);
  const reports = train(model, data, config, hooks);
  const last = reports[reports.length - 1];
  // A linear layer has one weight per multiply-add: E for a path layer, I * O for a dense one.
  const weights = model.layers.reduce((n, l) => n + (l.kind === 'path' || l.kind === 'dense' ? l.macsPerSample : 0), 0);
  const pathLayers = pathLayerCount(spec);
  const pathLayerWeights = model.topology ? model.topology.layers.reduce((n, c) => n + c.edges, 0) : weights;
  const trainSamples = Math.min(data.train.count, r.limit ?? data.train.count);
  return {
    key: recipeKey(r),
    recipe: r,
    paths: model.topology ? model.topology.spec.pathCount : null,
    testAccuracy: last.testAccuracy,
    testLoss: last.testLoss,
    trainAccuracy: last.trainAccuracy,
    trainLoss: last.trainLoss,
    testAccuracyByEpoch: reports.map((e) => e.testAccuracy),
    weights,
    denseWeights: denseWeightCount(r.widths),
    pathLayerWeights,
    pathLayerDenseWeights: denseWeightCount(pathLayers > 0 ? r.widths.slice(0, pathLayers + 1) : r.widths),
    parameters: model.parameterCount,
    macsPerSample: model.macsPerSample,
    denseMacsPerSample: denseWeightCount(r.widths),
    trainMacs: 3 * model.macsPerSample * trainSamples * r.epochs,
    trainSamples,
    trainSeconds: reports.reduce((t, e) => t + e.seconds, 0),
    seconds: (performance.now() - started) / 1000,
    backend: kernels.name,
    finishedAt: now().toISOString(),
  };
}
