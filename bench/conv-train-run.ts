/**
 * One training run of bench/conv-train.bench.ts, in its own process (peak RSS and JIT state are
 * this run's alone):
 *
 *   node --import tsx bench/conv-train-run.ts '{"task":"fashion-cnn","model":"path","density":0.25,"backend":"wasm-fma-threads","threads":2,"samples":60000,"warmupBatches":5}'
 *   node --import tsx bench/conv-train-run.ts '{"task":"cifar-resnet20","model":"dense","density":null,"backend":"wasm-fma-threads","threads":2,"samples":25600,"warmupBatches":5}'
 *
 * - fashion-cnn: the `cnn` preset on Fashion-MNIST (the real files from
 *   /usr/share/datasets/fashion-mnist when they are there, else synthetic images of the same
 *   shape), `sobolnet train --arch cnn --dataset fashion-mnist --epochs 1 --validation 0` with
 *   `--density f` (channel fan-in f·C of every path conv) or `--source dense`; trains the first
 *   `samples` training images (60000: one whole epoch), then the test set is evaluated.
 * - cifar-resnet20: the `resnet20` preset on synthetic CIFAR-10-shaped data (3×32×32 bytes, random
 *   labels; no package ships CIFAR-10), with CIFAR's defaults: per-channel normalisation, random
 *   crop (padding 4) and flip. Trains `samples` samples (a few hundred steps) so that the parent
 *   can extrapolate to the 50000 samples of a real epoch.
 *
 * Before the timed run, `warmupBatches` batches train a throwaway model of the same recipe (JIT
 * and wasm tiers). The last stdout line is `@@result <json>`.
 */
import type { DataSplit, Dataset } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/node/load-dataset.js';
import { dataForRecipe } from '../src/experiment/run-record.js';
import { modelSpecOf, NETWORK_DEFAULTS, trainConfigOf, type RunRecipe } from '../src/experiment/run-recipe.js';
import { Model } from '../src/model/model.js';
import { train } from '../src/train/trainer.js';
import { loadKernels } from './lib/backends.js';
import { summarise } from './lib/timing.js';
import { recipeOf, type ConvTrainJob, type ConvTrainResult } from './lib/conv-train-job.js';
import { RESULT_MARK } from './lib/train-job.js';

const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;   // maxRSS is in KiB

/** `count` images of `shape` with uniform random bytes and labels (a fixed xorshift stream). */
function syntheticDataset(name: string, count: number, shape: readonly number[], classes: number, seed: number): Dataset {
  const features = shape.reduce((a, b) => a * b, 1);
  const pixels = new Uint8Array(count * features), labels = new Uint8Array(count);
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
  const words = new Uint32Array(pixels.buffer, 0, pixels.length >> 2);
  for (let i = 0; i < words.length; i++) words[i] = next();
  for (let i = words.length * 4; i < pixels.length; i++) pixels[i] = next() & 255;
  for (let i = 0; i < count; i++) labels[i] = next() % classes;
  return { name, count, features, classes, shape, pixels, labels };
}

function truncated(d: Dataset, n: number): Dataset {
  const count = Math.min(n, d.count);
  return { ...d, count, pixels: d.pixels.subarray(0, count * d.features), labels: d.labels.subarray(0, count) };
}

/** The images of a job, in the recipe's input pipeline (normalisation), and where they came from. */
function dataOf(job: ConvTrainJob, r: RunRecipe): { split: DataSplit; source: string } {
  if (job.task === 'fashion-cnn') {
    try {
      return { split: dataForRecipe(r, loadDataset('fashion-mnist')), source: 'Fashion-MNIST files (/usr/share/datasets/fashion-mnist)' };
    } catch {
      const train = syntheticDataset('synthetic-fashion/train', 60000, [28, 28], 10, 1);
      const test = syntheticDataset('synthetic-fashion/test', 10000, [28, 28], 10, 2);
      return { split: dataForRecipe(r, { train, test }), source: 'synthetic 28×28 images (no Fashion-MNIST files here)' };
    }
  }
  const train = syntheticDataset('synthetic-cifar10/train', job.samples, [3, 32, 32], 10, 3);
  const test = syntheticDataset('synthetic-cifar10/test', 128, [3, 32, 32], 10, 4);
  return { split: dataForRecipe(r, { train, test }), source: 'synthetic 3×32×32 images, random labels' };
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (arg === undefined) throw new Error('usage: conv-train-run.ts <job json>');
  const job = JSON.parse(arg) as ConvTrainJob;
  const kernels = await loadKernels({ backend: job.backend, threads: job.threads });
  if (typeof kernels === 'string') throw new Error(`backend ${job.backend}: ${kernels}`);
  const r = recipeOf(job);
  const spec = modelSpecOf(r, NETWORK_DEFAULTS.fanIn);
  const { split, source } = dataOf(job, r);
  const config = { ...trainConfigOf(r), limit: job.samples };
  if (job.warmupBatches > 0) {
    const warm: DataSplit = { train: split.train, test: truncated(split.test, 128) };
    train(new Model(spec, kernels), warm, { ...config, limit: job.warmupBatches * config.batchSize });
  }
  const model = new Model(spec, kernels);
  const stamps: number[] = [];
  const { epochs: [report], test, trainSamples } = train(model, split, config, { onBatch: () => stamps.push(performance.now()) });
  const steps = stamps.slice(1).map((t, i) => t - stamps[i]);
  const result: ConvTrainResult = {
    job, data: source, batch: config.batchSize, samples: trainSamples, steps: stamps.length,
    seconds: report.seconds, samplesPerSecond: report.samplesPerSecond,
    stepMs: steps.length > 0 ? summarise(steps) : { median: Number.NaN, min: Number.NaN, max: Number.NaN },
    testAccuracy: test.accuracy, testSamples: split.test.count, trainLoss: report.trainLoss,
    parameters: model.parameterCount, macsPerSample: model.macsPerSample, peakRssMiB: peakRssMiB(),
    engineInfo: `sobolnet kernels '${kernels.name}'`,
  };
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

await main();
process.exit(0);   // a threaded backend's workers must not keep the process alive
