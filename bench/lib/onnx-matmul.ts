/**
 * One-node ONNX models for the engine benches: Y[M,N] = X[M,K] · W[K,N] (MatMul) and a 2-D
 * convolution (Conv, NCHW). Built with the exporter's graph builder on onnx-proto
 * (src/export/onnx/onnx-graph.ts: IR version, opset, initializers), with fixed dimensions: the
 * weight is an initializer, X the only graph input, Y the output.
 */
import { OnnxGraph, type OnnxDim } from '../../src/export/onnx/onnx-graph.js';
import type { ConvShape } from '../../src/kernels/conv-shape.js';

/** ModelProto bytes of a graph whose one node `op` reads X and the initializer W (dims `wDims`). */
function oneNodeModel(name: string, op: string, wDims: readonly number[], W: Float32Array,
  xDims: readonly OnnxDim[], yDims: readonly OnnxDim[], attributes: Parameters<OnnxGraph['node']>[2] = {}): Uint8Array {
  const g = new OnnxGraph(name);
  const x = g.reserve('X');
  const y = g.node(op, [x, g.floats('W', wDims, W)], attributes);
  g.rename(y, 'Y');
  return g.encode([{ name: 'X', type: 'float', dims: xDims }], [{ name: 'Y', type: 'float', dims: yDims }], { producer: 'sobolnet-bench' });
}

/** ModelProto bytes of Y[M,N] = MatMul(X[M,K], W[K,N]) with W (row-major [K][N]) as an initializer. */
export function matMulModel(M: number, K: number, N: number, W: Float32Array): Uint8Array {
  return oneNodeModel('sobolnet-bench-matmul', 'MatMul', [K, N], W, [M, K], [M, N]);
}

/**
 * ModelProto bytes of Y[B,Co,Ho,Wo] = Conv(X[B,Ci,H,W], W[Co,Ci,k,k]): no bias, stride s and zero
 * padding p on every side (pads = [p, p, p, p]), no dilation, one group. W is an initializer.
 */
export function convModel(B: number, shape: ConvShape, W: Float32Array): Uint8Array {
  const { inChannels: Ci, outChannels: Co, kernel: k, stride: s, padding: p } = shape;
  return oneNodeModel('sobolnet-bench-conv', 'Conv', [Co, Ci, k, k], W,
    [B, Ci, shape.inHeight, shape.inWidth], [B, Co, shape.outHeight, shape.outWidth],
    { kernel_shape: { ints: [k, k] }, strides: { ints: [s, s] }, pads: { ints: [p, p, p, p] }, dilations: { ints: [1, 1] } });
}
