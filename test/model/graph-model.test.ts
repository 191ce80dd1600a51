/**
 * Graph models: the presets' shapes and costs, the path chain and its topology, save and reload of
 * every preset, and one-line errors for graphs that do not fit together.
 */
import { describe, expect, it } from 'vitest';
import { completeRecipe, modelSpecOf } from '../../src/experiment/run-recipe.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import type { GraphSpec } from '../../src/model/graph-spec.js';
import { pathChain } from '../../src/model/graph-spec.js';
import { denseCost, weightCountOf } from '../../src/model/model-cost.js';
import { decodeModel, encodeModel } from '../../src/model/model-file.js';
import { modelBuildCost, type ModelSpec } from '../../src/model/model-spec.js';
import { Model } from '../../src/model/model.js';
import { cnnLayers, resnet20Layers } from '../../src/model/presets.js';
import { errorMessage } from '../helpers/error-message.js';

const specOf = (fields: object): ModelSpec => modelSpecOf(completeRecipe(fields, ''), 32);

const message = errorMessage;

describe('presets', () => {
  it('resnet20 has He et al.\'s 19 convolutions + 1 linear layer, 2 projections, 0.27 M parameters and 41 M multiply-adds', () => {
    const spec = specOf({ arch: 'resnet20', dataset: 'cifar10', source: 'dense' });
    const dense = denseCost(spec);
    expect(dense.parameters).toBe(272_474); // 270,896 weights + 10 biases + 2·(16·7 + 32·7 + 64·7) batch-norm scales and shifts
    expect(dense.weights).toBe(270_896);
    expect(dense.macsPerSample).toBe(40_813_184);
    const model = new Model(spec, referenceKernels);
    expect(model.parameterCount).toBe(dense.parameters);
    expect(model.classes).toBe(10);
    expect(model.inputs).toBe(3 * 32 * 32);
  });

  it('cnn at channel fan-in C/4 has path layers 32 -> 64 -> 64 with fan-in 8 and 16, a quarter of their dense weights', () => {
    const spec = specOf({ arch: 'cnn', dataset: 'fashion-mnist', density: 0.25 });
    const model = new Model(spec, referenceKernels);
    const chain = model.topology;
    expect(chain?.spec.widths).toEqual([32, 64, 64]);
    expect(chain?.layers.map((c) => c.edges)).toEqual([8 * 64, 16 * 64]); // plain Sobol' 2^a -> 2^b: exact fan-in, no duplicates
    const dense = specOf({ arch: 'cnn', dataset: 'fashion-mnist', source: 'dense' });
    const pathConvWeights = 9 * (8 * 64 + 16 * 64);
    expect(weightCountOf(model)).toBe(denseCost(dense).weights - 9 * (32 * 64 + 64 * 64) + pathConvWeights);
    expect(denseCost(spec)).toEqual(denseCost(dense));
  });

  it('cnn at C/8 halves the path layers again; a fan-in is the same for every path layer', () => {
    const c8 = new Model(specOf({ arch: 'cnn', dataset: 'mnist', density: 0.125 }), referenceKernels);
    expect(c8.topology?.layers.map((c) => c.edges)).toEqual([4 * 64, 8 * 64]);
    const k4 = new Model(specOf({ arch: 'cnn', dataset: 'mnist', fanIn: 4 }), referenceKernels);
    expect(k4.topology?.layers.map((c) => c.edges)).toEqual([4 * 64, 4 * 64]);
  });

  it('resnet20\'s 18 block convolutions form one chain; stem, projections and classifier stay dense', () => {
    const spec = specOf({ arch: 'resnet20', dataset: 'cifar10', density: 0.25 }) as GraphSpec;
    const chain = pathChain(spec);
    expect(chain.length).toBe(18);
    expect(chain.map((c) => c.outputs)).toEqual([...Array(6).fill(16), ...Array(6).fill(32), ...Array(6).fill(64)]);
    expect(chain[0].where).toBe('3.body.0');
    expect(chain[6].placed.input).toEqual({ channels: 16, height: 32, width: 32 });
    expect(chain[6].placed.output).toEqual({ channels: 32, height: 16, width: 16 });
  });

  it('every preset has the layers its comment lists', () => {
    expect(cnnLayers(10).map((l) => l.kind).join(' ')).toBe(
      'conv batchnorm relu maxpool conv batchnorm relu maxpool conv batchnorm relu maxpool flatten linear relu linear');
    expect(resnet20Layers(10).filter((l) => l.kind === 'residual').length).toBe(9);
  });
});

