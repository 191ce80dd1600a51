/** Model files on disk: atomic save, verified load. */
import { writeFileAtomic } from '../../core/node/atomic-write.js';
import { readInputFile } from '../../core/node/read-input-file.js';
import type { Kernels } from '../../kernels/kernels.js';
import type { Model } from '../model.js';
import { decodeModel, encodeModel, type ModelMeta } from '../model-file.js';

export function saveModel(path: string, model: Model, meta: ModelMeta = {}): void {
  writeFileAtomic(path, encodeModel(model, meta));
}

export function loadModel(path: string, kernels: Kernels): { model: Model; meta: ModelMeta } {
  return decodeModel(readInputFile(path, 'model file'), kernels, path);
}
