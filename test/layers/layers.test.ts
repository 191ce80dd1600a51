/**
 * Layer behaviour: a path layer holding every edge equals the dense layer; buffers per batch
 * size; batch-norm running statistics by hand; validation messages; skipping the input gradient.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { referenceKernels as k } from '../../src/kernels/reference-kernels.js';
import { BatchNorm } from '../../src/layers/batch-norm.js';
import { DenseLinear } from '../../src/layers/dense-linear.js';
import { PathLinear } from '../../src/layers/path-linear.js';
import { Relu } from '../../src/layers/relu.js';
import { SoftmaxCrossEntropy } from '../../src/layers/softmax-cross-entropy.js';
import { Rng } from '../../src/sequences/rng.js';
import { allEdges, buildIndex, randomEdges, randomFloats, relError } from '../kernels/fixtures.js';

describe('PathLinear with every edge equals DenseLinear', () => {
  it('outputs and all gradients, float64 (property over I, O, B, seed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }), (I, O, B, seed) => {
          const rng = new Rng(seed);
          const path = new PathLinear(k, buildIndex(I, O, allEdges(I, O)).index, 'f64');
          const dense = new DenseLinear(k, I, O, 'f64');
          path.weight.value.set(randomFloats(rng, 'f64', I * O));
          dense.weight.value.set(path.weight.value);
          path.bias!.value.set(randomFloats(rng, 'f64', O));
          dense.bias!.value.set(path.bias!.value);
          const x = randomFloats(rng, 'f64', I * B);
          const dy = randomFloats(rng, 'f64', O * B);
          expect(relError(path.forward(x, B, true), dense.forward(x, B, true))).toBeLessThan(1e-15);
          expect(relError(path.backward(dy), dense.backward(dy))).toBeLessThan(1e-15);
          expect(relError(path.weight.grad, dense.weight.grad)).toBeLessThan(1e-15);
          expect(relError(path.bias!.grad, dense.bias!.grad)).toBeLessThan(1e-15);
          expect(path.macsPerSample).toBe(dense.macsPerSample);
        }),
      { numRuns: 60 },
    );
  });
});

describe('layer buffers and bookkeeping', () => {
  it('reuses its buffers across batch sizes and grows them only for a larger batch', () => {
    const rng = new Rng(1);
    const layer = new PathLinear(k, buildIndex(5, 4, randomEdges(rng, 5, 4, 9)).index, 'f32');
    const same = (a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean =>
      a.buffer === b.buffer && a.byteOffset === b.byteOffset;
    const y1 = layer.forward(new Float32Array(5 * 3), 3, true);
    const y2 = layer.forward(new Float32Array(5 * 3), 3, true);
    expect(same(y2, y1)).toBe(true);
    expect(y1).toBeInstanceOf(Float32Array);
    const dx1 = layer.backward(new Float32Array(4 * 3));
    expect(same(layer.backward(new Float32Array(4 * 3)), dx1)).toBe(true);
    const y3 = layer.forward(new Float32Array(5 * 2), 2, true);
    expect(same(y3, y1)).toBe(true); // a smaller batch is a shorter view of the same block
    expect(y3.length).toBe(8);
    expect(layer.backward(new Float32Array(8)).length).toBe(10);
    const y4 = layer.forward(new Float32Array(5 * 7), 7, true);
    expect(same(y4, y1)).toBe(false);
    expect(y4.length).toBe(28);
  });

  it('params, state, kinds, sizes and cost', () => {
    const { index } = buildIndex(6, 3, randomEdges(new Rng(2), 6, 3, 7));
    const path = new PathLinear(k, index, 'f32');
    expect([path.kind, path.inputs, path.outputs, path.macsPerSample]).toEqual(['path', 6, 3, 7]);
    expect(path.params().map((p) => [p.name, p.value.length, p.decay, p.signConstraint])).toEqual([
      ['weight', 7, true, 0], ['bias', 3, false, 0]]);
    expect(new PathLinear(k, index, 'f32', false).params().map((p) => p.name)).toEqual(['weight']);
    const dense = new DenseLinear(k, 6, 3, 'f64', false);
    expect([dense.kind, dense.macsPerSample, dense.params().length]).toEqual(['dense', 18, 1]);
    expect(Array.from(dense.targetOffsets)).toEqual([0, 6, 12, 18]);
    const bn = new BatchNorm(k, 4, 'f32');
    expect(bn.params().map((p) => [p.name, Array.from(p.value), p.decay])).toEqual([
      ['gamma', [1, 1, 1, 1], false], ['beta', [0, 0, 0, 0], false]]);
    expect(bn.state().map((s) => [s.name, Array.from(s.value)])).toEqual([
      ['runningMean', [0, 0, 0, 0]], ['runningVar', [1, 1, 1, 1]]]);
    const relu = new Relu(k, 4);
    expect([relu.kind, relu.inputs, relu.outputs, relu.macsPerSample, relu.params().length]).toEqual(['relu', 4, 4, 0, 0]);
  });

  it('skips the input gradient when asked, still writing the param gradients', () => {
    const layer = new DenseLinear(k, 2, 1, 'f64');
    layer.weight.value.set([2, 3]);
    layer.needsInputGradient = false;
    layer.forward(Float64Array.of(1, 10), 1, true);
    expect(layer.backward(Float64Array.of(0.5)).length).toBe(0);
    expect(Array.from(layer.weight.grad)).toEqual([0.5, 5]);
    expect(Array.from(layer.bias!.grad)).toEqual([0.5]);
  });

  it('validates at the public edge with one-line messages', () => {
    const layer = new DenseLinear(k, 3, 2, 'f32');
    expect(() => layer.backward(new Float32Array(2))).toThrow('dense layer: backward called before forward');
    expect(() => layer.forward(new Float32Array(7), 2, true)).toThrow(
      'dense layer: input must hold 3 units × 2 samples = 6 values, got 7');
    expect(() => layer.forward(new Float32Array(0), 0, true)).toThrow(SobolnetError);
    layer.forward(new Float32Array(6), 2, true);
    expect(() => layer.backward(new Float32Array(5))).toThrow(
      'dense layer: output gradient must hold 2 units × 2 samples = 4 values, got 5');
    expect(() => new DenseLinear(k, 0, 2, 'f32')).toThrow('dense layer inputs must be an integer in [1, ∞], got 0');
    const ce = new SoftmaxCrossEntropy(k);
    expect(() => ce.lossAndGradient(new Float32Array(6), Uint8Array.of(0, 3), 3, 2)).toThrow(
      'label of sample 1 must be in [0, 2], got 3');
    expect(() => ce.lossAndGradient(new Float32Array(6), Int32Array.of(-1, 0), 3, 2)).toThrow(
      'label of sample 0 must be in [0, 2], got -1');
    const { index } = buildIndex(3, 2, [{ s: 0, t: 1 }]);
    expect(() => new PathLinear(k, { ...index, targetOffsets: Int32Array.of(0, 1) }, 'f32')).toThrow(SobolnetError);
  });
});

describe('BatchNorm statistics', () => {
  it('updates the running statistics by hand and uses them in inference', () => {
    const bn = new BatchNorm(k, 2, 'f64'); // momentum 0.1, eps 1e-5
    // unit 0: samples 1, 3 (mean 2, biased var 1, unbiased var 2); unit 1: 5, 5 (mean 5, var 0)
    const y = bn.forward(Float64Array.of(1, 3, 5, 5), 2, true);
    const r = 1 / Math.sqrt(1 + 1e-5);
    expect(Array.from(y)).toEqual([-r, r, 0, 0]);
    const [mean, variance] = bn.state().map((s) => Array.from(s.value));
    expect(mean[0]).toBeCloseTo(0.2, 15);
    expect(mean[1]).toBeCloseTo(0.5, 15);
    expect(variance[0]).toBeCloseTo(0.9 + 0.1 * 2, 10);
    expect(variance[1]).toBeCloseTo(0.9, 10);
    bn.gamma.value.set([2, 1]);
    bn.beta.value.set([1, 0]);
    const yi = bn.forward(Float64Array.of(0.2, 1.3), 1, false);
    expect(yi[0]).toBeCloseTo(1, 12); // x = running mean -> beta
    expect(yi[1]).toBeCloseTo((1.3 - 0.5) / Math.sqrt(0.9 + 1e-5), 12);
    expect(() => bn.backward(Float64Array.of(1, 1))).toThrow(
      'batch norm: backward needs a training-mode forward, got an inference-mode one');
  });

  it('converges to the data statistics over many training batches', () => {
    const bn = new BatchNorm(k, 1, 'f64');
    const rng = new Rng(3);
    const B = 64;
    for (let step = 0; step < 200; step++) {
      const x = Float64Array.from({ length: B }, () => 3 + 2 * rng.nextNormal());
      bn.forward(x, B, true);
    }
    const [mean, variance] = bn.state().map((s) => s.value[0]);
    expect(mean).toBeGreaterThan(2.7);
    expect(mean).toBeLessThan(3.3);
    expect(variance).toBeGreaterThan(3.2);
    expect(variance).toBeLessThan(4.8);
  });
});
