/** Model files on disk: atomic save, verified load. */
import { readFileSync } from 'node:fs';
import { SobolnetError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/node/atomic-write.js';
import type { Kernels } from '../../kernels/kernels.js';
import type { Model } from '../model.js';
import { decodeModel, encodeModel, type ModelMeta } from '../model-file.js';

export function saveModel(path: string, model: Model, meta: ModelMeta = {}): void {
  writeFileAtomic(path, encodeModel(model, meta));
}

export function loadModel(path: string, kernels: Kernels): { model: Model; meta: ModelMeta } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SobolnetError(code === 'ENOENT' ? `model file not found: ${path}` : `cannot read model file ${path}: ${code ?? String(e)}`);
  }
  return decodeModel(bytes, kernels, path);
}
