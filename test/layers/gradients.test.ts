/**
 * Every backward pass against central finite differences in float64 (relative error < 1e-6),
 * layer by layer and through a small stacked network path -> batch norm -> relu -> dense -> loss.
 */
import { describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import { referenceKernels as k } from '../../src/kernels/reference-kernels.js';
import { BatchNorm } from '../../src/layers/batch-norm.js';
import { DenseLinear } from '../../src/layers/dense-linear.js';
import type { Layer } from '../../src/layers/layer.js';
import { PathLinear } from '../../src/layers/path-linear.js';
import { Relu } from '../../src/layers/relu.js';
import { SoftmaxCrossEntropy } from '../../src/layers/softmax-cross-entropy.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildIndex, randomEdges, randomFloats, relError } from '../kernels/fixtures.js';
import { numericGradient, weightedSum } from './gradcheck.js';

const TOL = 1e-6;

function fill(a: Floats, rng: Rng, scale = 1): void {
  a.set(randomFloats(rng, 'f64', a.length, scale));
}

/**
 * Checks a single layer with the loss sum(r * y): dx and every param gradient against finite
 * differences. Returns the relative errors, by name.
 */
function checkLayer(layer: Layer, x: Float64Array, B: number, rng: Rng): Record<string, number> {
  const r = randomFloats(rng, 'f64', layer.outputs * B);
  const loss = (): number => weightedSum(r, layer.forward(x, B, true));
  loss();
  const dx = Float64Array.from(layer.backward(r));
  const grads = layer.params().map((p) => Float64Array.from(p.grad));
  const errors: Record<string, number> = { x: relError(dx, numericGradient(loss, x)) };
  layer.params().forEach((p, j) => {
    errors[p.name] = relError(grads[j], numericGradient(loss, p.value));
  });
  return errors;
}

describe('finite differences, float64', () => {
  it('PathLinear: x, W, bias', () => {
    const rng = new Rng(1);
    const [I, O, B] = [13, 11, 5];
    const { index } = buildIndex(I, O, randomEdges(rng, I, O, 40));
    const layer = new PathLinear(k, index, 'f64');
    fill(layer.weight.value, rng);
    fill(layer.bias!.value, rng);
    const errors = checkLayer(layer, randomFloats(rng, 'f64', I * B) as Float64Array, B, rng);
    expect(Object.keys(errors)).toEqual(['x', 'weight', 'bias']);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(TOL);
  });

  it('DenseLinear: x, W, bias', () => {
    const rng = new Rng(2);
    const [I, O, B] = [7, 5, 4];
    const layer = new DenseLinear(k, I, O, 'f64');
    fill(layer.weight.value, rng);
    fill(layer.bias!.value, rng);
    const errors = checkLayer(layer, randomFloats(rng, 'f64', I * B) as Float64Array, B, rng);
    expect(Object.keys(errors)).toEqual(['x', 'weight', 'bias']);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(TOL);
  });

  it('Relu, away from the kink', () => {
    const rng = new Rng(3);
    const [U, B] = [9, 3];
    const x = randomFloats(rng, 'f64', U * B).map((v) => Math.sign(v) * (0.1 + Math.abs(v))) as Float64Array;
    const errors = checkLayer(new Relu(k, U), x, B, rng);
    expect(errors.x).toBeLessThan(TOL);
  });

  it('BatchNorm: x, gamma, beta', () => {
    const rng = new Rng(4);
    const [U, B] = [6, 7];
    const layer = new BatchNorm(k, U, 'f64');
    fill(layer.gamma.value, rng, 2);
    fill(layer.beta.value, rng);
    const x = randomFloats(rng, 'f64', U * B, 3).map((v) => v + 1) as Float64Array;
    const errors = checkLayer(layer, x, B, rng);
    expect(Object.keys(errors)).toEqual(['x', 'gamma', 'beta']);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(TOL);
  });

  it('softmax cross-entropy: logits', () => {
    const rng = new Rng(5);
    const [C, B] = [10, 6];
    const logits = randomFloats(rng, 'f64', C * B, 3);
    const labels = Uint8Array.from({ length: B }, () => rng.nextInt(C));
    const ce = new SoftmaxCrossEntropy(k);
    const d = Float64Array.from(ce.lossAndGradient(logits, labels, C, B).dLogits);
    const n = numericGradient(() => ce.lossAndGradient(logits, labels, C, B).loss, logits);
    expect(relError(d, n)).toBeLessThan(TOL);
  });

  it('stacked network path -> bn -> relu -> dense -> loss: every param and the input', () => {
    const rng = new Rng(6);
    const [I, H, C, B] = [13, 11, 5, 6];
    const { index } = buildIndex(I, H, randomEdges(rng, I, H, 45));
    const path = new PathLinear(k, index, 'f64');
    const bn = new BatchNorm(k, H, 'f64');
    const relu = new Relu(k, H);
    const dense = new DenseLinear(k, H, C, 'f64');
    const layers: Layer[] = [path, bn, relu, dense];
    for (const layer of layers) for (const p of layer.params()) fill(p.value, rng);
    const x = randomFloats(rng, 'f64', I * B);
    const labels = Int32Array.from({ length: B }, () => rng.nextInt(C));
    const ce = new SoftmaxCrossEntropy(k);
    const forward = (): Floats => layers.reduce((a, layer) => layer.forward(a, B, true), x);
    const loss = (): number => ce.lossAndGradient(forward(), labels, C, B).loss;

    loss();
    // stay away from the relu kink: every normalised pre-activation is clearly non-zero
    const pre = bn.forward(path.forward(x, B, true), B, true);
    expect(Math.min(...Array.from(pre, Math.abs))).toBeGreaterThan(1e-3);

    const { dLogits } = ce.lossAndGradient(forward(), labels, C, B);
    const dx = Float64Array.from(layers.reduceRight((d, layer) => layer.backward(d), dLogits));
    const analytic = layers.flatMap((layer) => layer.params().map((p) => ({ p, g: Float64Array.from(p.grad) })));
    expect(relError(dx, numericGradient(loss, x))).toBeLessThan(TOL);
    for (const { p, g } of analytic) {
      const n = numericGradient(loss, p.value);
      if (p === path.bias) {
        // a bias right before batch norm cannot change the loss: its gradient is 0
        expect(Math.max(...Array.from(g, Math.abs))).toBeLessThan(1e-12);
        expect(Math.max(...Array.from(n, Math.abs))).toBeLessThan(1e-8);
      } else {
        expect(relError(g, n), p.name).toBeLessThan(TOL);
      }
    }
    expect(analytic.length).toBe(6);
  });
});
