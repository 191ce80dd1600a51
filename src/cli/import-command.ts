/**
 * `sobolnet import <weights.npz> --into <model.sobolnet> [--out <file>]`: weights trained in
 * PyTorch (python/sobolnet_torch's save_export) back into a sobolnet model file. The model is
 * rebuilt from --into's spec, its topology regenerated, and the export checked against it
 * (export/torch/import-torch-weights.ts); the result keeps --into's spec and meta, drops the
 * recorded test accuracy (it was measured on other weights) and names the import. Without --out
 * it replaces --into, atomically; bad input ends with one line and writes nothing.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { readInputFile } from '../core/node/read-input-file.js';
import { importOptional } from '../core/optional-import.js';
import { referenceKernels } from '../kernels/reference-kernels.js';
import { loadModel, saveModel } from '../model/node/model-io.js';
import { checkOutFile } from './check-out-file.js';

interface ImportOptions { into: string; out?: string }

export function registerImport(program: Command): void {
  program.command('import')
    .description('bring weights trained in PyTorch (an .npz written by python/sobolnet_torch) back into a sobolnet model file')
    .argument('<weights>', 'the .npz that save_export wrote (the format of `sobolnet export --format torch`)')
    .requiredOption('--into <model>', 'the model file the weights belong to: its spec regenerates the topology they are checked against')
    .option('--out <file>', 'write the result here instead of replacing --into')
    .action(async (weights: string, o: ImportOptions) => {
      const out = o.out ?? o.into;
      checkOutFile(out, o.out === undefined ? '--into' : '--out');
      // fflate reads the .npz: an optional dependency, loaded here, one line if missing.
      const { importTorchWeights } = await importOptional(() => import('../export/torch/import-torch-weights.js'),
        'the PyTorch import', ['fflate']);
      const bytes = readInputFile(weights, 'weights file');
      // Importing computes nothing: the reference kernels hold the model without wasm memory.
      const { model, meta } = loadModel(o.into, referenceKernels);
      importTorchWeights(bytes, model, weights);
      const { testAccuracy: _stale, ...kept } = meta;
      saveModel(out, model, { ...kept, imported: { from: basename(weights) } });
      process.stdout.write(`imported ${weights} into ${out} (${model.parameterCount} parameters, topology checked)\n`);
    });
}
