/**
 * sobolnet layers -> ONNX nodes (docs/onnx-export.md lists them op by op). Inside the graph an
 * activation takes one of three forms: an image [N, C, H, W], a vector [N, D], or units [D, N]
 * (sobolnet's own layout, batch innermost). sobolnet's x[C][H][W][B] holds the same C·H·W order
 * per sample, so Flatten and Reshape between image and vector move no data; a layer converts its
 * input only when its op needs another form, and a chain of path linear layers stays in units form
 * from its first Transpose to its last.
 *
 * Path layers stay sparse. A path linear layer gathers its inputs by the stored source indices
 * from units [I, N] (Gather on axis 0: each index copies a whole row of N samples, where a Gather
 * on the unit axis of [N, I] copies one float per index, measured 5 to 10 times slower in
 * onnxruntime at N = 128) and multiplies and sums each target's K slots with one grouped 1-D Conv
 * (group = O, kernel 1, the batch as the Conv's spatial axis): the Mul + ReduceSum of the gather
 * form in one op, bias included. A path convolution does the same over channels: a Gather of K
 * input channels per output channel, then one grouped Conv (group = Co, each group its own K
 * gathered channels). A variable fan-in splits the targets into buckets of similar fan-in, each
 * its own Gather and Conv, concatenated and put back in target order by one Gather
 * (bucket-gather.ts). Batch norm exports its running statistics (inference mode).
 *
 * Shape legend: N batch (symbolic), C/Ci/Co channels, H×W image, D units, I inputs, O outputs,
 * K slots per target (the largest fan-in of a bucket), c targets of a bucket, k kernel, s stride, p padding.
 */
import { SobolnetError } from '../../core/errors.js';
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
import { unitsOf } from '../../model/layer-spec.js';
import type { OnnxGraph } from './onnx-graph.js';
import { bucketGather, bucketValues, bucketWeights, inTargetOrder } from './bucket-gather.js';

/** A value of the graph: its name, the sample shape it holds, and its form ([N,C,H,W], [N,D] or [D,N], with D = C·H·W). */
export interface Activation {
  readonly name: string;
  readonly shape: ImageShape;
  readonly form: 'image' | 'vector' | 'units';
}

const vectorShape = (n: number): ImageShape => ({ channels: n, height: 1, width: 1 });
const TRANSPOSE = { perm: { ints: [1, 0] } } as const;

/** The activation in the form `form`: Flatten/Reshape between image and vector, Transpose to and from units. */
export function inForm(g: OnnxGraph, a: Activation, form: Activation['form']): Activation {
  if (a.form === form) return a;
  const { channels: C, height: H, width: W } = a.shape;
  const flat = { shape: vectorShape(unitsOf(a.shape)) };
  switch (form) {
    case 'vector':   // [N,C,H,W] -> [N,D] (Flatten), [D,N] -> [N,D] (Transpose)
      return a.form === 'image'
        ? { ...flat, name: g.node('Flatten', [a.name], { axis: { int: 1 } }), form }
        : { ...flat, name: g.node('Transpose', [a.name], TRANSPOSE), form };
    case 'units':    // via [N,D]
      return { ...flat, name: g.node('Transpose', [inForm(g, a, 'vector').name], TRANSPOSE), form };
    case 'image':    // via [N,D]; Reshape's 0 keeps the batch dimension
      return { shape: a.shape, name: g.node('Reshape', [inForm(g, a, 'vector').name, g.int64s([0, C, H, W])]), form };
    default:
      return form satisfies never;
  }
}

/** The optional bias input of a Gemm or Conv: [] without a bias, else one float initializer of `dims`. */
function biasInput(g: OnnxGraph, hint: string, bias: ArrayLike<number> | null, dims: readonly number[]): string[] {
  return bias === null ? [] : [g.floats(`${hint}_bias`, dims, bias)];
}

/** The input `x` with one zero appended along `axis` of a tensor of `rank` (the unit I that padded slots read). */
function appendZero(g: OnnxGraph, x: string, axis: number, rank: number): string {
  const pads = new Array<number>(2 * rank).fill(0);
  pads[rank + axis] = 1;
  return g.node('Pad', [x, g.int64s(pads)], {}, 'pad_zero');
}

