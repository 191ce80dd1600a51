/**
 * One training run of bench/train.bench.ts, in its own process so that peak RSS and JIT state
 * belong to this run alone:
 *
 *   node --import tsx bench/train-run.ts '{"engine":"sobolnet","model":"path","backend":"reference","threads":null,"limit":null,"warmupBatches":10}'
 *   node --import tsx bench/train-run.ts '{"engine":"tfjs","model":"dense","tfjsMatMul":"explicit-transpose","limit":6000,"warmupBatches":10}'
 *
 * Trains one MNIST epoch (batch 128 or the job's `batch`, Adam at the default learning rate) of the 784-1024-1024-10 MLP: sobolnet's
 * default recipe (`sobolnet train --epochs 1 --validation 0`, from the defaults of
 * experiment/run-recipe.ts: plain Sobol' paths of fan-in 32, bit-reversed hidden units, dense output
 * layer, He init, seed 1, cosine schedule) for a path or dense model, or TensorFlow.js
 * (tf.layers dense relu / dense relu / dense softmax, model.fit, wasm backend; stock kernels, or
 * with the BatchMatMul fix of bench/lib/tfjs-wasm.ts). Before the timed
 * epoch, `warmupBatches` batches train a throwaway model of the same kind (JIT and wasm tiers).
 * The last stdout line is `@@result <json>`: epoch seconds (evaluation excluded), samples/s,
 * test accuracy after the epoch, peak RSS in MiB.
 */
import { completeRecipe, defaultWidths, modelSpecOf, NETWORK_DEFAULTS, RECIPE_DEFAULTS, trainConfigOf, type RunRecipe } from '../src/experiment/run-recipe.js';
import type { DataSplit, Dataset } from '../src/data/dataset.js';
import { loadDataset } from '../src/data/node/load-dataset.js';
import { Model } from '../src/model/model.js';
import { train } from '../src/train/trainer.js';

import { loadKernels } from './lib/backends.js';
import { RESULT_MARK, type TrainJob, type TrainResult } from './lib/train-job.js';

/** `sobolnet train --epochs 1` (with --source dense for the dense model): the defaults of run-recipe.ts. */
const recipe = (model: 'path' | 'dense'): RunRecipe => completeRecipe({ widths: defaultWidths('mnist'), epochs: 1, validation: 0,
  ...(model === 'dense' ? { source: 'dense' } : {}) }, 'bench');
const DEFAULTS = { hidden: NETWORK_DEFAULTS.hidden, batch: RECIPE_DEFAULTS.batch };
/** The learning rate tfjs trains with: the recipe's (Adam's default). */
const LR = trainConfigOf(recipe('dense')).learningRate;

const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;   // maxRSS is in KiB

function truncated(d: Dataset, n: number): Dataset {
  const count = Math.min(n, d.count);
  return { ...d, count, pixels: d.pixels.subarray(0, count * d.features), labels: d.labels.subarray(0, count) };
}

async function runSobolnet(job: TrainJob): Promise<TrainResult> {
  const data = loadDataset('mnist');
  const kernels = await loadKernels({ backend: job.backend ?? 'reference', threads: job.threads ?? null });
  if (typeof kernels === 'string') throw new Error(`backend ${job.backend}: ${kernels}`);
  const r = recipe(job.model);
  const spec = modelSpecOf(r, NETWORK_DEFAULTS.fanIn);
  const config = { ...trainConfigOf(r), ...(job.limit !== null ? { limit: job.limit } : {}),
    ...(job.batch !== undefined ? { batchSize: job.batch } : {}) };
  if (job.warmupBatches > 0) {
    const warm: DataSplit = { train: data.train, test: truncated(data.test, 256) };
    train(new Model(spec, kernels), warm, { ...config, limit: job.warmupBatches * config.batchSize });
  }
  const model = new Model(spec, kernels);
  const { epochs: [report], test } = train(model, data, config);
  const result: TrainResult = {
    job, samples: Math.min(data.train.count, job.limit ?? data.train.count),
    epochSeconds: report.seconds, samplesPerSecond: report.samplesPerSecond, testAccuracy: test.accuracy,
    trainLoss: report.trainLoss, parameters: model.parameterCount, macsPerSample: model.macsPerSample,
    peakRssMiB: peakRssMiB(), engineInfo: `sobolnet kernels '${kernels.name}'`,
  };
  return result;
}

