/**
 * Initialisers: he statistics and seed streams, constant values, fixed sign, and the
 * deterministic quasi-random normal init (the formula, no pseudo-random draw, stratification).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { referenceKernels as k } from '../../src/kernels/reference-kernels.js';
import { DenseLinear } from '../../src/layers/dense-linear.js';
import type { InitSpec } from '../../src/layers/init.js';
import { defaultInitComponent, denseTargetOffsets, initialiseLayer, initialiseWeights, layerSeed, QMC_INIT_SHIFT } from '../../src/layers/init.js';
import { PathLinear } from '../../src/layers/path-linear.js';
import { inverseNormalCdf } from '../../src/sequences/normal.js';
import { Rng } from '../../src/sequences/rng.js';
import { sobolComponent } from '../../src/sequences/sobol.js';
import { buildIndex, randomEdges } from '../kernels/fixtures.js';

/** CSR offsets of O targets with fan-ins 1, 2, ..., 97, 1, 2, ... (not powers of two). */
function variedOffsets(O: number): Int32Array {
  const offsets = new Int32Array(O + 1);
  for (let t = 0; t < O; t++) offsets[t + 1] = offsets[t] + 1 + (t % 97);
  return offsets;
}

function fanInOf(offsets: Int32Array): Int32Array {
  const fanIn = new Int32Array(offsets[offsets.length - 1]);
  for (let t = 0; t + 1 < offsets.length; t++) fanIn.fill(offsets[t + 1] - offsets[t], offsets[t], offsets[t + 1]);
  return fanIn;
}

function meanAndVariance(a: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const m = s / a.length;
  let q = 0;
  for (let i = 0; i < a.length; i++) q += (a[i] - m) ** 2;
  return [m, q / a.length];
}

function init(E: number, offsets: Int32Array, spec: InitSpec, layer: number): Float64Array {
  const W = new Float64Array(E);
  initialiseWeights(W, offsets, spec, layer);
  return W;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('he init', () => {
  it('has mean 0 and variance 2 / fanIn per target', () => {
    const offsets = variedOffsets(3000);
    const E = offsets[3000];
    const W = init(E, offsets, { kind: 'he', seed: 42 }, 0);
    const fanIn = fanInOf(offsets);
    const [m, v] = meanAndVariance(W.map((w, e) => w * Math.sqrt(fanIn[e] / 2)));
    expect(E).toBeGreaterThan(100_000);
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(E));
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
    // a dense layer, fan-in 50: variance 2/50 of the raw weights
    const dense = init(50 * 2000, denseTargetOffsets(50, 2000), { kind: 'he', seed: 7 }, 3);
    const [dm, dv] = meanAndVariance(dense);
    expect(Math.abs(dm)).toBeLessThan(4 * Math.sqrt(0.04 / 1e5));
    expect(Math.abs(dv / 0.04 - 1)).toBeLessThan(0.02);
  });

  it('same seed and layer: same weights; another layer or seed: another stream', () => {
    const offsets = denseTargetOffsets(10, 10);
    const a = init(100, offsets, { kind: 'he', seed: 1 }, 0);
    expect(init(100, offsets, { kind: 'he', seed: 1 }, 0)).toEqual(a);
    const others = [init(100, offsets, { kind: 'he', seed: 1 }, 1), init(100, offsets, { kind: 'he', seed: 2 }, 0)];
    for (const b of others) {
      let same = 0;
      for (let e = 0; e < 100; e++) if (a[e] === b[e]) same++;
      expect(same).toBe(0);
    }
    const seeds = new Set(Array.from({ length: 1000 }, (_, l) => layerSeed(1, l)));
    expect(seeds.size).toBe(1000);
    expect(layerSeed(-5, 0)).not.toBe(layerSeed(5, 0));
  });
});