/** What the Conv of one bucket of a path layer reads: the gathered sources, the weights, the bias. */
interface BucketInputs {
  readonly gathered: string;
  readonly weight: string;
  /** The Conv's optional bias input: [] or [name]. */
  readonly bias: readonly string[];
  readonly targets: number;
  readonly fanIn: number;
}

/**
 * The sparse sums of a path layer (path linear or path convolution) on `x`, with the sources on
 * `axis` (0 of units [I,N], 1 of images [N,Ci,H,W]): per bucket of targets (bucket-gather.ts) a
 * Gather of its K sources per target and the grouped Conv `sum` gives; the buckets' outputs are
 * concatenated on axis 1 and, when there is more than one, put back in target order by a Gather.
 */
function pathSums(g: OnnxGraph, layer: PathLinear | PathConv2d, x: string, axis: number, rank: number, hint: string,
  sum: (b: BucketInputs, hint: string) => string): string {
  const { index } = layer;
  const gather = bucketGather(index);
  const source = gather.padded ? appendZero(g, x, axis, rank) : x;
  const taps = layer instanceof PathConv2d ? layer.taps : 1;
  const kernel = layer instanceof PathConv2d ? [layer.shape.kernel, layer.shape.kernel] : [1];
  const parts = gather.buckets.map((bucket, i) => {
    const h = gather.buckets.length === 1 ? hint : `${hint}_b${i}`;
    const indices = g.indices(`${h}_sources`, bucket.sources, gather.padded ? index.inputs + 1 : index.inputs);
    const c = bucket.targets.length, K = bucket.fanIn;
    return sum({
      gathered: g.node('Gather', [source, indices], { axis: { int: axis } }, `${h}_gather`),
      weight: g.floats(`${h}_weight`, [c, K, ...kernel], bucketWeights(bucket, index, layer.weight.value, taps)),
      bias: biasInput(g, h, layer.bias === null ? null : bucketValues(bucket, layer.bias.value), [c]),
      targets: c, fanIn: K,
    }, h);
  });
  const joined = parts.length === 1 ? parts[0] : g.node('Concat', parts, { axis: { int: 1 } }, `${hint}_concat`);
  if (inTargetOrder(gather)) return joined;
  const order = g.indices(`${hint}_order`, gather.position, index.outputs);
  return g.node('Gather', [joined, order], { axis: { int: 1 } }, `${hint}_in_order`);
}

// x[I,N] -> y[O,N]: per bucket Gather rows [c·K,N], Reshape [1,c·K,N], Conv W[c,K,1] (group c) + bias -> [1,c,N]; Reshape [O,N]
function pathLinear(g: OnnxGraph, layer: PathLinear, a: Activation, hint: string): Activation {
  const x = inForm(g, a, 'units');
  const O = layer.outputs;
  const sums = pathSums(g, layer, x.name, 0, 2, hint, (b, h) => {
    const rows = g.node('Reshape', [b.gathered, g.int64s([1, b.targets * b.fanIn, -1])], {}, `${h}_rows`);
    return g.node('Conv', [rows, b.weight, ...b.bias], { group: { int: b.targets }, kernel_shape: { ints: [1] } }, `${h}_sum`);
  });
  return { name: g.node('Reshape', [sums, g.int64s([O, -1])], {}, `${hint}_out`), shape: vectorShape(O), form: 'units' };
}

// x[N,Ci,H,W] -> y[N,Co,Ho,Wo]: per bucket Gather channels [N,c·K,H,W], Conv W[c,K,k,k] (group c) + bias
function pathConv(g: OnnxGraph, layer: PathConv2d, a: Activation, hint: string): Activation {
  const x = inForm(g, a, 'image');
  const { outChannels: Co, kernel: k, stride: s, padding: p, outHeight, outWidth } = layer.shape;
  const y = pathSums(g, layer, x.name, 1, 4, hint, (b, h) => g.node('Conv', [b.gathered, b.weight, ...b.bias], {
    group: { int: b.targets }, kernel_shape: { ints: [k, k] }, strides: { ints: [s, s] }, pads: { ints: [p, p, p, p] },
  }, `${h}_conv`));
  return { name: y, shape: { channels: Co, height: outHeight, width: outWidth }, form: 'image' };
}

