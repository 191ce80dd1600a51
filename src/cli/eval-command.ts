/** `sobolnet eval <model>`: reload a model file, verify it, and measure its test accuracy. */
import { Option, type Command } from 'commander';
import { imageShapeOf } from '../data/image-shape.js';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../data/node/load-dataset.js';
import { checkNormalization, withNormalization } from '../data/normalization.js';
import { BACKEND_NAMES, selectKernels, type BackendName } from '../kernels/node/select-kernels.js';
import { loadModel } from '../model/node/model-io.js';
import { evaluate } from '../train/evaluate.js';
import { SobolnetError } from '../core/errors.js';
import { dataForRecipe } from '../experiment/run-record.js';
import { INPUT_ORDERS, type InputOrder } from '../experiment/run-recipe.js';
import { checkThreadsApply } from './check-threads-apply.js';
import { parseInteger } from './parse.js';

interface EvalOptions { dataset?: DatasetName; data?: string; backend: BackendName | 'auto'; threads?: number; json: boolean }

export function registerEval(program: Command): void {
  program.command('eval')
    .description('evaluate a saved model on the test set of its dataset')
    .argument('<model>', 'model file written by `sobolnet train --out`')
    .addOption(new Option('--dataset <name>', 'dataset (default: the one the model was trained on)').choices(DATASET_NAMES))
    .option('--data <dir>', 'folder with the dataset files')
    .addOption(new Option('--backend <name>', 'compute backend (auto: the fastest this machine runs)').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--threads <n>', 'threads of the threaded wasm backends (default: the available cores)', parseInteger(1, 256))
    .option('--json', 'print the result as JSON', false)
    .action((file: string, o: EvalOptions) => {
      checkThreadsApply(o.backend, o.threads);
      const { model, meta } = loadModel(file, selectKernels(o.backend, o.threads === undefined ? {} : { threads: o.threads }));
      const name = o.dataset ?? (meta.dataset as DatasetName | undefined);
      if (!name || !(DATASET_NAMES as readonly string[]).includes(name)) {
        throw new SobolnetError(`${file} does not record its dataset: pass --dataset (${DATASET_NAMES.join(', ')})`);
      }
      const inputOrder = meta.inputOrder ?? 'raster';
      if (!(INPUT_ORDERS as readonly unknown[]).includes(inputOrder)) {
        throw new SobolnetError(`${file} records an unknown input order ${JSON.stringify(inputOrder)} (expected ${INPUT_ORDERS.join(' or ')})`);
      }
      const seed = typeof meta.train === 'object' && meta.train !== null ? (meta.train as { seed?: unknown }).seed : undefined;
      if (inputOrder === 'shuffled' && typeof seed !== 'number') throw new SobolnetError(`${file} records no seed for its shuffled input order`);
      const split = dataForRecipe({ inputOrder: inputOrder as InputOrder, seed: seed as number, validation: 0 }, loadDataset(name, o.data));
      // A model trained on normalised inputs carries the training statistics; without them, pixel / 255.
      const data = meta.normalization === undefined ? split : withNormalization(split,
        checkNormalization(meta.normalization, imageShapeOf(split.test.shape, split.test.name).channels, `${file}: its normalization`));
      const result = evaluate(model, data.test);
      const recorded = typeof meta.testAccuracy === 'number' ? meta.testAccuracy : null;
      if (o.json) {
        process.stdout.write(JSON.stringify({ model: file, dataset: name, ...result, recordedAccuracy: recorded }) + '\n');
        return;
      }
      process.stdout.write(`model          ${file}\n` +
        `dataset        ${data.test.name} (${result.count} samples)\n` +
        `test accuracy  ${(100 * result.accuracy).toFixed(2)} %  (loss ${result.loss.toFixed(4)})\n` +
        (recorded === null ? '' : `recorded       ${(100 * recorded).toFixed(2)} % at the end of training\n`));
    });
}
