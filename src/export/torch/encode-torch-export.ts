/**
 * The PyTorch export of a sobolnet model (issue #12): an .npz that python/sobolnet_torch reads.
 * Placeholder: the exporter is being built.
 */
import { SobolnetError } from '../../core/errors.js';
import type { Model } from '../../model/model.js';
import type { ModelMeta } from '../../model/model-file.js';

/** The model as .npz bytes (docs/scaling-out.md describes the format). */
export function encodeTorchExport(model: Model, meta: ModelMeta): Uint8Array {
  throw new SobolnetError(`PyTorch export is not built yet (model with ${model.layers.length} layers, meta keys ${Object.keys(meta).length})`);
}