describe('constant init', () => {
  it('defaults to 1 / sqrt(fanIn) of each target; an explicit value fills every weight', () => {
    const offsets = variedOffsets(200);
    const E = offsets[200];
    const fanIn = fanInOf(offsets);
    const W = init(E, offsets, { kind: 'constant' }, 2);
    for (let e = 0; e < E; e++) expect(W[e]).toBe(1 / Math.sqrt(fanIn[e]));
    const W32 = new Float32Array(E);
    initialiseWeights(W32, offsets, { kind: 'constant' }, 2);
    expect(Array.from(W32)).toEqual(Array.from(W, Math.fround));
    expect(Array.from(init(6, denseTargetOffsets(3, 2), { kind: 'constant', value: 0.25 }, 0))).toEqual([0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
  });
});

describe('deterministic inits', () => {
  it('qmc-normal is exactly the formula of component 64 + layer, and draws no pseudo-random number', () => {
    const spy = vi.spyOn(Rng.prototype, 'nextU32');
    const offsets = variedOffsets(100);
    const E = offsets[100];
    const fanIn = fanInOf(offsets);
    for (const layer of [0, 3]) {
      expect(defaultInitComponent(layer)).toBe(64 + layer);
      const W = init(E, offsets, { kind: 'qmc-normal' }, layer);
      const x = sobolComponent(64 + layer, 0, E);
      for (let e = 0; e < E; e++) {
        expect(W[e]).toBe(Math.sqrt(2 / fanIn[e]) * inverseNormalCdf((((x[e] ^ QMC_INIT_SHIFT) >>> 0) + 0.5) / 2 ** 32));
      }
    }
    expect(init(E, offsets, { kind: 'qmc-normal', component: 5 }, 0)).toEqual(init(E, offsets, { kind: 'qmc-normal', component: 5 }, 9));
    init(E, offsets, { kind: 'fixed-sign', sign: -1, keepSign: true }, 1);
    expect(spy).not.toHaveBeenCalled();
    // a control: the spy does see he draws
    init(10, denseTargetOffsets(5, 2), { kind: 'he', seed: 0 }, 0);
    expect(spy).toHaveBeenCalled();
  });

  it('qmc-normal: layers differ, and 2^12 weights have one value in each normal 1/2^12 quantile band', () => {
    const N = 4096;
    const offsets = denseTargetOffsets(64, 64); // fan-in 64: weight = z * sqrt(2/64)
    const z = init(N, offsets, { kind: 'qmc-normal' }, 0).map((w) => w / Math.sqrt(2 / 64));
    const other = init(N, offsets, { kind: 'qmc-normal' }, 1).map((w) => w / Math.sqrt(2 / 64));
    expect(other).not.toEqual(z);
    for (const values of [z, other]) {
      const sorted = Float64Array.from(values).sort();
      for (let j = 0; j < N; j++) {
        expect(sorted[j]).toBeGreaterThanOrEqual(inverseNormalCdf(j / N));
        expect(sorted[j]).toBeLessThan(inverseNormalCdf((j + 1) / N));
      }
      const [m, v] = meanAndVariance(values);
      expect(Math.abs(m)).toBeLessThan(2e-3);
      expect(Math.abs(v - 1)).toBeLessThan(0.02);
    }
  });

  it('fixed-sign: every weight has the sign, magnitudes |qmc-normal|, keepSign sets the constraint', () => {
    const offsets = variedOffsets(50);
    const E = offsets[50];
    const q = init(E, offsets, { kind: 'qmc-normal' }, 1);
    const plus = init(E, offsets, { kind: 'fixed-sign', sign: 1, keepSign: false }, 1);
    const minus = init(E, offsets, { kind: 'fixed-sign', sign: -1, keepSign: true }, 1);
    for (let e = 0; e < E; e++) {
      expect(plus[e]).toBeGreaterThan(0);
      expect(minus[e]).toBe(-plus[e]);
      expect(plus[e]).toBe(Math.abs(q[e]));
    }
    const { index } = buildIndex(20, 10, randomEdges(new Rng(1), 20, 10, 60));
    const layer = new PathLinear(k, index, 'f32');
    layer.bias!.value.fill(3);
    initialiseLayer(layer, { kind: 'fixed-sign', sign: 1, keepSign: true }, 0);
    expect(layer.weight.signConstraint).toBe(1);
    expect(Array.from(layer.bias!.value)).toEqual(new Array(10).fill(0));
    expect(Array.from(layer.weight.value).every((w) => w > 0)).toBe(true);
    initialiseLayer(layer, { kind: 'fixed-sign', sign: -1, keepSign: true }, 0);
    expect(layer.weight.signConstraint).toBe(-1);
    initialiseLayer(layer, { kind: 'fixed-sign', sign: -1, keepSign: false }, 0);
    expect(layer.weight.signConstraint).toBe(0);
  });
});

describe('initialiseLayer and validation', () => {
  it('initialises a dense layer through its implicit offsets', () => {
    const dense = new DenseLinear(k, 4, 3, 'f64');
    dense.bias!.value.fill(1);
    initialiseLayer(dense, { kind: 'constant' }, 0);
    expect(Array.from(dense.weight.value)).toEqual(new Array(12).fill(0.5));
    expect(Array.from(dense.bias!.value)).toEqual([0, 0, 0]);
    expect(Array.from(denseTargetOffsets(4, 3))).toEqual([0, 4, 8, 12]);
  });

  it('rejects bad specs with one-line messages', () => {
    const offsets = denseTargetOffsets(2, 2);
    expect(() => init(4, offsets, { kind: 'he', seed: 1.5 }, 0)).toThrow(/he init seed must be an integer/);
    expect(() => init(4, offsets, { kind: 'fixed-sign', sign: 2 as 1, keepSign: false }, 0)).toThrow(
      'fixed-sign init sign must be 1 or -1, got 2');
    expect(() => init(4, offsets, { kind: 'constant', value: Number.NaN }, 0)).toThrow(/constant init value/);
    expect(() => init(4, offsets, { kind: 'qmc-normal' }, -1)).toThrow(/layer number must be an integer/);
    expect(() => init(5, offsets, { kind: 'qmc-normal' }, 0)).toThrow(
      'init: targetOffsets must run from 0 to the 5 weights, got 0 .. 4');
  });
});
