/**
 * sobolnet layers -> ONNX nodes (docs/onnx-export.md lists them op by op). Inside the graph an
 * activation is either an image [N, C, H, W] or a vector [N, D]; sobolnet's x[C][H][W][B] holds
 * the same C·H·W order per sample, so Flatten and Reshape between the two forms move no data, and
 * a layer converts its input only when its op needs the other form (a linear layer after a
 * convolution flattens, a convolution after a linear layer reshapes to D×1×1).
 *
 * Path layers stay sparse: a Gather of the inputs by the stored source indices, a Mul by the
 * weights and a ReduceSum over each target's K slots (padded-gather.ts); a path convolution
 * gathers K input channels per output channel and runs one grouped Conv (group = Co, each group
 * its own K gathered channels). Batch norm exports its running statistics (inference mode).
 *
 * Shape legend: N batch (symbolic), C/Ci/Co channels, H×W image, D units, I inputs, O outputs,
 * K the largest fan-in, k kernel, s stride, p padding.
 */
import { SobolnetError } from '../../core/errors.js';
import type { Floats } from '../../core/floats.js';
import type { ImageShape } from '../../core/image-shape.js';
import { AvgPool2d } from '../../layers/avg-pool2d.js';
import { BatchNorm } from '../../layers/batch-norm.js';
import { Conv2d } from '../../layers/conv2d.js';
import { DenseLinear } from '../../layers/dense-linear.js';
import { Flatten } from '../../layers/flatten.js';
import { GlobalAvgPool } from '../../layers/global-avg-pool.js';
import type { Layer } from '../../layers/layer.js';
import { MaxPool2d } from '../../layers/max-pool2d.js';
import { PathConv2d } from '../../layers/path-conv2d.js';
import { PathLinear } from '../../layers/path-linear.js';
import { Relu } from '../../layers/relu.js';
import { Residual } from '../../layers/residual.js';
import type { OnnxGraph } from './onnx-graph.js';
import { padGather, padWeights } from './padded-gather.js';

/** A value of the graph: its name, the sample shape it holds, and its form ([N,C,H,W] or [N,D] with D = C·H·W). */
export interface Activation {
  readonly name: string;
  readonly shape: ImageShape;
  readonly form: 'image' | 'vector';
}

const units = (s: ImageShape): number => s.channels * s.height * s.width;
const vectorShape = (n: number): ImageShape => ({ channels: n, height: 1, width: 1 });

/** [N,C,H,W] -> [N,C·H·W] (Flatten, axis 1). */
function asVector(g: OnnxGraph, a: Activation): Activation {
  if (a.form === 'vector') return a;
  return { name: g.node('Flatten', [a.name], { axis: { int: 1 } }), shape: vectorShape(units(a.shape)), form: 'vector' };
}

/** [N,D] -> [N,C,H,W] with D = C·H·W (Reshape; 0 keeps the batch dimension). */
function asImage(g: OnnxGraph, a: Activation): Activation {
  if (a.form === 'image') return a;
  const { channels: C, height: H, width: W } = a.shape;
  return { name: g.node('Reshape', [a.name, g.int64s([0, C, H, W])]), shape: a.shape, form: 'image' };
}

/** The activation in the form `form`. */
export function inForm(g: OnnxGraph, a: Activation, form: Activation['form']): Activation {
  return form === 'image' ? asImage(g, a) : asVector(g, a);
}

/** The bias of a layer as a float initializer, or '' (an absent optional input). */
function biasOf(g: OnnxGraph, hint: string, bias: { value: Floats } | null): string {
  return bias === null ? '' : g.floats(`${hint}_bias`, [bias.value.length], bias.value);
}

/** The input `x` with one zero appended along `axis` of a tensor of `rank` (the unit I that padded slots read). */
function appendZero(g: OnnxGraph, x: string, axis: number, rank: number): string {
  const pads = new Array<number>(2 * rank).fill(0);
  pads[rank + axis] = 1;
  return g.node('Pad', [x, g.int64s(pads)], {}, 'pad_zero');
}

