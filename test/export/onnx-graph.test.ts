/**
 * The graph builder under the ONNX exporter (onnx-graph.ts): index storage by size (uint16 and a
 * Cast up to 65,536, int32 beyond), int64 constants stored once, fresh names, renaming a graph
 * input to an output through Identity, and bytes that onnxruntime runs.
 */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { OnnxGraph, ONNX_TYPES } from '../../src/export/onnx/onnx-graph.js';

const { onnx } = onnxProto;

/** A graph y[M] = x[index] over x[n] with the given indices. */
function gatherGraph(n: number, index: readonly number[]): { graph: OnnxGraph; bytes: Uint8Array } {
  const graph = new OnnxGraph('gather');
  const x = graph.reserve('x');
  graph.rename(graph.node('Gather', [x, graph.indices('index', index, n)], { axis: { int: 0 } }), 'y');
  return { graph, bytes: graph.encode([{ name: 'x', type: 'float', dims: [n] }], [{ name: 'y', type: 'float', dims: [index.length] }], { producer: 'test' }) };
}

async function run(bytes: Uint8Array, x: Float32Array): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const out = await session.run({ x: new ort.Tensor('float32', x, [x.length]) });
  await session.release();
  return [...(out.y.data as Float32Array)];
}

describe('OnnxGraph', () => {
  it('stores indices below 65,536 as uint16 with a Cast, and wider ones as int32', async () => {
    const small = gatherGraph(65_536, [65_535, 0, 7]);
    const wide = gatherGraph(70_000, [69_999, 0, 7]);
    const types = (bytes: Uint8Array): number[] => (onnx.ModelProto.decode(bytes).graph?.initializer ?? []).map((t) => t.dataType ?? 0);
    expect(types(small.bytes)).toEqual([ONNX_TYPES.uint16]);
    expect(types(wide.bytes)).toEqual([ONNX_TYPES.int32]);
    expect(small.graph.dataBytes).toBe(6);
    expect(wide.graph.dataBytes).toBe(12);
    const x = Float32Array.from({ length: 70_000 }, (_, i) => i);
    expect(await run(small.bytes, x.subarray(0, 65_536))).toEqual([65_535, 0, 7]);
    expect(await run(wide.bytes, x)).toEqual([69_999, 0, 7]);
  });

  it('stores an int64 constant once, names values freshly, and renames a graph input through Identity', async () => {
    const g = new OnnxGraph('g');
    expect(g.int64s([1, -1])).toBe('const_1_m1');
    expect(g.int64s([1, -1])).toBe('const_1_m1');
    expect(g.fresh('a')).toBe('a');
    expect(g.fresh('a')).toBe('a_2');
    const x = g.reserve('x');
    expect(() => g.reserve('x')).toThrow(SobolnetError);
    g.rename(x, 'y');
    const bytes = g.encode([{ name: 'x', type: 'float', dims: ['n'] }], [{ name: 'y', type: 'float', dims: ['n'] }], { producer: 'test' });
    expect(onnx.ModelProto.decode(bytes).graph?.node?.map((n) => n.opType)).toEqual(['Identity']);
    expect(await run(bytes, Float32Array.from([3, -2]))).toEqual([3, -2]);
  });

  it('refuses an initializer whose dims do not hold its values', () => {
    expect(() => new OnnxGraph('g').floats('w', [2, 3], new Float32Array(5))).toThrow(/dims \[2, 3\] hold 6 values, got 5/);
  });
});