describe('save and reload', () => {
  const cases: [string, object][] = [
    ['mlp', { widths: [784, 64, 64, 10] }],
    ['cnn sobol C/4', { arch: 'cnn', density: 0.25 }],
    ['cnn random walks C/8', { arch: 'cnn', density: 0.125, source: 'random-walk', seed: 3 }],
    ['cnn dense', { arch: 'cnn', source: 'dense' }],
    ['resnet20 owen C/4', { arch: 'resnet20', dataset: 'cifar10', density: 0.25, source: 'sobol-owen', seed: 2 }],
    ['resnet20 dense', { arch: 'resnet20', dataset: 'cifar10', source: 'dense' }],
  ];
  for (const [name, fields] of cases) {
    it(`${name}: the reloaded model has the same arrays and gives the same logits, also after a training step`, () => {
      const spec = specOf(fields);
      const model = new Model(spec, referenceKernels);
      const B = 3;
      const x = new Float32Array(model.inputs * B).map((_, i) => Math.sin(0.37 * i));
      // A training pass moves the batch-norm running statistics off their initial values.
      model.forward(x, B, true);
      for (const p of model.params()) for (let i = 0; i < p.value.length; i += 7) p.value[i] += 0.01;
      const bytes = encodeModel(model, { name });
      const back = decodeModel(bytes, referenceKernels, name);
      expect(back.meta).toEqual({ name });
      expect(back.model.namedArrays().map((a) => a.name)).toEqual(model.namedArrays().map((a) => a.name));
      expect(Array.from(back.model.forward(x, B, false))).toEqual(Array.from(model.forward(x, B, false)));
      expect(Buffer.from(encodeModel(back.model, back.meta)).equals(Buffer.from(bytes))).toBe(true);
      expect(modelBuildCost(spec)).toBeGreaterThan(0);
    });
  }

  it('names the arrays of residual blocks by their place', () => {
    const model = new Model(specOf({ arch: 'resnet20', dataset: 'cifar10', density: 0.25 }), referenceKernels);
    const names = model.namedArrays().map((a) => a.name);
    expect(names.slice(0, 6)).toEqual(['0.conv.weight', '1.batchnorm.gamma', '1.batchnorm.beta', '1.batchnorm.runningMean',
      '1.batchnorm.runningVar', '3.body.0.path-conv.weight']);
    expect(names).toContain('9.shortcut.0.conv.weight');
    expect(names.at(-1)).toBe('22.dense.bias'); // 3 stem layers, 9 blocks each with its ReLU, pooling, classifier
  });
});

describe('graphs that do not fit', () => {
  const base: GraphSpec = {
    input: { channels: 4, height: 8, width: 8 },
    layers: [
      { kind: 'conv', outputs: 8, kernel: 3, stride: 1, padding: 1, path: true, bias: true },
      { kind: 'relu' },
      { kind: 'flatten' },
      { kind: 'linear', outputs: 3, path: false },
    ],
    paths: { source: { kind: 'sobol' }, paths: { fanIn: 2 }, hiddenOrder: 'natural' },
    init: { kind: 'he', seed: 1 },
  };

  it('builds the base graph', () => {
    expect(new Model(base, referenceKernels).classes).toBe(3);
  });

  it('refuses a path chain that breaks, a path layer without paths, a residual whose branches differ, a kernel that does not fit', () => {
    const chainBreak = { ...base, layers: [...base.layers.slice(0, 3), { kind: 'linear', outputs: 3, path: true }] } as GraphSpec;
    expect(message(() => new Model(chainBreak, referenceKernels))).toBe('path layers must form one chain: layer 3 (linear) reads ' +
      '512 units but the path layer before it, 0, writes 8; make one of them dense (path: false)');
    expect(message(() => new Model({ ...base, paths: null }, referenceKernels)))
      .toBe('layer 0 is a path layer but the model has no path spec ("paths": null)');
    const residual = { ...base, layers: [{ kind: 'residual', body: [{ kind: 'maxpool', size: 2, stride: 2 }], shortcut: [] }] } as GraphSpec;
    expect(message(() => new Model({ ...residual, paths: null }, referenceKernels)))
      .toBe('layer 0 (residual): its body gives 4×4×4 but its shortcut gives 4×8×8; they must match to be added');
    const big = { ...base, layers: [{ kind: 'conv', outputs: 8, kernel: 11, stride: 1, padding: 0, path: false, bias: true }] } as GraphSpec;
    expect(message(() => new Model({ ...big, paths: null }, referenceKernels)))
      .toBe('layer 0 (conv): convolution kernel 11 with padding 0 does not fit an input of 8×8');
  });

  it('refuses a conv preset given MLP-only fields, with the field that does not apply', () => {
    expect(message(() => completeRecipe({ arch: 'cnn', widths: [784, 10] }, ''))).toBe('widths applies only with arch mlp, got arch cnn');
    expect(message(() => completeRecipe({ arch: 'resnet20', dataset: 'cifar10', batchNorm: true }, '')))
      .toBe('batchNorm applies only with arch mlp, got arch resnet20');
  });
});
