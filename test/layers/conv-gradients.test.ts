/**
 * Every backward pass of the convolution, pooling, flatten, channel batch-norm and residual layers
 * against central finite differences in float64 (relative error < 1e-6): convolutions with
 * kernel 1, 3, 5, stride 1 and 2, padding 0, 1, 2 on odd images (7×5, 5×7), channel counts 3 and
 * 5, batch 1 and 3; pooling with and without overlapping windows; residual blocks with an
 * identity and with a 1×1 stride-2 projection shortcut; and a small network from an image to the
 * loss through all of them.
 */
import { describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import type { ConvShape } from '../../src/kernels/conv-shape.js';
import { convShape, poolShape } from '../../src/kernels/conv-shape.js';
import { referenceKernels as k } from '../../src/kernels/reference-kernels.js';
import { AvgPool2d } from '../../src/layers/avg-pool2d.js';
import { BatchNorm } from '../../src/layers/batch-norm.js';
import { Conv2d } from '../../src/layers/conv2d.js';
import { DenseLinear } from '../../src/layers/dense-linear.js';
import { Flatten } from '../../src/layers/flatten.js';
import { GlobalAvgPool } from '../../src/layers/global-avg-pool.js';
import type { Layer } from '../../src/layers/layer.js';
import { MaxPool2d } from '../../src/layers/max-pool2d.js';
import { PathConv2d } from '../../src/layers/path-conv2d.js';
import { Relu } from '../../src/layers/relu.js';
import { Residual } from '../../src/layers/residual.js';
import { SoftmaxCrossEntropy } from '../../src/layers/softmax-cross-entropy.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildIndex, randomEdges, randomFloats, relError } from '../kernels/fixtures.js';
import { numericGradient, weightedSum } from './gradcheck.js';

const TOL = 1e-6;

/** Every parameter of `layers` uniform in [-1, 1), batch-norm scales in [-2, 2). */
function randomParams(layers: readonly Layer[], rng: Rng): void {
  for (const layer of layers) {
    for (const p of layer.params()) p.value.set(randomFloats(rng, 'f64', p.value.length, p.name === 'gamma' ? 2 : 1));
  }
}

/**
 * n distinct values, a random permutation of (j - n/2) / n * 4 for j < n: neighbours differ by
 * 4/n, far more than the finite-difference step, so no max-pool or ReLU decision flips.
 */
function distinctFloats(rng: Rng, n: number): Float64Array {
  const order = Int32Array.from({ length: n }, (_, j) => j);
  rng.shuffle(order);
  return Float64Array.from(order, (j) => ((j - n / 2 + 0.5) / n) * 4);
}

/**
 * The loss sum(r * y) of one layer: dx and every param gradient against finite differences.
 * Returns the relative errors as [name, error], the input first.
 */
function checkLayer(layer: Layer, x: Float64Array, B: number, rng: Rng): [string, number][] {
  const r = randomFloats(rng, 'f64', layer.outputs * B);
  const loss = (): number => weightedSum(r, layer.forward(x, B, true));
  loss();
  const dx = Float64Array.from(layer.backward(r));
  const grads = layer.params().map((p) => Float64Array.from(p.grad));
  return [['x', relError(dx, numericGradient(loss, x))],
    ...layer.params().map((p, j): [string, number] => [p.name, relError(grads[j], numericGradient(loss, p.value))])];
}

function expectSmall(errors: [string, number][], names: string[]): void {
  expect(errors.map(([name]) => name)).toEqual(names);
  for (const [name, e] of errors) expect(e, name).toBeLessThan(TOL);
}

const CONV_CASES: ConvShape[] = [
  convShape(3, 5, 7, 5, 1, 1, 0),
  convShape(3, 5, 7, 5, 1, 2, 0),
  convShape(3, 5, 7, 5, 3, 1, 1),
  convShape(5, 3, 7, 5, 3, 2, 1),
  convShape(3, 5, 5, 7, 3, 1, 0),
  convShape(3, 3, 7, 5, 5, 1, 2),
  convShape(3, 5, 7, 5, 5, 2, 2),
  convShape(3, 5, 7, 5, 3, 2, 2),
];

function describeShape(s: ConvShape): string {
  return `${s.inChannels}->${s.outChannels} ${s.kernel}x${s.kernel} s${s.stride} p${s.padding} on ${s.inHeight}×${s.inWidth}`;
}

describe('convolutions, finite differences, float64', () => {
  for (const shape of CONV_CASES) {
    for (const B of [1, 3]) {
      it(`PathConv2d ${describeShape(shape)} B=${B}: x, W, bias`, () => {
        const rng = new Rng(shape.kernel * 100 + shape.stride * 10 + shape.padding + B);
        const { inChannels: Ci, outChannels: Co } = shape;
        const { index } = buildIndex(Ci, Co, randomEdges(rng, Ci, Co, 2 * Co + 1));
        const layer = new PathConv2d(k, index, shape, 'f64');
        randomParams([layer], rng);
        expectSmall(checkLayer(layer, randomFloats(rng, 'f64', layer.inputs * B) as Float64Array, B, rng),
          ['x', 'weight', 'bias']);
      });

      it(`Conv2d ${describeShape(shape)} B=${B}: x, W, bias`, () => {
        const rng = new Rng(shape.kernel * 100 + shape.stride * 10 + shape.padding + B + 1000);
        const layer = new Conv2d(k, shape, 'f64');
        randomParams([layer], rng);
        expectSmall(checkLayer(layer, randomFloats(rng, 'f64', layer.inputs * B) as Float64Array, B, rng),
          ['x', 'weight', 'bias']);
      });
    }
  }

  it('without a bias', () => {
    const rng = new Rng(9);
    const shape = convShape(3, 5, 7, 5, 3, 2, 1);
    const layer = new Conv2d(k, shape, 'f64', false);
    randomParams([layer], rng);
    expectSmall(checkLayer(layer, randomFloats(rng, 'f64', layer.inputs * 2) as Float64Array, 2, rng), ['x', 'weight']);
    const { index } = buildIndex(3, 5, randomEdges(rng, 3, 5, 9));
    const path = new PathConv2d(k, index, shape, 'f64', false);
    randomParams([path], rng);
    expectSmall(checkLayer(path, randomFloats(rng, 'f64', path.inputs * 2) as Float64Array, 2, rng), ['x', 'weight']);
  });
});

describe('pooling, flatten and channel batch norm, finite differences, float64', () => {
  const pools = [
    { name: 'size 2 stride 2 on 3 channels 7×5', shape: poolShape(3, 7, 5, 2, 2) },
    { name: 'size 3 stride 2 (overlapping) on 3 channels 7×5', shape: poolShape(3, 7, 5, 3, 2) },
    { name: 'size 3 stride 1 (overlapping) on 5 channels 5×7', shape: poolShape(5, 5, 7, 3, 1) },
  ];
  for (const { name, shape } of pools) {
    for (const B of [1, 3]) {
      it(`MaxPool2d ${name} B=${B} (no ties)`, () => {
        const rng = new Rng(shape.size * 10 + B);
        const layer = new MaxPool2d(k, shape);
        expectSmall(checkLayer(layer, distinctFloats(rng, layer.inputs * B), B, rng), ['x']);
      });

      it(`AvgPool2d ${name} B=${B}`, () => {
        const rng = new Rng(shape.size * 10 + B + 100);
        const layer = new AvgPool2d(k, shape);
        expectSmall(checkLayer(layer, randomFloats(rng, 'f64', layer.inputs * B) as Float64Array, B, rng), ['x']);
      });
    }
  }

  for (const B of [1, 3]) {
    it(`GlobalAvgPool 5 channels × 35 positions B=${B}`, () => {
      const rng = new Rng(20 + B);
      const layer = new GlobalAvgPool(k, 5, 35);
      expectSmall(checkLayer(layer, randomFloats(rng, 'f64', layer.inputs * B) as Float64Array, B, rng), ['x']);
    });

    it(`Flatten 105 units B=${B}`, () => {
      const rng = new Rng(30 + B);
      const layer = new Flatten(105);
      expectSmall(checkLayer(layer, randomFloats(rng, 'f64', 105 * B) as Float64Array, B, rng), ['x']);
    });

    it(`BatchNorm over 3 channels × 35 positions B=${B}: x, gamma, beta`, () => {
      const rng = new Rng(40 + B);
      const layer = new BatchNorm(k, 3, 'f64', 35);
      randomParams([layer], rng);
      const x = randomFloats(rng, 'f64', layer.inputs * B, 3).map((v) => v + 1) as Float64Array;
      expectSmall(checkLayer(layer, x, B, rng), ['x', 'gamma', 'beta']);
    });
  }
});

describe('residual blocks, finite differences, float64', () => {
  /** conv 3×3 -> bn -> relu -> conv 3×3 on 7×5 images, Ci -> Co channels, the first conv at `stride`. */
  function body(rng: Rng, Ci: number, Co: number, stride: number): Layer[] {
    const first = convShape(Ci, Co, 7, 5, 3, stride, 1);
    const { outHeight: Ho, outWidth: Wo } = first;
    const second = convShape(Co, Co, Ho, Wo, 3, 1, 1);
    const { index } = buildIndex(Co, Co, randomEdges(rng, Co, Co, 2 * Co + 1));
    // no bias before batch norm: it could not change the loss (its gradient is 0, and finite differences only see noise)
    return [new Conv2d(k, first, 'f64', false), new BatchNorm(k, Co, 'f64', Ho * Wo), new Relu(k, Co * Ho * Wo),
      new PathConv2d(k, index, second, 'f64')];
  }

  for (const B of [1, 3]) {
    it(`identity shortcut, 3 channels 7×5, B=${B}: x and every sub-layer param`, () => {
      const rng = new Rng(50 + B);
      const block = new Residual(k, body(rng, 3, 3, 1), [], 'f64');
      randomParams([block], rng);
      const x = distinctFloats(rng, block.inputs * B);
      expectSmall(checkLayer(block, x, B, rng), ['x', 'weight', 'gamma', 'beta', 'weight', 'bias']);
    });

    it(`1×1 stride-2 projection shortcut, 3 -> 5 channels 7×5 -> 4×3, B=${B}`, () => {
      const rng = new Rng(60 + B);
      const projection = new Conv2d(k, convShape(3, 5, 7, 5, 1, 2, 0), 'f64', false);
      const block = new Residual(k, body(rng, 3, 5, 2), [projection], 'f64');
      expect([block.inputs, block.outputs]).toEqual([3 * 35, 5 * 12]);
      randomParams([block], rng);
      const x = distinctFloats(rng, block.inputs * B);
      expectSmall(checkLayer(block, x, B, rng), ['x', 'weight', 'gamma', 'beta', 'weight', 'bias', 'weight']);
    });
  }
});

describe('a small convolutional network to the loss, finite differences, float64', () => {
  it('path conv -> bn -> relu -> max pool -> residual -> avg pool -> global avg pool -> flatten -> dense -> loss', () => {
    const rng = new Rng(70);
    const B = 3;
    const c1 = convShape(2, 5, 9, 7, 3, 1, 1); // -> 5 × 9×7
    const pool = poolShape(5, 9, 7, 2, 2); // -> 5 × 4×3
    const r1 = convShape(5, 5, 4, 3, 3, 1, 1);
    const avg = poolShape(5, 4, 3, 2, 1); // -> 5 × 3×2
    const layers: Layer[] = [
      new PathConv2d(k, buildIndex(2, 5, randomEdges(rng, 2, 5, 9)).index, c1, 'f64', false),
      new BatchNorm(k, 5, 'f64', 63),
      new Relu(k, 5 * 63),
      new MaxPool2d(k, pool),
      new Residual(k, [new Conv2d(k, r1, 'f64'), new Relu(k, 60)], [], 'f64'),
      new AvgPool2d(k, avg),
      new GlobalAvgPool(k, 5, 6),
      new Flatten(5),
      new DenseLinear(k, 5, 4, 'f64'),
    ];
    randomParams(layers, rng);
    const x = distinctFloats(rng, 2 * 63 * B);
    const labels = Int32Array.from({ length: B }, () => rng.nextInt(4));
    const ce = new SoftmaxCrossEntropy(k);
    const forward = (): Floats => layers.reduce((a, layer) => layer.forward(a, B, true), x as Floats);
    const loss = (): number => ce.lossAndGradient(forward(), labels, 4, B).loss;
    const { dLogits } = ce.lossAndGradient(forward(), labels, 4, B);
    const dx = Float64Array.from(layers.reduceRight((d, layer) => layer.backward(d), dLogits));
    const analytic = layers.flatMap((layer) => layer.params().map((p) => ({ p, g: Float64Array.from(p.grad) })));
    expect(analytic.map(({ p }) => p.name)).toEqual(['weight', 'gamma', 'beta', 'weight', 'bias', 'weight', 'bias']);
    expect(relError(dx, numericGradient(loss, x))).toBeLessThan(TOL);
    for (const { p, g } of analytic) expect(relError(g, numericGradient(loss, p.value)), p.name).toBeLessThan(TOL);
  });
});
