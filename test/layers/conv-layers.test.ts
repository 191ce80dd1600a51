/**
 * Convolution, pooling, flatten, channel batch-norm and residual layers: a path convolution
 * holding every edge equals the dense one (property); kinds, sizes, costs and params; skipping the
 * input gradient (also through a residual block); residual params are the sub-layers' own objects;
 * batch norm over channels by hand; initialisation of convolutions (fan-in = edges · k², element
 * index e · k² + tap) and, at k = 1, exactly the linear layers' weights; validation messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import type { Floats } from '../../src/core/floats.js';
import { convShape, poolShape } from '../../src/kernels/conv-shape.js';
import { referenceKernels as k } from '../../src/kernels/reference-kernels.js';
import { AvgPool2d } from '../../src/layers/avg-pool2d.js';
import { BatchNorm } from '../../src/layers/batch-norm.js';
import { Conv2d } from '../../src/layers/conv2d.js';
import { DenseLinear } from '../../src/layers/dense-linear.js';
import { Flatten } from '../../src/layers/flatten.js';
import { GlobalAvgPool } from '../../src/layers/global-avg-pool.js';
import type { InitSpec } from '../../src/layers/init.js';
import { defaultInitComponent, initialiseLayer, layerSeed, QMC_INIT_SHIFT } from '../../src/layers/init.js';
import type { Layer } from '../../src/layers/layer.js';
import { MaxPool2d } from '../../src/layers/max-pool2d.js';
import { PathConv2d } from '../../src/layers/path-conv2d.js';
import { PathLinear } from '../../src/layers/path-linear.js';
import { Relu } from '../../src/layers/relu.js';
import { Residual } from '../../src/layers/residual.js';
import { inverseNormalCdf } from '../../src/sequences/normal.js';
import { Rng } from '../../src/sequences/rng.js';
import { sobolComponent } from '../../src/sequences/sobol.js';
import { allEdges, buildIndex, randomEdges, randomFloats, relError } from '../kernels/fixtures.js';

function randomParams(layers: readonly Layer[], rng: Rng): void {
  for (const layer of layers) for (const p of layer.params()) p.value.set(randomFloats(rng, 'f64', p.value.length));
}

describe('PathConv2d with every edge equals Conv2d', () => {
  it('outputs and all gradients, float64 (property over channels, image, kernel, stride, padding, batch, edge order)', () => {
    fc.assert(
      fc.property(
        fc.record({
          Ci: fc.integer({ min: 1, max: 4 }), Co: fc.integer({ min: 1, max: 4 }),
          H: fc.integer({ min: 1, max: 7 }), W: fc.integer({ min: 1, max: 7 }),
          K: fc.constantFrom(1, 3, 5), S: fc.integer({ min: 1, max: 2 }), P: fc.integer({ min: 0, max: 2 }),
          B: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 1 << 30 }),
        }).filter(({ H, W, K, P }) => P < K && H + 2 * P >= K && W + 2 * P >= K),
        ({ Ci, Co, H, W, K, S, P, B, seed }) => {
          const shape = convShape(Ci, Co, H, W, K, S, P);
          const rng = new Rng(seed);
          const edges = allEdges(Ci, Co);
          const order = Int32Array.from(edges, (_, e) => e);
          rng.shuffle(order);
          const { index, ordered } = buildIndex(Ci, Co, Array.from(order, (e) => edges[e]));
          const path = new PathConv2d(k, index, shape, 'f64');
          const dense = new Conv2d(k, shape, 'f64');
          const kk = K * K;
          const block = ({ s, t }: { s: number; t: number }): number => (t * Ci + s) * kk;
          dense.weight.value.set(randomFloats(rng, 'f64', Co * Ci * kk));
          ordered.forEach((edge, e) => path.weight.value.set(dense.weight.value.subarray(block(edge), block(edge) + kk), e * kk));
          dense.bias!.value.set(randomFloats(rng, 'f64', Co));
          path.bias!.value.set(dense.bias!.value);
          const x = randomFloats(rng, 'f64', Ci * H * W * B);
          const dy = randomFloats(rng, 'f64', dense.outputs * B);
          expect(relError(path.forward(x, B, true), dense.forward(x, B, true))).toBeLessThan(1e-14);
          expect(relError(path.backward(dy), dense.backward(dy))).toBeLessThan(1e-14);
          ordered.forEach((edge, e) => {
            expect(Array.from(path.weight.grad.subarray(e * kk, e * kk + kk))).toEqual(
              Array.from(dense.weight.grad.subarray(block(edge), block(edge) + kk)));
          });
          expect(relError(path.bias!.grad, dense.bias!.grad)).toBeLessThan(1e-15);
          expect(path.macsPerSample).toBe(dense.macsPerSample);
        }),
      { numRuns: 60 },
    );
  });
});

describe('kinds, sizes, costs and params', () => {
  it('convolutions', () => {
    const shape = convShape(3, 5, 7, 5, 3, 2, 1); // -> 4×3
    const { index } = buildIndex(3, 5, randomEdges(new Rng(1), 3, 5, 11));
    const path = new PathConv2d(k, index, shape, 'f32');
    expect([path.kind, path.inputs, path.outputs, path.macsPerSample, path.taps]).toEqual(['path-conv', 105, 60, 11 * 9 * 12, 9]);
    expect(path.params().map((p) => [p.name, p.value.length, p.decay, p.signConstraint])).toEqual([
      ['weight', 99, true, 0], ['bias', 5, false, 0]]);
    expect(path.index).toBe(index);
    expect(path.shape).toBe(shape);
    expect(path.targetOffsets).toBe(index.targetOffsets);
    expect(new PathConv2d(k, index, shape, 'f32', false).params().map((p) => p.name)).toEqual(['weight']);
    const dense = new Conv2d(k, shape, 'f64', false);
    expect([dense.kind, dense.inputs, dense.outputs, dense.macsPerSample, dense.params().length]).toEqual(['conv', 105, 60, 15 * 9 * 12, 1]);
    expect(dense.weight.value.length).toBe(135);
    expect(Array.from(dense.targetOffsets)).toEqual([0, 3, 6, 9, 12, 15]);
    expect(path.state()).toEqual([]);
    expect(dense.state()).toEqual([]);
  });

  it('pooling, flatten and channel batch norm', () => {
    const max = new MaxPool2d(k, poolShape(3, 7, 5, 3, 2)); // -> 3×2
    expect([max.kind, max.inputs, max.outputs, max.macsPerSample, max.params().length, max.state().length]).toEqual(['maxpool', 105, 18, 0, 0, 0]);
    const avg = new AvgPool2d(k, poolShape(3, 7, 5, 2, 2)); // -> 3×2
    expect([avg.kind, avg.inputs, avg.outputs, avg.macsPerSample]).toEqual(['avgpool', 105, 18, 18 * 4]);
    const gap = new GlobalAvgPool(k, 3, 35);
    expect([gap.kind, gap.inputs, gap.outputs, gap.macsPerSample]).toEqual(['global-avgpool', 105, 3, 105]);
    const flat = new Flatten(105);
    expect([flat.kind, flat.inputs, flat.outputs, flat.macsPerSample, flat.params().length]).toEqual(['flatten', 105, 105, 0, 0]);
    const bn = new BatchNorm(k, 3, 'f32', 35);
    expect([bn.kind, bn.inputs, bn.outputs, bn.units, bn.spatial, bn.macsPerSample]).toEqual(['batchnorm', 105, 105, 3, 35, 105]);
    expect(bn.params().map((p) => [p.name, p.value.length])).toEqual([['gamma', 3], ['beta', 3]]);
    expect(bn.state().map((s) => [s.name, s.value.length])).toEqual([['runningMean', 3], ['runningVar', 3]]);
  });

  it('flatten hands its input and output gradient through as the same arrays', () => {
    const flat = new Flatten(6);
    const x = new Float32Array(12);
    expect(flat.forward(x, 2, true)).toBe(x);
    const dy = new Float32Array(12);
    expect(flat.backward(dy)).toBe(dy);
    flat.needsInputGradient = false;
    expect(flat.backward(dy).length).toBe(0);
  });

  it('residual: sizes and costs of both branches; params and state are the sub-layers\' own objects, body first', () => {
    const c1 = new Conv2d(k, convShape(3, 4, 7, 5, 3, 2, 1), 'f32', false);
    const bn = new BatchNorm(k, 4, 'f32', 12);
    const relu = new Relu(k, 48);
    const proj = new Conv2d(k, convShape(3, 4, 7, 5, 1, 2, 0), 'f32');
    const block = new Residual(k, [c1, bn, relu], [proj], 'f32');
    expect([block.kind, block.inputs, block.outputs, block.macsPerSample]).toEqual(['residual', 105, 48, c1.macsPerSample + 48 + proj.macsPerSample]);
    expect(block.body).toEqual([c1, bn, relu]);
    expect(block.shortcut).toEqual([proj]);
    const params = block.params();
    expect(params.length).toBe(5);
    [c1.weight, bn.gamma, bn.beta, proj.weight, proj.bias].forEach((p, i) => expect(params[i]).toBe(p));
    const state = block.state();
    expect(state.length).toBe(2);
    expect(state[0]).toBe(bn.runningMean);
    expect(state[1]).toBe(bn.runningVar);
    params[0].signConstraint = 1; // what the optimiser's fixed-sign init does
    expect(c1.weight.signConstraint).toBe(1);
  });
});

describe('identity shortcut by hand', () => {
  it('y = relu(x) + x, and dx = relu\'(x) dy + dy', () => {
    const block = new Residual(k, [new Relu(k, 2)], [], 'f64');
    expect(Array.from(block.forward(Float64Array.of(-1, 2, 3, -4), 2, true))).toEqual([-1, 4, 6, -4]);
    expect(Array.from(block.backward(Float64Array.of(1, 10, 100, 1000)))).toEqual([1, 20, 200, 1000]);
  });
});

describe('skipping the input gradient', () => {
  function checkSkip(make: () => Layer, inputs: (rng: Rng, n: number) => Floats, B: number): void {
    const rng = new Rng(5);
    const a = make();
    const b = make();
    randomParams([a], rng);
    b.params().forEach((p, i) => p.value.set(a.params()[i].value));
    const x = inputs(rng, a.inputs * B);
    const dy = randomFloats(rng, 'f64', a.outputs * B);
    a.forward(x, B, true);
    expect(a.backward(dy).length).toBe(a.inputs * B);
    b.needsInputGradient = false;
    b.forward(x, B, true);
    expect(b.backward(dy).length).toBe(0);
    expect(b.params().length).toBe(a.params().length);
    b.params().forEach((p, i) => expect(Array.from(p.grad), p.name).toEqual(Array.from(a.params()[i].grad)));
  }
  const random = (rng: Rng, n: number): Floats => randomFloats(rng, 'f64', n);
  const shape = convShape(3, 4, 7, 5, 3, 2, 1);
  const { index } = buildIndex(3, 4, randomEdges(new Rng(2), 3, 4, 7));

  it('convolutions still write their weight and bias gradients', () => {
    checkSkip(() => new PathConv2d(k, index, shape, 'f64'), random, 3);
    checkSkip(() => new Conv2d(k, shape, 'f64'), random, 3);
  });

  it('pooling layers and channel batch norm', () => {
    checkSkip(() => new MaxPool2d(k, poolShape(3, 7, 5, 2, 2)), random, 2);
    checkSkip(() => new AvgPool2d(k, poolShape(3, 7, 5, 3, 2)), random, 2);
    checkSkip(() => new GlobalAvgPool(k, 3, 35), random, 2);
    checkSkip(() => new BatchNorm(k, 3, 'f64', 35), random, 2);
  });

  it('a residual block passes the flag to the first layer of both branches and still writes every gradient', () => {
    const make = (): Residual => new Residual(k,
      [new PathConv2d(k, index, shape, 'f64'), new BatchNorm(k, 4, 'f64', 12), new Relu(k, 48)],
      [new Conv2d(k, convShape(3, 4, 7, 5, 1, 2, 0), 'f64')], 'f64');
    checkSkip(make, random, 3);
    const block = make();
    block.needsInputGradient = false;
    expect([block.body[0].needsInputGradient, block.body[1].needsInputGradient, block.shortcut[0].needsInputGradient]).toEqual([false, true, false]);
    block.needsInputGradient = true;
    expect([block.body[0].needsInputGradient, block.shortcut[0].needsInputGradient]).toEqual([true, true]);
    checkSkip(() => new Residual(k, [new Conv2d(k, convShape(3, 3, 7, 5, 3, 1, 1), 'f64')], [], 'f64'), random, 2);
  });
});

describe('batch norm over channels', () => {
  it('normalises each channel over its positions and the batch, and keeps running statistics over N·B values', () => {
    const bn = new BatchNorm(k, 2, 'f64', 2); // momentum 0.1, eps 1e-5
    // x[2 channels][2 positions][B = 2]: channel 0 holds 1, 3, 1, 3 (mean 2, biased var 1, unbiased 4/3);
    // channel 1 holds 5, 5, 5, 5
    const y = bn.forward(Float64Array.of(1, 3, 1, 3, 5, 5, 5, 5), 2, true);
    const r = 1 / Math.sqrt(1 + 1e-5);
    expect(Array.from(y)).toEqual([-r, r, -r, r, 0, 0, 0, 0]);
    const [mean, variance] = bn.state().map((s) => Array.from(s.value));
    expect(mean[0]).toBeCloseTo(0.2, 15);
    expect(mean[1]).toBeCloseTo(0.5, 15);
    expect(variance[0]).toBeCloseTo(0.9 + 0.1 * (4 / 3), 10);
    expect(variance[1]).toBeCloseTo(0.9, 10);
    bn.gamma.value.set([2, 1]);
    const yi = bn.forward(Float64Array.of(0.2, 0.2, 1.3, 0.5), 1, false);
    expect(yi[0]).toBe(0);
    expect(yi[1]).toBe(0);
    expect(yi[2]).toBeCloseTo((1.3 - 0.5) / Math.sqrt(0.9 + 1e-5), 12);
    expect(yi[3]).toBeCloseTo(0, 12);
  });

  it('equals the per-unit kernels called with U = channels and N·B', () => {
    const rng = new Rng(8);
    const [C, N, B] = [3, 35, 2];
    const bn = new BatchNorm(k, C, 'f32', N);
    bn.gamma.value.set(randomFloats(rng, 'f32', C));
    const x = randomFloats(rng, 'f32', C * N * B);
    const y = new Float32Array(C * N * B);
    k.batchNormForward(y, new Float32Array(C * N * B), new Float32Array(C), new Float32Array(C), x,
      bn.gamma.value, bn.beta.value, bn.eps, C, N * B);
    expect(Array.from(bn.forward(x, B, true))).toEqual(Array.from(y));
  });
});

describe('initialising convolutions', () => {
  const shape = convShape(5, 3, 7, 5, 3, 1, 1);
  const { index } = buildIndex(5, 3, [{ s: 0, t: 0 }, { s: 4, t: 0 }, { s: 2, t: 1 }, { s: 1, t: 2 }, { s: 2, t: 2 }, { s: 3, t: 2 }]);
  const fanIn = [2 * 9, 1 * 9, 3 * 9]; // edges into t times k²
  const targetOf = (m: number): number => [0, 0, 1, 2, 2, 2][Math.floor(m / 9)]; // of element m, edge floor(m / 9)

  it('he: the layer\'s Rng stream in element order, scaled by sqrt(2 / (edges · k²)) of each output channel', () => {
    const path = new PathConv2d(k, index, shape, 'f64');
    path.bias!.value.fill(1);
    initialiseLayer(path, { kind: 'he', seed: 3 }, 2);
    const rng = new Rng(layerSeed(3, 2));
    for (let m = 0; m < 54; m++) expect(path.weight.value[m]).toBe(Math.sqrt(2 / fanIn[targetOf(m)]) * rng.nextNormal());
    expect(Array.from(path.bias!.value)).toEqual([0, 0, 0]);
  });

  it('constant: 1 / sqrt(edges · k²); qmc-normal and fixed-sign: point e · k² + tap of the component', () => {
    const path = new PathConv2d(k, index, shape, 'f64');
    initialiseLayer(path, { kind: 'constant' }, 0);
    for (let m = 0; m < 54; m++) expect(path.weight.value[m]).toBe(1 / Math.sqrt(fanIn[targetOf(m)]));
    initialiseLayer(path, { kind: 'qmc-normal' }, 1);
    const x = sobolComponent(defaultInitComponent(1), 0, 54);
    const z = (m: number): number => inverseNormalCdf((((x[m] ^ QMC_INIT_SHIFT) >>> 0) + 0.5) / 2 ** 32);
    for (let m = 0; m < 54; m++) expect(path.weight.value[m]).toBe(Math.sqrt(2 / fanIn[targetOf(m)]) * z(m));
    initialiseLayer(path, { kind: 'fixed-sign', sign: -1, keepSign: true }, 1);
    for (let m = 0; m < 54; m++) expect(path.weight.value[m]).toBe(-Math.sqrt(2 / fanIn[targetOf(m)]) * Math.abs(z(m)));
    expect(path.weight.signConstraint).toBe(-1);
  });

  it('a dense convolution: fan-in Ci · k² for every output channel, W[Co][Ci][k][k] in element order', () => {
    const dense = new Conv2d(k, shape, 'f64');
    initialiseLayer(dense, { kind: 'constant' }, 0);
    expect(Array.from(dense.weight.value)).toEqual(new Array(135).fill(1 / Math.sqrt(45)));
    initialiseLayer(dense, { kind: 'he', seed: 1 }, 0);
    const rng = new Rng(layerSeed(1, 0));
    for (let m = 0; m < 135; m++) expect(dense.weight.value[m]).toBe(Math.sqrt(2 / 45) * rng.nextNormal());
  });

  it('at k = 1, every init gives exactly the weights of the linear layer on the same edges', () => {
    const rng = new Rng(4);
    const { index: big } = buildIndex(7, 6, randomEdges(rng, 7, 6, 20));
    const one = convShape(7, 6, 3, 3, 1, 1, 0);
    const specs: InitSpec[] = [{ kind: 'he', seed: 5 }, { kind: 'constant' }, { kind: 'qmc-normal' },
      { kind: 'fixed-sign', sign: 1, keepSign: true }];
    for (const spec of specs) {
      const conv = new PathConv2d(k, big, one, 'f32');
      const linear = new PathLinear(k, big, 'f32');
      initialiseLayer(conv, spec, 3);
      initialiseLayer(linear, spec, 3);
      expect(Array.from(conv.weight.value)).toEqual(Array.from(linear.weight.value));
      const denseConv = new Conv2d(k, one, 'f32');
      const dense = new DenseLinear(k, 7, 6, 'f32');
      initialiseLayer(denseConv, spec, 3);
      initialiseLayer(dense, spec, 3);
      expect(Array.from(denseConv.weight.value)).toEqual(Array.from(dense.weight.value));
    }
  });
});

describe('validation at the public edge', () => {
  it('one-line messages for mismatched shapes, indices and chains', () => {
    const shape = convShape(3, 4, 7, 5, 3, 2, 1);
    const { index } = buildIndex(3, 4, randomEdges(new Rng(1), 3, 4, 6));
    expect(() => new Conv2d(k, { ...shape, outHeight: 5 }, 'f32')).toThrow(
      'convolution: a 3×3 window at stride 2 with padding 1 on 7×5 gives 4×3 outputs, but the shape says 5×3');
    expect(() => new PathConv2d(k, index, convShape(4, 4, 7, 5, 3, 2, 1), 'f32')).toThrow(
      'path convolution: the index connects 3 -> 4 channels, but the shape is 4 -> 4');
    expect(() => new PathConv2d(k, { ...index, targetOffsets: Int32Array.of(0, 1) }, shape, 'f32')).toThrow(SobolnetError);
    expect(() => new Conv2d(k, { ...shape, padding: 3 }, 'f32')).toThrow(/padding must be smaller than the kernel size 3/);
    expect(() => new MaxPool2d(k, { ...poolShape(3, 7, 5, 2, 2), outWidth: 3 })).toThrow(
      'max pool: a 2×2 window at stride 2 on 7×5 gives 3×2 outputs, but the shape says 3×3');
    expect(() => new GlobalAvgPool(k, 3, 0)).toThrow(/global average pool positions per channel must be an integer/);
    expect(() => new BatchNorm(k, 3, 'f32', 0)).toThrow(/batch-norm positions per unit must be an integer/);
    const conv = new Conv2d(k, shape, 'f32');
    expect(() => conv.forward(new Float32Array(104), 1, true)).toThrow(
      'convolution: input must hold 105 units × 1 samples = 105 values, got 104');
    expect(() => new Residual(k, [], [], 'f32')).toThrow('residual block: the body needs at least one layer');
    expect(() => new Residual(k, [conv, new Relu(k, 47)], [], 'f32')).toThrow(
      'residual body: layer 1 (relu) reads 47 units, but its input has 48');
    expect(() => new Residual(k, [conv], [], 'f32')).toThrow(
      'residual block: the body writes 48 units but the identity shortcut writes 105');
    expect(() => new Residual(k, [conv], [new Relu(k, 104)], 'f32')).toThrow(
      'residual shortcut: layer 0 (relu) reads 104 units, but its input has 105');
    const block = new Residual(k, [new Relu(k, 3)], [], 'f32');
    expect(() => block.backward(new Float32Array(3))).toThrow('residual block: backward called before forward');
  });
});