// x[N,I] -> y[N,O]: Gather [N,O·K], Mul W[O·K], Reshape [N,O,K], ReduceSum over K, Add bias[O]
function pathLinear(g: OnnxGraph, layer: PathLinear, a: Activation, hint: string): Activation {
  const x = asVector(g, a);
  const { inputs: I, outputs: O } = layer;
  const gather = padGather(layer.index);
  const K = gather.fanIn;
  const source = gather.padded ? appendZero(g, x.name, 1, 2) : x.name;
  const indices = g.indices(`${hint}_sources`, gather.sources, gather.padded ? I + 1 : I);
  const gathered = g.node('Gather', [source, indices], { axis: { int: 1 } }, `${hint}_gather`);
  const weighted = g.node('Mul', [gathered, g.floats(`${hint}_weight`, [O * K], padWeights(gather, layer.weight.value, 1))], {}, `${hint}_mul`);
  let y = weighted;
  if (K > 1) {
    const rows = g.node('Reshape', [weighted, g.int64s([0, O, K])], {}, `${hint}_rows`);
    y = g.node('ReduceSum', [rows, g.int64s([2])], { keepdims: { int: 0 } }, `${hint}_sum`);
  }
  if (layer.bias !== null) y = g.node('Add', [y, biasOf(g, hint, layer.bias)], {}, `${hint}_out`);
  return { name: y, shape: vectorShape(O), form: 'vector' };
}

// x[N,Ci,H,W] -> y[N,Co,Ho,Wo]: Gather channels [N,Co·K,H,W], Conv W[Co,K,k,k] with group Co
function pathConv(g: OnnxGraph, layer: PathConv2d, a: Activation, hint: string): Activation {
  const x = asImage(g, a);
  const { inChannels: Ci, outChannels: Co, kernel: k, stride: s, padding: p, outHeight, outWidth } = layer.shape;
  const gather = padGather(layer.index);
  const K = gather.fanIn;
  const source = gather.padded ? appendZero(g, x.name, 1, 4) : x.name;
  const indices = g.indices(`${hint}_sources`, gather.sources, gather.padded ? Ci + 1 : Ci);
  const gathered = g.node('Gather', [source, indices], { axis: { int: 1 } }, `${hint}_gather`);
  const weight = g.floats(`${hint}_weight`, [Co, K, k, k], padWeights(gather, layer.weight.value, k * k));
  const inputs = layer.bias === null ? [gathered, weight] : [gathered, weight, biasOf(g, hint, layer.bias)];
  const y = g.node('Conv', inputs, {
    group: { int: Co }, kernel_shape: { ints: [k, k] }, strides: { ints: [s, s] }, pads: { ints: [p, p, p, p] },
  }, `${hint}_conv`);
  return { name: y, shape: { channels: Co, height: outHeight, width: outWidth }, form: 'image' };
}

// x[N,Ci,H,W] -> y[N,Co,Ho,Wo]: Conv W[Co,Ci,k,k]
function denseConv(g: OnnxGraph, layer: Conv2d, a: Activation, hint: string): Activation {
  const x = asImage(g, a);
  const { inChannels: Ci, outChannels: Co, kernel: k, stride: s, padding: p, outHeight, outWidth } = layer.shape;
  const weight = g.floats(`${hint}_weight`, [Co, Ci, k, k], layer.weight.value);
  const inputs = layer.bias === null ? [x.name, weight] : [x.name, weight, biasOf(g, hint, layer.bias)];
  const y = g.node('Conv', inputs, { kernel_shape: { ints: [k, k] }, strides: { ints: [s, s] }, pads: { ints: [p, p, p, p] } }, `${hint}_conv`);
  return { name: y, shape: { channels: Co, height: outHeight, width: outWidth }, form: 'image' };
}

// x[N,I] -> y[N,O] = x W^T + bias: Gemm with W[O,I] as stored (transB)
function denseLinear(g: OnnxGraph, layer: DenseLinear, a: Activation, hint: string): Activation {
  const x = asVector(g, a);
  const { inputs: I, outputs: O } = layer;
  const weight = g.floats(`${hint}_weight`, [O, I], layer.weight.value);
  const inputs = layer.bias === null ? [x.name, weight] : [x.name, weight, biasOf(g, hint, layer.bias)];
  return { name: g.node('Gemm', inputs, { transB: { int: 1 } }, `${hint}_gemm`), shape: vectorShape(O), form: 'vector' };
}

