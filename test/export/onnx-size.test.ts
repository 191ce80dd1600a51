/**
 * The size bar of issue #12: the ONNX file of the default network (784-1024-1024-10, Sobol' fan-in
 * 32, `npm start`) is under 2× its weight bytes (4 per stored float), because its path layers stay
 * sparse: their weight initializers hold E values, not I·O, and their indices are uint16. A dense
 * export would weigh about 24× the weight bytes.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { completeRecipe, modelSpecOf } from '../../src/experiment/run-recipe.js';
import { encodeOnnx } from '../../src/export/onnx/encode-onnx.js';
import { ONNX_IR_VERSION, ONNX_OPSET, ONNX_TYPES } from '../../src/export/onnx/onnx-graph.js';
import { denseWeightBytesOf, weightBytesOf } from '../../src/export/weight-bytes.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';

const { onnx } = onnxProto;

describe('ONNX export size', () => {
  const model = new Model(modelSpecOf(completeRecipe({ widths: [784, 1024, 1024, 10] }, ''), 32), referenceKernels);
  const bytes = encodeOnnx(model);
  const weights = weightBytesOf(model);

  it('writes the default network in under 2× its weight bytes; a dense export would be about 24×', () => {
    // 2 path layers of 32 · 1024 edges, biases 2 · 1024, dense output 1024 · 10 + 10
    expect(weights).toBe(4 * (2 * 32 * 1024 + 2 * 1024 + 10 * 1024 + 10));
    const ratio = bytes.length / weights;
    const denseRatio = denseWeightBytesOf(model) / weights;
    console.log(`default network: ONNX ${bytes.length} bytes, weights ${weights} bytes, ratio ${ratio.toFixed(3)}; ` +
      `dense weights ${denseWeightBytesOf(model)} bytes, ${denseRatio.toFixed(2)}× the weights`);
    expect(ratio).toBeLessThan(2);
    expect(denseRatio).toBeGreaterThan(22);
    expect(denseRatio).toBeLessThan(26);
  });

  it('keeps the path layers sparse: E weights and E uint16 indices each, gathered and summed by a grouped Conv', () => {
    const decoded = onnx.ModelProto.decode(bytes);
    expect(Number(decoded.irVersion)).toBe(ONNX_IR_VERSION);
    expect(decoded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    const graph = decoded.graph as onnxProto.onnx.GraphProto; // decode fills every repeated field
    const sizes = Object.fromEntries(graph.initializer.map((t) => [t.name, { dims: (t.dims ?? []).map(Number), type: t.dataType }]));
    for (const layer of ['l_0', 'l_2']) {
      expect(sizes[`${layer}_weight`]).toEqual({ dims: [1024, 32, 1], type: ONNX_TYPES.float });   // [O, K, 1]: E = O·K
      expect(sizes[`${layer}_sources_u16`]).toEqual({ dims: [32 * 1024], type: ONNX_TYPES.uint16 });
    }
    expect(sizes.l_4_weight).toEqual({ dims: [10, 1024], type: ONNX_TYPES.float });
    const ops = graph.node.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Gather')).toHaveLength(2);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(2);   // the grouped sums, one per path layer
    expect(ops).not.toContain('MatMul');
    expect(graph.output.map((o) => o.name)).toEqual(['logits']);
    expect(graph.input.map((i) => i.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)))).toEqual([['batch', 784]]);
  });
});
