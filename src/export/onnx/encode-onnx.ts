/**
 * ONNX export of a sobolnet model (issue #12). Placeholder: the exporter is being built.
 */
import { SobolnetError } from '../../core/errors.js';
import type { Model } from '../../model/model.js';

/** The model as ONNX protobuf bytes: input [B, C, H, W] (or [B, D] for an MLP), output logits [B, classes]. */
export function encodeOnnx(model: Model): Uint8Array {
  throw new SobolnetError(`ONNX export is not built yet (model with ${model.layers.length} layers)`);
}