// x[N,C,H,W] or x[N,D] -> the same: BatchNormalization with the running statistics, per channel (per unit of a vector)
function batchNorm(g: OnnxGraph, layer: BatchNorm, a: Activation, hint: string): Activation {
  // per unit on a vector [N,D]; per channel on an image, whose C must be the layer's units
  const x = layer.spatial === 1 && a.shape.channels !== layer.units ? asVector(g, a) : a;
  const U = layer.units;
  const arrays = [layer.gamma.value, layer.beta.value, layer.runningMean.value, layer.runningVar.value];
  const [scale, shift, mean, variance] = ['scale', 'shift', 'mean', 'var'].map((what, i) => g.floats(`${hint}_${what}`, [U], arrays[i]));
  const y = g.node('BatchNormalization', [x.name, scale, shift, mean, variance], { epsilon: { float: layer.eps } }, `${hint}_bn`);
  return { ...x, name: y };
}

// x[N,C,H,W] -> y[N,C,Ho,Wo]: MaxPool or AveragePool, no padding, floor output size
function pool(g: OnnxGraph, layer: MaxPool2d | AvgPool2d, a: Activation, hint: string): Activation {
  const x = asImage(g, a);
  const { channels: C, size: k, stride: s, outHeight, outWidth } = layer.shape;
  const op = layer instanceof MaxPool2d ? 'MaxPool' : 'AveragePool';
  const y = g.node(op, [x.name], { kernel_shape: { ints: [k, k] }, strides: { ints: [s, s] } }, `${hint}_pool`);
  return { name: y, shape: { channels: C, height: outHeight, width: outWidth }, form: 'image' };
}

// x -> body(x) + shortcut(x), the shortcut's result in the body's form
function residual(g: OnnxGraph, block: Residual, a: Activation, hint: string): Activation {
  const body = emitLayers(g, block.body, a, `${hint}_body`);
  const shortcut = inForm(g, emitLayers(g, block.shortcut, a, `${hint}_shortcut`), body.form);
  return { ...body, name: g.node('Add', [body.name, shortcut.name], {}, `${hint}_add`) };
}

/** Emits one layer on `a`; `hint` names its values (`l3_body_0_...`). */
function emitLayer(g: OnnxGraph, layer: Layer, a: Activation, hint: string): Activation {
  if (layer instanceof PathLinear) return pathLinear(g, layer, a, hint);
  if (layer instanceof PathConv2d) return pathConv(g, layer, a, hint);
  if (layer instanceof DenseLinear) return denseLinear(g, layer, a, hint);
  if (layer instanceof Conv2d) return denseConv(g, layer, a, hint);
  if (layer instanceof BatchNorm) return batchNorm(g, layer, a, hint);
  if (layer instanceof Relu) return { ...a, name: g.node('Relu', [a.name], {}, `${hint}_relu`) };
  if (layer instanceof MaxPool2d || layer instanceof AvgPool2d) return pool(g, layer, a, hint);
  if (layer instanceof GlobalAvgPool) {
    const x = asImage(g, a);
    return { name: g.node('GlobalAveragePool', [x.name], {}, `${hint}_gap`), shape: vectorShape(x.shape.channels), form: 'image' };
  }
  if (layer instanceof Flatten) return asVector(g, a);
  if (layer instanceof Residual) return residual(g, layer, a, hint);
  throw new SobolnetError(`ONNX export: layer ${hint} of kind ${layer.kind} has no ONNX form`);
}

/** Emits `layers` in order on `a` (an empty list is the identity); returns the last activation. */
export function emitLayers(g: OnnxGraph, layers: readonly Layer[], a: Activation, prefix: string): Activation {
  return layers.reduce((x, layer, i) => emitLayer(g, layer, x, `${prefix}_${i}`), a);
}
