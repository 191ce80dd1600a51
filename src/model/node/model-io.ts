/** Model files on disk: atomic save, verified load. */
import { writeFileAtomic } from '../../core/node/atomic-write.js';
import { readInputFile } from '../../core/node/read-input-file.js';
import type { Kernels } from '../../kernels/kernels.js';
import type { Model } from '../model.js';
import { decodeModel, encodeModel, type ModelMeta } from '../model-file.js';

/** Writes `model` as a model file at `path`, atomically. */
export function saveModel(path: string, model: Model, meta: ModelMeta = {}): void {
  writeFileAtomic(path, encodeModel(model, meta));
}

/** Reads a model file and rebuilds the model on `kernels`; a bad file is one SobolnetError line. */
export function loadModel(path: string, kernels: Kernels): { model: Model; meta: ModelMeta } {
  return decodeModel(readInputFile(path, 'model file'), kernels, path);
}