// x[N,Ci,H,W] -> y[N,Co,Ho,Wo]: Conv W[Co,Ci,k,k]
function denseConv(g: OnnxGraph, layer: Conv2d, a: Activation, hint: string): Activation {
  const x = inForm(g, a, 'image');
  const { inChannels: Ci, outChannels: Co, kernel: k, stride: s, padding: p, outHeight, outWidth } = layer.shape;
  const weight = g.floats(`${hint}_weight`, [Co, Ci, k, k], layer.weight.value);
  const y = g.node('Conv', [x.name, weight, ...biasInput(g, hint, layer.bias?.value ?? null, [Co])], { kernel_shape: { ints: [k, k] }, strides: { ints: [s, s] }, pads: { ints: [p, p, p, p] } }, `${hint}_conv`);
  return { name: y, shape: { channels: Co, height: outHeight, width: outWidth }, form: 'image' };
}

// x[N,I] -> y[N,O] = x W^T + bias (Gemm, transB), or in units form x[I,N] -> y[O,N] = W x + bias[O,1]; W[O,I] as stored
function denseLinear(g: OnnxGraph, layer: DenseLinear, a: Activation, hint: string): Activation {
  const x = a.form === 'units' ? a : inForm(g, a, 'vector');
  const { inputs: I, outputs: O } = layer;
  const weight = g.floats(`${hint}_weight`, [O, I], layer.weight.value);
  const bias = biasInput(g, hint, layer.bias?.value ?? null, x.form === 'units' ? [O, 1] : [O]);
  const y = x.form === 'units'
    ? g.node('Gemm', [weight, x.name, ...bias], {}, `${hint}_gemm`)
    : g.node('Gemm', [x.name, weight, ...bias], { transB: { int: 1 } }, `${hint}_gemm`);
  return { name: y, shape: vectorShape(O), form: x.form };
}

// x[N,C,H,W], x[N,D] or x[D,N] -> the same: BatchNormalization with the running statistics, per channel (per unit of a vector)
function batchNorm(g: OnnxGraph, layer: BatchNorm, a: Activation, hint: string): Activation {
  const U = layer.units;
  // per channel of an image whose C is the layer's units; per unit of a vector otherwise
  const x = a.form === 'image' && a.shape.channels !== U ? inForm(g, a, 'vector') : a;
  const arrays = [layer.gamma.value, layer.beta.value, layer.runningMean.value, layer.runningVar.value];
  const [scale, shift, mean, variance] = ['scale', 'shift', 'mean', 'var'].map((what, i) => g.floats(`${hint}_${what}`, [U], arrays[i]));
  const norm = (v: string): string =>
    g.node('BatchNormalization', [v, scale, shift, mean, variance], { epsilon: { float: layer.eps } }, `${hint}_bn`);
  if (x.form !== 'units') return { ...x, name: norm(x.name) };
  // units [D,N] as [1,D,N]: the units on the channel axis, the batch as a spatial axis (Reshape moves no data)
  const y = norm(g.node('Reshape', [x.name, g.int64s([1, U, -1])], {}, `${hint}_as_channels`));
  return { ...x, name: g.node('Reshape', [y, g.int64s([U, -1])], {}, `${hint}_out`) };
}

// x[N,C,H,W] -> y[N,C,Ho,Wo]: MaxPool or AveragePool, no padding, floor output size
function pool(g: OnnxGraph, layer: MaxPool2d | AvgPool2d, a: Activation, hint: string): Activation {
  const x = inForm(g, a, 'image');
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
    const x = inForm(g, a, 'image');
    return { name: g.node('GlobalAveragePool', [x.name], {}, `${hint}_gap`), shape: vectorShape(x.shape.channels), form: 'image' };
  }
  if (layer instanceof Flatten) return a.form === 'image' ? inForm(g, a, 'vector') : { ...a, shape: vectorShape(unitsOf(a.shape)) };
  if (layer instanceof Residual) return residual(g, layer, a, hint);
  throw new SobolnetError(`ONNX export: layer ${hint} of kind ${layer.kind} has no ONNX form`);
}

/** Emits `layers` in order on `a` (an empty list is the identity); returns the last activation. */
export function emitLayers(g: OnnxGraph, layers: readonly Layer[], a: Activation, prefix: string): Activation {
  return layers.reduce((x, layer, i) => emitLayer(g, layer, x, `${prefix}_${i}`), a);
}
