/**
 * Every kernel of `Kernels` as a test case over named arrays, so that one harness can run each
 * kernel on every backend against the reference: `make` draws the inputs (and NaN-filled
 * outputs) for a batch size, `run` calls the kernel, `outputs` names what it writes (inputs it
 * updates in place included), and a returned number (the loss) is compared too.
 */
import type { Floats, Precision } from '../../src/core/floats.js';
import { allocFloats } from '../../src/core/floats.js';
import type { Kernels, SparseIndex } from '../../src/kernels/kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildIndex, randomEdges, randomFloats } from './fixtures.js';

export type Arrays = Record<string, Floats>;

export interface KernelCase {
  readonly name: string;
  /** Outputs written by the kernel, and the tolerance of each relative to the reference. */
  readonly outputs: Readonly<Record<string, number>>;
  make(p: Precision, B: number): Arrays;
  run(k: Kernels, a: Arrays, B: number): number | void;
}

export function nans(p: Precision, n: number): Floats {
  return allocFloats(p, n).fill(Number.NaN);
}

const TOL = 1e-5;

/** A sparse layer with duplicate edges, an empty last target and an empty last source. */
function sparseCase(name: string, I: number, O: number, E: number): KernelCase[] {
  const { index } = buildIndex(I, O, randomEdges(new Rng(I * 31 + O), I, O, E));
  const inputs = (p: Precision, B: number): Arrays => {
    const rng = new Rng(I + O + E + B);
    return { x: randomFloats(rng, p, I * B), W: randomFloats(rng, p, E), bias: randomFloats(rng, p, O),
      dy: randomFloats(rng, p, O * B) };
  };
  const ix: SparseIndex = index;
  return [
    { name: `sparseForward ${name}`, outputs: { y: TOL, y0: TOL },
      make: (p, B) => ({ ...inputs(p, B), y: nans(p, O * B), y0: nans(p, O * B) }),
      run: (k, a, B) => {
        k.sparseForward(a.y, a.x, a.W, a.bias, ix, B);
        k.sparseForward(a.y0, a.x, a.W, null, ix, B);
      } },
    { name: `sparseBackwardInput ${name}`, outputs: { dx: TOL },
      make: (p, B) => ({ ...inputs(p, B), dx: nans(p, I * B) }),
      run: (k, a, B) => k.sparseBackwardInput(a.dx, a.dy, a.W, ix, B) },
    { name: `sparseBackwardWeight ${name}`, outputs: { dW: TOL },
      make: (p, B) => ({ ...inputs(p, B), dW: nans(p, E) }),
      run: (k, a, B) => k.sparseBackwardWeight(a.dW, a.dy, a.x, ix, B) },
    { name: `sparseBackward ${name}`, outputs: { dx: TOL, dW: TOL },
      make: (p, B) => ({ ...inputs(p, B), dx: nans(p, I * B), dW: nans(p, E) }),
      run: (k, a, B) => k.sparseBackward(a.dx, a.dW, a.dy, a.x, a.W, ix, B) },
  ];
}

function denseCase(I: number, O: number): KernelCase[] {
  const inputs = (p: Precision, B: number): Arrays => {
    const rng = new Rng(I * 7 + O + B);
    return { x: randomFloats(rng, p, I * B), W: randomFloats(rng, p, O * I), bias: randomFloats(rng, p, O),
      dy: randomFloats(rng, p, O * B) };
  };
  const name = `I=${I} O=${O}`;
  return [
    { name: `denseForward ${name}`, outputs: { y: TOL, y0: TOL },
      make: (p, B) => ({ ...inputs(p, B), y: nans(p, O * B), y0: nans(p, O * B) }),
      run: (k, a, B) => {
        k.denseForward(a.y, a.x, a.W, a.bias, I, O, B);
        k.denseForward(a.y0, a.x, a.W, null, I, O, B);
      } },
    { name: `denseBackwardInput ${name}`, outputs: { dx: TOL },
      make: (p, B) => ({ ...inputs(p, B), dx: nans(p, I * B) }),
      run: (k, a, B) => k.denseBackwardInput(a.dx, a.dy, a.W, I, O, B) },
    { name: `denseBackwardWeight ${name}`, outputs: { dW: TOL },
      make: (p, B) => ({ ...inputs(p, B), dW: nans(p, O * I) }),
      run: (k, a, B) => k.denseBackwardWeight(a.dW, a.dy, a.x, I, O, B) },
    { name: `biasBackward ${name}`, outputs: { db: TOL },
      make: (p, B) => ({ ...inputs(p, B), db: nans(p, O) }),
      run: (k, a, B) => k.biasBackward(a.db, a.dy, O, B) },
  ];
}

