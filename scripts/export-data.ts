/**
 * The data of a saved model as an .npz for PyTorch (python/examples/train_ddp.py), prepared by
 * sobolnet's own code exactly as training and `sobolnet eval` prepare it (src/cli/model-data.ts:
 * the recorded data set and input order, the stored normalisation or pixel / 255, each value
 * computed in float64 and rounded once to float32 by data/batch.ts's fillBatch):
 *
 *   x_train  float32 [N, D] for an MLP, [N, C, H, W] (NCHW) for an image model
 *   y_train  int32 [N]
 *   x_test   float32, likewise;  y_test int32 [M]
 *
 * With --pixels the images stay bytes, a quarter of the size, and the file is deflated:
 *
 *   x_train, x_test  uint8, the pixel bytes in the same shapes (in the model's input order)
 *   input_table      float32 [C, 256]: the value byte p of channel c becomes, input_table[c, p]
 *                    (one row, p / 255, without a normalisation): the table fillBatch reads,
 *                    rounded to float32 as fillBatch rounds it, so x = input_table[c, x_bytes]
 *                    gives the same numbers as the float32 file (python/sobolnet_torch/data.py).
 *
 *   node --import tsx scripts/export-data.ts <model.sobolnet> --out data.npz [--pixels] [--train-limit N]
 *        [--test-limit M] [--dataset mnist|fashion-mnist|cifar10] [--data <dir>]
 *
 * The limits keep the first N training / M test samples (default: all). The training part is the
 * whole training set: sobolnet's validation split is its last samples (data/validation-split.ts).
 */
import { parseArgs } from 'node:util';
import { runScript } from './lib/run-script.js';
import { modelData } from '../src/cli/model-data.js';
import { checkInt, SobolnetError } from '../src/core/errors.js';
import { writeFileAtomic } from '../src/core/node/atomic-write.js';
import { fillBatch, pixelTable } from '../src/data/batch.js';
import type { Dataset } from '../src/data/dataset.js';
import { identityOrder } from '../src/data/identity-order.js';
import type { DatasetName } from '../src/data/node/load-dataset.js';
import type { NpyArray } from '../src/export/torch/npy.js';
import { encodeNpz } from '../src/export/torch/npz.js';
import { referenceKernels } from '../src/kernels/reference-kernels.js';
import type { ImageShape } from '../src/model/layer-spec.js';
import { loadModel } from '../src/model/node/model-io.js';
import { sampleDims } from '../src/model/layer-spec.js';

const CHUNK = 1000;

/** The first N samples of `data` -> x[N][D] (sample-major, sobolnet's input values) and labels[N]. */
function samples(data: Dataset, N: number, shape: ImageShape): [NpyArray, NpyArray] {
  const D = data.features;
  const x = new Float32Array(N * D);
  const y = new Int32Array(N);
  const order = identityOrder(N);
  const batch = new Float32Array(D * CHUNK);
  const labels = new Int32Array(CHUNK);
  for (let start = 0; start < N; start += CHUNK) {
    const B = Math.min(CHUNK, N - start);
    fillBatch(batch, labels, data, order, start, B);   // batch[D][B], batch innermost
    for (let b = 0; b < B; b++) {
      const row = (start + b) * D;
      for (let d = 0; d < D; d++) x[row + d] = batch[d * B + b];
      y[start + b] = labels[b];
    }
  }
  const image = [N, ...sampleDims(shape)];
  return [{ shape: image, data: x }, { shape: [N], data: y }];
}

/** The first N samples of `data` as bytes -> pixels[N][D] (sample-major, as stored) and labels[N]. */
function pixelSamples(data: Dataset, N: number, shape: ImageShape): [NpyArray, NpyArray] {
  return [{ shape: [N, ...sampleDims(shape)], data: data.pixels.slice(0, N * data.features) },
    { shape: [N], data: Int32Array.from(data.labels.subarray(0, N)) }];
}

/** fillBatch's table for `data` as float32 [C, 256]. */
function inputTable(data: Dataset): NpyArray {
  const table = Float32Array.from(pixelTable(data));
  return { shape: [table.length / 256, 256], data: table };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: {
    out: { type: 'string' }, 'train-limit': { type: 'string' }, 'test-limit': { type: 'string' },
    dataset: { type: 'string' }, data: { type: 'string' }, pixels: { type: 'boolean' },
  } });
  if (positionals.length !== 1 || values.out === undefined) {
    throw new SobolnetError('usage: export-data.ts <model.sobolnet> --out <data.npz> [--pixels] [--train-limit N] [--test-limit M] ' +
      '[--dataset name] [--data dir]');
  }
  const file = positionals[0];
  const { model, meta } = loadModel(file, referenceKernels);
  const { data } = modelData(file, meta, values.dataset as DatasetName | undefined, values.data);
  const limit = (flag: 'train-limit' | 'test-limit', all: number): number =>
    values[flag] === undefined ? all : checkInt(Number(values[flag]), `--${flag}`, 1, all);
  const take = values.pixels === true ? pixelSamples : samples;
  const [xTrain, yTrain] = take(data.train, limit('train-limit', data.train.count), model.inputShape);
  const [xTest, yTest] = take(data.test, limit('test-limit', data.test.count), model.inputShape);
  const arrays: [string, NpyArray][] = [['x_train', xTrain], ['y_train', yTrain], ['x_test', xTest], ['y_test', yTest]];
  if (values.pixels === true) arrays.push(['input_table', inputTable(data.train)]);
  writeFileAtomic(values.out, encodeNpz(arrays, { compress: values.pixels === true }));
  process.stdout.write(`wrote ${values.out}: ${yTrain.shape[0]} training and ${yTest.shape[0]} test samples of ${data.test.name}, ` +
    `input [${xTest.shape.slice(1).join(', ')}]\n`);
}

runScript('export-data', main);
