/** What bench/conv-train.bench.ts asks of bench/conv-train-run.ts (one child process per run), and what it gets back. */
import { completeRecipe, type RunRecipe } from '../../src/experiment/run-recipe.js';

export type ConvTrainTask = 'fashion-cnn' | 'cifar-resnet20';

export interface ConvTrainJob {
  readonly task: ConvTrainTask;
  readonly model: 'path' | 'dense';
  /** Channel fan-in as a fraction of each path conv's input channels (path only; null for dense). */
  readonly density: number | null;
  readonly backend: string;
  readonly threads: number | null;
  /** Training samples to run through (the first ones of the shuffled epoch). */
  readonly samples: number;
  readonly warmupBatches: number;
}

export interface ConvTrainResult {
  readonly job: ConvTrainJob;
  /** Where the images came from. */
  readonly data: string;
  readonly batch: number;
  readonly samples: number;
  readonly steps: number;
  /** Training time of the run (evaluation excluded). */
  readonly seconds: number;
  readonly samplesPerSecond: number;
  /** Per training step (fill batch, forward, loss, backward, optimiser), from the 2nd step on. */
  readonly stepMs: { median: number; min: number; max: number };
  readonly testAccuracy: number;
  readonly testSamples: number;
  readonly trainLoss: number;
  readonly parameters: number;
  readonly macsPerSample: number;
  readonly peakRssMiB: number;
  readonly engineInfo: string;
}

/** The recipe of a job: `sobolnet train` defaults for its preset and data set, one epoch, no validation split. */
export function recipeOf(job: Pick<ConvTrainJob, 'task' | 'model' | 'density'>): RunRecipe {
  const base = job.task === 'fashion-cnn' ? { arch: 'cnn', dataset: 'fashion-mnist' } : { arch: 'resnet20', dataset: 'cifar10' };
  const paths = job.model === 'dense' ? { source: 'dense' } : { density: job.density };
  return completeRecipe({ ...base, ...paths, epochs: 1, validation: 0 }, 'bench');
}