const U = 123;

export const KERNEL_CASES: readonly KernelCase[] = [
  ...sparseCase('I=123 O=37 E=622', 123, 37, 123 * 5 + 7),
  ...sparseCase('I=10 O=123 E=369', 10, 123, 3 * 123),
  ...sparseCase('I=2 O=2 E=1', 2, 2, 1),
  ...denseCase(123, 37),
  ...denseCase(10, 6),
  ...denseCase(1, 5),
  { name: 'reluForward N=U*B', outputs: { y: 0 },
    make: (p, B) => ({ x: randomFloats(new Rng(B), p, U * B), y: nans(p, U * B) }),
    run: (k, a, B) => k.reluForward(a.y, a.x, U * B) },
  { name: 'reluForward in place', outputs: { x: 0 },
    make: (p, B) => ({ x: randomFloats(new Rng(B), p, U * B) }),
    run: (k, a, B) => k.reluForward(a.x, a.x, U * B) },
  { name: 'reluBackward N=U*B', outputs: { dx: 0 },
    make: (p, B) => {
      const rng = new Rng(B + 1);
      return { dy: randomFloats(rng, p, U * B), y: randomFloats(rng, p, U * B), dx: nans(p, U * B) };
    },
    run: (k, a, B) => k.reluBackward(a.dx, a.dy, a.y, U * B) },
  { name: 'reluBackward in place', outputs: { dy: 0 },
    make: (p, B) => {
      const rng = new Rng(B + 1);
      return { dy: randomFloats(rng, p, U * B), y: randomFloats(rng, p, U * B) };
    },
    run: (k, a, B) => k.reluBackward(a.dy, a.dy, a.y, U * B) },
  { name: 'batchNormForward U=123', outputs: { y: TOL, xhat: TOL, mean: TOL, invStd: TOL },
    make: (p, B) => {
      const rng = new Rng(B + 2);
      const x = randomFloats(rng, p, U * B, 3).map((v) => v + 0.5);
      return { x, gamma: randomFloats(rng, p, U), beta: randomFloats(rng, p, U), y: nans(p, U * B),
        xhat: nans(p, U * B), mean: nans(p, U), invStd: nans(p, U) };
    },
    run: (k, a, B) => k.batchNormForward(a.y, a.xhat, a.mean, a.invStd, a.x, a.gamma, a.beta, 1e-5, U, B) },
  { name: 'batchNormInference U=123', outputs: { y: TOL },
    make: (p, B) => {
      const rng = new Rng(B + 3);
      return { x: randomFloats(rng, p, U * B, 3), rm: randomFloats(rng, p, U),
        rv: randomFloats(rng, p, U).map((v) => v * v + 0.1), gamma: randomFloats(rng, p, U),
        beta: randomFloats(rng, p, U), y: nans(p, U * B) };
    },
    run: (k, a, B) => k.batchNormInference(a.y, a.x, a.rm, a.rv, a.gamma, a.beta, 1e-5, U, B) },
  { name: 'batchNormBackward U=123', outputs: { dx: TOL, dGamma: TOL, dBeta: TOL },
    make: (p, B) => {
      const rng = new Rng(B + 4);
      // xhat of a real forward pass (mean 0, variance 1 per unit), so that dx sums to ~0 as in training
      const x = randomFloats(rng, p, U * B, 3);
      const xhat = nans(p, U * B);
      const invStd = nans(p, U);
      const gamma = randomFloats(rng, p, U);
      const ref = allocFloats(p, U * B);
      refForward(ref, xhat, allocFloats(p, U), invStd, x, gamma, allocFloats(p, U), B);
      return { dy: randomFloats(rng, p, U * B), xhat, invStd, gamma, dx: nans(p, U * B), dGamma: nans(p, U),
        dBeta: nans(p, U) };
    },
    run: (k, a, B) => k.batchNormBackward(a.dx, a.dGamma, a.dBeta, a.dy, a.xhat, a.invStd, a.gamma, U, B) },
  // float64 arithmetic on every backend, rounded once: the same bits (tolerance 0); invStd large
  // enough that some variances fall below eps (clamped to 0)
  { name: 'batchNormRunningStats U=123', outputs: { rm: 0, rv: 0 },
    make: (p, B) => {
      const rng = new Rng(B + 8);
      return { rm: randomFloats(rng, p, U), rv: randomFloats(rng, p, U).map((v) => v * v), mean: randomFloats(rng, p, U, 3),
        invStd: randomFloats(rng, p, U, 1000).map((v) => Math.abs(v) + 0.5) };
    },
    run: (k, a, B) => k.batchNormRunningStats(a.rm, a.rv, a.mean, a.invStd, 0.1, 1e-5, B / (B - 1 || 1), U) },
  ...[10, 7, 2].map((C): KernelCase => ({
    name: `softmaxCrossEntropy C=${C}`, outputs: { d: TOL },
    make: (p, B) => {
      const rng = new Rng(B + C);
      const labels = Int32Array.from({ length: B }, () => rng.nextInt(C));
      return { z: randomFloats(rng, p, C * B, 4), d: nans(p, C * B), labels: Float64Array.from(labels) };
    },
    run: (k, a, B) => k.softmaxCrossEntropy(a.d, a.z, Uint8Array.from(a.labels), C, B),
  })),
  { name: 'softmaxCrossEntropy in place C=10', outputs: { z: TOL },
    make: (p, B) => {
      const rng = new Rng(B + 5);
      const labels = Int32Array.from({ length: B }, () => rng.nextInt(10));
      return { z: randomFloats(rng, p, 10 * B, 4), labels: Float64Array.from(labels) };
    },
    run: (k, a, B) => k.softmaxCrossEntropy(a.z, a.z, Int32Array.from(a.labels), 10, B) },
  { name: 'sgdMomentumStep N=U*B', outputs: { w: TOL, v: TOL },
    make: (p, B) => {
      const rng = new Rng(B + 6);
      return { w: randomFloats(rng, p, U * B), g: randomFloats(rng, p, U * B), v: randomFloats(rng, p, U * B) };
    },
    run: (k, a, B) => k.sgdMomentumStep(a.w, a.g, a.v, 0.05, 0.9, 1e-3, U * B) },
  { name: 'adamStep N=U*B', outputs: { w: TOL, m: TOL, v: TOL },
    make: (p, B) => {
      const rng = new Rng(B + 7);
      return { w: randomFloats(rng, p, U * B), g: randomFloats(rng, p, U * B), m: randomFloats(rng, p, U * B, 0.1),
        v: randomFloats(rng, p, U * B, 0.1).map(Math.abs) };
    },
    run: (k, a, B) => {
      k.adamStep(a.w, a.g, a.m, a.v, 1e-3, 0.9, 0.999, 1e-8, 0.01, 1, U * B);
      k.adamStep(a.w, a.g, a.m, a.v, 1e-3, 0.9, 0.999, 1e-8, 0.01, 2, U * B);
    } },
  { name: 'clampSign N=U*B, both signs', outputs: { up: 0, down: 0 },
    make: (p, B) => {
      const rng = new Rng(B + 9);
      return { up: randomFloats(rng, p, U * B), down: randomFloats(rng, p, U * B) };
    },
    run: (k, a, B) => {
      k.clampSign(a.up, 1, U * B);
      k.clampSign(a.down, -1, U * B);
    } },
];

/** The reference batch-norm forward pass (inputs of the backward case). */
function refForward(y: Floats, xhat: Floats, mean: Floats, invStd: Floats, x: Floats, gamma: Floats, beta: Floats,
  B: number): void {
  for (let u = 0; u < U; u++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += x[u * B + b];
    const m = s / B;
    let q = 0;
    for (let b = 0; b < B; b++) q += (x[u * B + b] - m) ** 2;
    const r = 1 / Math.sqrt(q / B + 1e-5);
    mean[u] = m;
    invStd[u] = r;
    for (let b = 0; b < B; b++) {
      xhat[u * B + b] = (x[u * B + b] - m) * r;
      y[u * B + b] = gamma[u] * xhat[u * B + b] + beta[u];
    }
  }
}
