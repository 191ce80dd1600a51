/**
 * `sobolnet export <model> --format onnx|torch --out <file>`: a model file as an ONNX inference
 * graph (docs/onnx-export.md) or as the .npz that python/sobolnet_torch rebuilds into a PyTorch
 * module. `--out` is checked before the model is read, and the file is written atomically, so bad
 * input ends with one line and leaves no file behind. Exporting computes nothing, so the model is
 * loaded on the reference kernels (no wasm memory).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../core/node/atomic-write.js';
import { importOptional } from '../core/optional-import.js';
import { weightBytesOf } from '../export/weight-bytes.js';
import { referenceKernels } from '../kernels/reference-kernels.js';
import type { Model } from '../model/model.js';
import type { ModelMeta } from '../model/model-file.js';
import { loadModel } from '../model/node/model-io.js';
import { checkOutFile } from './check-out-file.js';

export const EXPORT_FORMATS = ['onnx', 'torch'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface ExportOptions { format: ExportFormat; out: string }

/**
 * The encoder of `format`. Their packages (onnx-proto, fflate) are optional dependencies, loaded
 * here: a missing one ends with one line naming it.
 */
async function encoderOf(format: ExportFormat): Promise<(model: Model, meta: ModelMeta) => Uint8Array> {
  if (format === 'onnx') {
    const { encodeOnnx } = await importOptional(() => import('../export/onnx/encode-onnx.js'), 'ONNX export', ['onnx-proto']);
    return (model) => encodeOnnx(model);
  }
  const { encodeTorchExport } = await importOptional(() => import('../export/torch/encode-torch-export.js'), 'the PyTorch export', ['fflate']);
  return encodeTorchExport;
}

export function registerExport(program: Command): void {
  program.command('export')
    .description('write a saved model as an ONNX inference graph (path layers kept sparse) or as an .npz for the PyTorch bridge (python/sobolnet_torch)')
    .argument('<model>', 'model file written by `sobolnet train --out`')
    .addOption(new Option('--format <format>', 'onnx: input [batch, C, H, W] ([batch, D] for an MLP), output logits [batch, classes]; ' +
      'torch: spec, weights and gather indices in one .npz').choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--out <file>', 'the file to write (its folder is created; an existing file is replaced atomically)')
    .action(async (file: string, o: ExportOptions) => {
      checkOutFile(o.out, '--out');
      const encode = await encoderOf(o.format);
      const { model, meta } = loadModel(file, referenceKernels);
      const bytes = encode(model, meta);
      mkdirSync(dirname(o.out), { recursive: true });
      writeFileAtomic(o.out, bytes);
      const weights = weightBytesOf(model);
      process.stdout.write(`exported ${o.format} ${o.out}: ${bytes.length} bytes, weights ${weights} bytes (4 per stored float), ` +
        `${(bytes.length / weights).toFixed(2)}× the weights\n`);
    });
}
