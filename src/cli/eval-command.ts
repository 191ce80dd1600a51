/** `sobolnet eval <model>`: reload a model file, verify it, and measure its test accuracy. */
import { Option, type Command } from 'commander';
import { DATASET_NAMES, type DatasetName } from '../data/node/load-dataset.js';
import { BACKEND_NAMES, selectKernels, type BackendName } from '../kernels/node/select-kernels.js';
import { loadModel } from '../model/node/model-io.js';
import { evaluate } from '../train/evaluate.js';
import { checkThreadsApply } from './check-threads-apply.js';
import { modelData } from './model-data.js';
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
      const { name, data } = modelData(file, meta, o.dataset, o.data);
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