async function runTfjs(job: TrainJob): Promise<TrainResult> {
  const { initTfjsWasm, tf, useExplicitTransposeMatMul } = await import('./lib/tfjs-wasm.js');
  const info = await initTfjsWasm();
  const explicit = job.tfjsMatMul === 'explicit-transpose';
  if (explicit) useExplicitTransposeMatMul();
  const data = loadDataset('mnist');
  const D = data.train.features, C = data.train.classes;
  const toTensors = (d: Dataset, n: number): { x: ReturnType<typeof tf.tensor2d>; y: ReturnType<typeof tf.tensor2d> } => {
    const xs = new Float32Array(n * D);
    for (let i = 0; i < xs.length; i++) xs[i] = d.pixels[i] / 255;
    const ys = new Float32Array(n * C);
    for (let i = 0; i < n; i++) ys[i * C + d.labels[i]] = 1;
    return { x: tf.tensor2d(xs, [n, D]), y: tf.tensor2d(ys, [n, C]) };
  };
  const N = Math.min(data.train.count, job.limit ?? data.train.count);
  const batch = job.batch ?? DEFAULTS.batch;
  const trainSet = toTensors(data.train, N);
  const build = (): ReturnType<typeof tf.sequential> => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: DEFAULTS.hidden[0], activation: 'relu', inputShape: [D] }));
    m.add(tf.layers.dense({ units: DEFAULTS.hidden[1], activation: 'relu' }));
    m.add(tf.layers.dense({ units: C, activation: 'softmax' }));
    m.compile({ optimizer: tf.train.adam(LR, 0.9, 0.999, 1e-8), loss: 'categoricalCrossentropy' });
    return m;
  };
  if (job.warmupBatches > 0) {
    const n = Math.min(N, job.warmupBatches * batch);
    const warm = build();
    const wx = trainSet.x.slice([0, 0], [n, D]), wy = trainSet.y.slice([0, 0], [n, C]);
    await warm.fit(wx, wy, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
    wx.dispose();
    wy.dispose();
    warm.dispose();
  }
  const model = build();
  const t0 = performance.now();
  const history = await model.fit(trainSet.x, trainSet.y, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const loss = history.history.loss?.[0];

  let correct = 0;
  const testN = data.test.count, chunk = 1000;
  for (let start = 0; start < testN; start += chunk) {
    const n = Math.min(chunk, testN - start);
    const xs = new Float32Array(n * D);
    for (let i = 0; i < xs.length; i++) xs[i] = data.test.pixels[start * D + i] / 255;
    const predicted = tf.tidy(() => (model.predict(tf.tensor2d(xs, [n, D])) as ReturnType<typeof tf.tensor2d>).argMax(-1).dataSync());
    for (let i = 0; i < n; i++) if (predicted[i] === data.test.labels[start + i]) correct++;
  }
  return {
    job, samples: N, epochSeconds: seconds, samplesPerSecond: N / seconds, testAccuracy: correct / testN,
    trainLoss: typeof loss === 'number' ? loss : null, parameters: model.countParams(),
    macsPerSample: D * DEFAULTS.hidden[0] + DEFAULTS.hidden[0] * DEFAULTS.hidden[1] + DEFAULTS.hidden[1] * C,
    peakRssMiB: peakRssMiB(),
    engineInfo: `tfjs ${info.version} ${info.backend} (SIMD ${info.simd ? 'on' : 'off'}, threads ${info.threads ? 'on' : 'off'}` +
      `${explicit ? ', BatchMatMul with explicit transposes' : ', stock kernels'})`,
  };
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (arg === undefined) throw new Error('usage: train-run.ts <job json>');
  const job = JSON.parse(arg) as TrainJob;
  const result = job.engine === 'tfjs' ? await runTfjs(job) : await runSobolnet(job);
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

await main();
process.exit(0);   // a threaded backend's workers must not keep the process alive
