/**
 * ONNX export of a sobolnet model (issue #12; docs/onnx-export.md): a standard inference graph
 * that onnxruntime and other ONNX engines run as it is, with the path layers kept sparse.
 *
 * - Input `input`: float32 [batch, C, H, W] for a model whose input is an image, [batch, D] for an
 *   MLP (input shape D×1×1); `batch` is a symbolic dimension. The values are what sobolnet's
 *   layers read: its input pre-processing (pixel / 255, per-channel normalisation, the input
 *   order of the pixels) stays outside the model, as it does for `model.forward`.
 * - Output `logits`: float32 [batch, classes], before the softmax.
 * - Inference only: batch norm uses its running statistics; no gradients, no optimiser state.
 *   A float64 model is exported as float32.
 *
 * Shape legend: B batch, C channels, H×W image, D input units.
 */
import type { Model } from '../../model/model.js';
import { emitLayers, inForm, type Activation } from './emit-layers.js';
import { OnnxGraph, type OnnxDim } from './onnx-graph.js';
import { isVectorShape, sampleDims } from '../../model/layer-spec.js';

/** The names of the graph's input and output, and of its symbolic batch dimension. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'logits';
export const ONNX_BATCH = 'batch';

export interface EncodeOnnxOptions {
  /** The graph's name (default 'sobolnet'). */
  readonly name?: string;
  /** ModelProto.doc_string (default: one line naming the model's input and output). */
  readonly docString?: string;
}

/** The model as ONNX protobuf bytes: input [B, C, H, W] (or [B, D] for an MLP), output logits [B, classes]. */
export function encodeOnnx(model: Model, options: EncodeOnnxOptions = {}): Uint8Array {
  const g = new OnnxGraph(options.name ?? 'sobolnet');
  const input: Activation = { name: g.reserve(ONNX_INPUT), shape: model.inputShape, form: isVectorShape(model.inputShape) ? 'vector' : 'image' };
  const last = inForm(g, emitLayers(g, model.layers, input, 'l'), 'vector');
  g.rename(last.name, ONNX_OUTPUT);
  const inputDims: OnnxDim[] = [ONNX_BATCH, ...sampleDims(model.inputShape)];
  return g.encode(
    [{ name: ONNX_INPUT, type: 'float', dims: inputDims }],
    [{ name: ONNX_OUTPUT, type: 'float', dims: [ONNX_BATCH, model.classes] }],
    {
      producer: 'sobolnet',
      docString: options.docString ??
        `sobolnet model: ${ONNX_INPUT} [${inputDims.join(', ')}] float32 (pre-processed as sobolnet's layers read it) -> ${ONNX_OUTPUT} [${ONNX_BATCH}, ${model.classes}]`,
      metadata: { 'sobolnet.spec': JSON.stringify(model.spec) },
    },
  );
}
