/**
 * ONNX export parity: onnxruntime-node runs the exported graph of every preset and of awkward
 * models (variable fan-in, stride-2 path convolutions, average pooling, batch norm on vectors and
 * on channels, residual blocks with 1×1 projections, odd channel counts, batch 1), and its logits
 * match sobolnet's inference forward on the reference kernels to 1e-5 relative (the normwise
 * measure of onnx-fixtures.ts). The errors are printed at the end, one line per model.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Precision } from '../../src/core/floats.js';
import { completeRecipe, modelSpecOf } from '../../src/experiment/run-recipe.js';
import { bucketGather } from '../../src/export/onnx/bucket-gather.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import type { Layer } from '../../src/layers/layer.js';
import { PathConv2d } from '../../src/layers/path-conv2d.js';
import { PathLinear } from '../../src/layers/path-linear.js';
import { Residual } from '../../src/layers/residual.js';
import type { GraphSpec } from '../../src/model/graph-spec.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { Model } from '../../src/model/model.js';
import type { PathSource } from '../../src/topology/spec.js';
import { onnxParity, randomiseState } from './onnx-fixtures.js';

const TOLERANCE = 1e-5;
const results: string[] = [];

const presetSpec = (fields: object): ModelSpec => modelSpecOf(completeRecipe(fields, ''), 32);

/** Every path layer of `layers`, residual branches included. */
function pathLayers(layers: readonly Layer[]): (PathLinear | PathConv2d)[] {
  return layers.flatMap((l) => l instanceof Residual ? pathLayers([...l.body, ...l.shortcut])
    : l instanceof PathLinear || l instanceof PathConv2d ? [l] : []);
}

/** Whether some path layer of `model` of `kind` has targets of different fan-in, exported as more than one table. */
function splitsFanIn(model: Model, kind: 'path' | 'path-conv'): boolean {
  return pathLayers(model.layers).some((l) => l.kind === kind && bucketGather(l.index).buckets.length > 1);
}

async function expectParity(label: string, spec: ModelSpec, B: number, precision: Precision = 'f32'): Promise<Model> {
  const model = new Model(spec, referenceKernels, precision);
  randomiseState(model, 17);
  const r = await onnxParity(model, B, 23);
  results.push(`${label.padEnd(44)} batch ${String(B).padStart(3)}  max rel error ${r.maxRelError.toExponential(2)}  (max |logit| ${r.maxAbsLogit.toFixed(2)}, ${r.bytes} bytes)`);
  expect(r.maxRelError).toBeLessThan(TOLERANCE);
  return model;
}

/**
 * Odd sizes everywhere: a dense stem with bias, a stride-2 path convolution, average pooling, a
 * residual block whose body is two path convolutions (the first stride 2, no bias) and whose
 * shortcut is a 1×1 stride-2 projection with batch norm, global average pooling into a path
 * linear layer, batch norm on that vector, and a dense classifier.
 */
function awkwardGraph(source: PathSource, fanIn: number): GraphSpec {
  return {
    input: { channels: 3, height: 11, width: 11 },
    layers: [
      { kind: 'conv', outputs: 5, kernel: 3, stride: 1, padding: 1, path: false, bias: true },
      { kind: 'batchnorm' }, { kind: 'relu' },
      { kind: 'conv', outputs: 7, kernel: 3, stride: 2, padding: 1, path: true, bias: true },   // 11 -> 6
      { kind: 'batchnorm' }, { kind: 'relu' },
      { kind: 'avgpool', size: 2, stride: 1 },                                                  // 6 -> 5
      {
        kind: 'residual',
        body: [
          { kind: 'conv', outputs: 6, kernel: 3, stride: 2, padding: 1, path: true, bias: false }, // 5 -> 3
          { kind: 'batchnorm' }, { kind: 'relu' },
          { kind: 'conv', outputs: 6, kernel: 3, stride: 1, padding: 1, path: true, bias: false },
          { kind: 'batchnorm' },
        ],
        shortcut: [{ kind: 'conv', outputs: 6, kernel: 1, stride: 2, padding: 0, path: false, bias: false }, { kind: 'batchnorm' }],
      },
      { kind: 'relu' },
      { kind: 'maxpool', size: 2, stride: 1 },                                                  // 3 -> 2
      { kind: 'global-avgpool' },
      { kind: 'linear', outputs: 9, path: true },
      { kind: 'batchnorm' }, { kind: 'relu' },
      { kind: 'linear', outputs: 4, path: false },
    ],
    paths: { source, paths: { fanIn }, hiddenOrder: 'natural' },
    init: { kind: 'he', seed: 3 },
  };
}

describe('ONNX export runs in onnxruntime and matches sobolnet', () => {
  afterAll(() => {
    console.log(`ONNX parity (max |onnx - sobolnet| / max |sobolnet| over the logits):\n${results.join('\n')}`);
  });

  it('the default network (mlp 784-1024-1024-10, Sobol\' fan-in 32, dense output)', async () => {
    await expectParity('mlp 784-1024-1024-10 (default)', presetSpec({ widths: [784, 1024, 1024, 10] }), 5);
  });

  it('the cnn preset (dense stem, path convolutions, batch norm on channels, max pooling)', async () => {
    await expectParity('cnn (mnist, fan-in 32)', presetSpec({ arch: 'cnn', density: 0.25 }), 3);
  });

  it('the resnet20 preset (identity and projection shortcuts, global average pooling)', async () => {
    await expectParity('resnet20 (cifar10, channel fan-in C/4)', presetSpec({ arch: 'resnet20', dataset: 'cifar10', density: 0.25 }), 2);
  });

  it('a random-walk MLP with variable fan-in, path output layer and batch norm on vectors, at batch 1', async () => {
    const spec = presetSpec({ widths: [784, 37, 23, 10], source: 'random-walk', fanIn: 6, outputLayer: 'path', batchNorm: true });
    const model = await expectParity('mlp 784-37-23-10 random walk, bn, path output', spec, 1);
    expect(splitsFanIn(model, 'path')).toBe(true);
  });

  it('odd channel counts, a stride-2 path convolution, average pooling and a projection shortcut (Sobol\')', async () => {
    await expectParity('awkward graph, sobol fan-in 3', awkwardGraph({ kind: 'sobol' }, 3), 3);
  });

  it('the same graph on random walks: variable channel fan-in in every path convolution, at batch 1', async () => {
    const model = await expectParity('awkward graph, random walk fan-in 3', awkwardGraph({ kind: 'random-walk', seed: 4 }, 3), 1);
    expect(splitsFanIn(model, 'path-conv')).toBe(true);
  });

  it('a float64 model, exported as float32', async () => {
    await expectParity('awkward graph, sobol fan-in 3, float64 model', awkwardGraph({ kind: 'sobol' }, 3), 2, 'f64');
  });

  it('a convolution after a linear layer (a vector reshaped back into an image)', async () => {
    const spec: GraphSpec = {
      input: { channels: 2, height: 4, width: 4 },
      layers: [
        { kind: 'flatten' },
        { kind: 'linear', outputs: 12, path: false },
        { kind: 'conv', outputs: 3, kernel: 1, stride: 1, padding: 0, path: false, bias: true },
        { kind: 'relu' },
        { kind: 'linear', outputs: 3, path: false },
      ],
      paths: null,
      init: { kind: 'he', seed: 8 },
    };
    await expectParity('linear -> conv -> linear (dense)', spec, 2);
  });
});
