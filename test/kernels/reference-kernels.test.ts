/**
 * The reference kernels against naive scalar implementations written from the definitions,
 * on awkward sizes (batch 1, 3, 127; widths like 123; random fan-ins with duplicates and empty
 * rows), in float64 (tight) and float32 (float32 tolerance). Destinations start as NaN to prove
 * that every kernel overwrites them.
 */
import { describe, expect, it } from 'vitest';
import type { Floats, Precision } from '../../src/core/floats.js';
import { allocFloats } from '../../src/core/floats.js';
import { referenceKernels as k } from '../../src/kernels/reference-kernels.js';
import { selectKernels } from '../../src/kernels/select-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import type { Edge } from './fixtures.js';
import { buildIndex, randomEdges, randomFloats, relError } from './fixtures.js';

const BATCHES = [1, 3, 127];
const PRECISIONS: { p: Precision; tol: number }[] = [{ p: 'f64', tol: 1e-12 }, { p: 'f32', tol: 2e-6 }];

function nans(p: Precision, n: number): Floats {
  return allocFloats(p, n).fill(Number.NaN);
}

// ---- naive definitions (float64, plain arrays) ----

function naiveSparseForward(x: Floats, W: Floats, bias: Floats | null, edges: readonly Edge[], O: number, B: number): number[] {
  const y = new Array<number>(O * B).fill(0);
  for (let t = 0; t < O; t++) for (let b = 0; b < B; b++) y[t * B + b] = bias ? bias[t] : 0;
  edges.forEach(({ s, t }, e) => {
    for (let b = 0; b < B; b++) y[t * B + b] += W[e] * x[s * B + b];
  });
  return y;
}

function naiveSparseBackwardInput(dy: Floats, W: Floats, edges: readonly Edge[], I: number, B: number): number[] {
  const dx = new Array<number>(I * B).fill(0);
  edges.forEach(({ s, t }, e) => {
    for (let b = 0; b < B; b++) dx[s * B + b] += W[e] * dy[t * B + b];
  });
  return dx;
}

function naiveSparseBackwardWeight(dy: Floats, x: Floats, edges: readonly Edge[], B: number): number[] {
  return edges.map(({ s, t }) => {
    let sum = 0;
    for (let b = 0; b < B; b++) sum += dy[t * B + b] * x[s * B + b];
    return sum;
  });
}

describe('sparse kernels', () => {
  const shapes = [
    { I: 123, O: 37, E: 123 * 5 + 7 },
    { I: 10, O: 123, E: 3 * 123 },
    { I: 2, O: 2, E: 1 },
  ];
  for (const { p, tol } of PRECISIONS) {
    for (const { I, O, E } of shapes) {
      for (const B of BATCHES) {
        it(`${p} I=${I} O=${O} E=${E} B=${B}`, () => {
          const rng = new Rng(I * 1000 + O * 10 + B);
          const edges = randomEdges(rng, I, O, E);
          const { index, ordered } = buildIndex(I, O, edges);
          const x = randomFloats(rng, p, I * B);
          const W = randomFloats(rng, p, E);
          const bias = randomFloats(rng, p, O);
          const dy = randomFloats(rng, p, O * B);

          const y = nans(p, O * B);
          k.sparseForward(y, x, W, bias, index, B);
          expect(relError(y, naiveSparseForward(x, W, bias, ordered, O, B))).toBeLessThan(tol);
          k.sparseForward(y, x, W, null, index, B);
          expect(relError(y, naiveSparseForward(x, W, null, ordered, O, B))).toBeLessThan(tol);
          // the last target has no edge: it holds exactly its bias (or 0)
          expect(y[(O - 1) * B]).toBe(0);

          const dx = nans(p, I * B);
          k.sparseBackwardInput(dx, dy, W, index, B);
          expect(relError(dx, naiveSparseBackwardInput(dy, W, ordered, I, B))).toBeLessThan(tol);
          expect(dx[(I - 1) * B]).toBe(0);

          const dW = nans(p, E);
          k.sparseBackwardWeight(dW, dy, x, index, B);
          expect(relError(dW, naiveSparseBackwardWeight(dy, x, ordered, B))).toBeLessThan(tol);
        });
      }
    }
  }

  it('works on offset views of larger buffers', () => {
    const rng = new Rng(5);
    const I = 13;
    const O = 7;
    const B = 3;
    const { index, ordered } = buildIndex(I, O, randomEdges(rng, I, O, 30));
    const big = randomFloats(rng, 'f32', 1000);
    const x = big.subarray(17, 17 + I * B);
    const W = big.subarray(101, 131);
    const bias = big.subarray(200, 200 + O);
    const y = new Float32Array(500).fill(Number.NaN).subarray(33, 33 + O * B);
    k.sparseForward(y, x, W, bias, index, B);
    expect(relError(y, naiveSparseForward(x, W, bias, ordered, O, B))).toBeLessThan(2e-6);
  });

  it('handles parallel (duplicate) edges as separate weights', () => {
    const { index } = buildIndex(2, 1, [{ s: 1, t: 0 }, { s: 1, t: 0 }, { s: 0, t: 0 }]);
    const y = new Float64Array(1);
    k.sparseForward(y, Float64Array.of(10, 100), Float64Array.of(1, 2, 3), Float64Array.of(0.5), index, 1);
    expect(y[0]).toBe(0.5 + 100 + 200 + 30);
    const dx = new Float64Array(2);
    k.sparseBackwardInput(dx, Float64Array.of(2), Float64Array.of(1, 2, 3), index, 1);
    expect([...dx]).toEqual([6, 6]);
    const dW = new Float64Array(3);
    k.sparseBackwardWeight(dW, Float64Array.of(2), Float64Array.of(10, 100), index, 1);
    expect([...dW]).toEqual([200, 200, 20]);
  });
});

describe('dense kernels', () => {
  for (const { p, tol } of PRECISIONS) {
    for (const [I, O] of [[123, 10], [7, 1], [1, 33]]) {
      for (const B of BATCHES) {
        it(`${p} I=${I} O=${O} B=${B}`, () => {
          const rng = new Rng(I * 7919 + O * 31 + B);
          const x = randomFloats(rng, p, I * B);
          const W = randomFloats(rng, p, O * I);
          const bias = randomFloats(rng, p, O);
          const dy = randomFloats(rng, p, O * B);
          const ey = new Array<number>(O * B).fill(0);
          const edx = new Array<number>(I * B).fill(0);
          const edW = new Array<number>(O * I).fill(0);
          const edb = new Array<number>(O).fill(0);
          for (let o = 0; o < O; o++) {
            for (let b = 0; b < B; b++) {
              let s = bias[o];
              for (let i = 0; i < I; i++) s += W[o * I + i] * x[i * B + b];
              ey[o * B + b] = s;
              edb[o] += dy[o * B + b];
            }
            for (let i = 0; i < I; i++) for (let b = 0; b < B; b++) edW[o * I + i] += dy[o * B + b] * x[i * B + b];
          }
          for (let i = 0; i < I; i++) {
            for (let b = 0; b < B; b++) for (let o = 0; o < O; o++) edx[i * B + b] += W[o * I + i] * dy[o * B + b];
          }
          const y = nans(p, O * B);
          k.denseForward(y, x, W, bias, I, O, B);
          expect(relError(y, ey)).toBeLessThan(tol);
          k.denseForward(y, x, W, null, I, O, B);
          expect(relError(y, ey.map((v, j) => v - bias[Math.floor(j / B)]))).toBeLessThan(tol);
          const dx = nans(p, I * B);
          k.denseBackwardInput(dx, dy, W, I, O, B);
          expect(relError(dx, edx)).toBeLessThan(tol);
          const dW = nans(p, O * I);
          k.denseBackwardWeight(dW, dy, x, I, O, B);
          expect(relError(dW, edW)).toBeLessThan(tol);
          const db = nans(p, O);
          k.biasBackward(db, dy, O, B);
          expect(relError(db, edb)).toBeLessThan(tol);
        });
      }
    }
  }
});

describe('relu kernels', () => {
  it('forward and backward, with exact zeros, in place too', () => {
    const x = Float32Array.of(-1, 0, 2.5, -0, 3, -7, 0.25);
    const y = nans('f32', 7);
    k.reluForward(y, x, 7);
    expect([...y]).toEqual([0, 0, 2.5, 0, 3, 0, 0.25]);
    const dy = Float32Array.of(1, 2, 3, 4, 5, 6, 7);
    const dx = nans('f32', 7);
    k.reluBackward(dx, dy, y, 7);
    expect([...dx]).toEqual([0, 0, 3, 0, 5, 0, 7]);
    k.reluBackward(dy, dy, y, 7); // dx aliases dy
    expect([...dy]).toEqual([0, 0, 3, 0, 5, 0, 7]);
    k.reluForward(x, x, 7); // y aliases x
    expect([...x]).toEqual([0, 0, 2.5, 0, 3, 0, 0.25]);
  });
});

describe('batch-norm kernels', () => {
  for (const { p, tol } of PRECISIONS) {
    for (const B of BATCHES) {
      it(`${p} U=123 B=${B}`, () => {
        const U = 123;
        const eps = 1e-5;
        const rng = new Rng(B + 77);
        const x = randomFloats(rng, p, U * B, 3);
        for (let i = 0; i < x.length; i++) x[i] += 0.5; // a non-zero mean
        const gamma = randomFloats(rng, p, U);
        const beta = randomFloats(rng, p, U);
        const dy = randomFloats(rng, p, U * B);
        const rmean = randomFloats(rng, p, U);
        const rvar = randomFloats(rng, p, U).map((v) => v * v + 0.1);

        const [y, xhat, mean, invStd] = [nans(p, U * B), nans(p, U * B), nans(p, U), nans(p, U)];
        k.batchNormForward(y, xhat, mean, invStd, x, gamma, beta, eps, U, B);
        const [ey, exhat, emean, einv] = [[], [], [], []] as number[][];
        const [edx, edg, edb] = [[], [], []] as number[][];
        const ei = new Array<number>(U * B);
        for (let u = 0; u < U; u++) {
          const row = Array.from({ length: B }, (_, b) => x[u * B + b]);
          const m = row.reduce((a, v) => a + v, 0) / B;
          const v = row.reduce((a, xv) => a + (xv - m) ** 2, 0) / B;
          const r = 1 / Math.sqrt(v + eps);
          emean.push(m);
          einv.push(r);
          const h = row.map((xv) => (xv - m) * r);
          exhat.push(...h);
          ey.push(...h.map((hv) => gamma[u] * hv + beta[u]));
          for (let b = 0; b < B; b++) ei[u * B + b] = gamma[u] * (x[u * B + b] - rmean[u]) / Math.sqrt(rvar[u] + eps) + beta[u];
          // backward from the derivation: dx = gamma * r * (dy - mean(dy) - xhat * mean(dy * xhat))
          const d = Array.from({ length: B }, (_, b) => dy[u * B + b]);
          const md = d.reduce((a, dv) => a + dv, 0) / B;
          const mdh = d.reduce((a, dv, b) => a + dv * h[b], 0) / B;
          edx.push(...d.map((dv, b) => gamma[u] * r * (dv - md - h[b] * mdh)));
          edg.push(mdh * B);
          edb.push(md * B);
        }
        expect(relError(mean, emean)).toBeLessThan(tol);
        expect(relError(invStd, einv)).toBeLessThan(tol);
        if (B > 1) expect(relError(xhat, exhat)).toBeLessThan(tol);
        else expect([...xhat].every((v) => v === 0)).toBe(true); // one sample: variance 0, xhat 0
        expect(relError(y, ey)).toBeLessThan(tol);

        const yi = nans(p, U * B);
        k.batchNormInference(yi, x, rmean, rvar, gamma, beta, eps, U, B);
        expect(relError(yi, ei)).toBeLessThan(tol * 10);

        const [dx, dg, db] = [nans(p, U * B), nans(p, U), nans(p, U)];
        k.batchNormBackward(dx, dg, db, dy, xhat, invStd, gamma, U, B);
        expect(relError(db, edb)).toBeLessThan(tol);
        if (B > 1) {
          expect(relError(dg, edg)).toBeLessThan(tol * 10);
          expect(relError(dx, edx)).toBeLessThan(tol * 100);
        } else {
          expect([...dx].every((v) => v === 0)).toBe(true); // one sample: the output ignores x
        }
      });
    }
  }

  it('running statistics: values worked by hand, a variance below eps clamped to 0', () => {
    // unit 0: invStd 0.5 -> variance 4 - 1e-5; unit 1: invStd 1000 -> 1e-6 - 1e-5 < 0 -> 0
    const rm = Float64Array.of(1, -2), rv = Float64Array.of(2, 3);
    k.batchNormRunningStats(rm, rv, Float64Array.of(3, 5), Float64Array.of(0.5, 1000), 0.1, 1e-5, 2, 2);
    expect(rm[0]).toBeCloseTo(0.9 * 1 + 0.1 * 3, 15);
    expect(rm[1]).toBeCloseTo(0.9 * -2 + 0.1 * 5, 15);
    expect(rv[0]).toBeCloseTo(0.9 * 2 + 0.1 * (4 - 1e-5) * 2, 15);
    expect(rv[1]).toBeCloseTo(0.9 * 3, 15);
  });
});

describe('softmax cross-entropy kernel', () => {
  for (const { p, tol } of PRECISIONS) {
    for (const [C, B] of [[10, 1], [10, 3], [7, 127], [2, 5]]) {
      it(`${p} C=${C} B=${B}`, () => {
        const rng = new Rng(C * 100 + B);
        const logits = randomFloats(rng, p, C * B, 4);
        const labels = Int32Array.from({ length: B }, () => rng.nextInt(C));
        const d = nans(p, C * B);
        const loss = k.softmaxCrossEntropy(d, logits, labels, C, B);
        let eloss = 0;
        const ed = new Array<number>(C * B);
        for (let b = 0; b < B; b++) {
          let z = 0;
          for (let c = 0; c < C; c++) z += Math.exp(logits[c * B + b]);
          eloss -= Math.log(Math.exp(logits[labels[b] * B + b]) / z) / B;
          for (let c = 0; c < C; c++) ed[c * B + b] = (Math.exp(logits[c * B + b]) / z - (c === labels[b] ? 1 : 0)) / B;
        }
        expect(Math.abs(loss - eloss) / eloss).toBeLessThan(p === 'f64' ? 1e-13 : 1e-6);
        expect(relError(d, ed)).toBeLessThan(tol);
        // every column of dLogits sums to 0
        for (let b = 0; b < B; b++) {
          let s = 0;
          for (let c = 0; c < C; c++) s += d[c * B + b];
          expect(Math.abs(s)).toBeLessThan(1e-6 / B);
        }
      });
    }
  }

  it('is stable for huge logits (shift invariance) and accepts Uint8 labels', () => {
    const C = 10;
    const B = 3;
    const rng = new Rng(9);
    const logits = randomFloats(rng, 'f64', C * B, 4);
    const labels = Uint8Array.of(3, 0, 9);
    const d1 = new Float64Array(C * B);
    const l1 = k.softmaxCrossEntropy(d1, logits, labels, C, B);
    const shifted = logits.map((v) => v + 1000);
    const d2 = new Float64Array(C * B);
    const l2 = k.softmaxCrossEntropy(d2, shifted, labels, C, B);
    expect(Number.isFinite(l2)).toBe(true);
    expect(l2).toBeCloseTo(l1, 10);
    expect(relError(d2, d1)).toBeLessThan(1e-12);
  });

  it('hand-computed: two classes, logits 0 and ln 3', () => {
    // p = (1/4, 3/4); label 1 -> loss -ln(3/4); dLogits = (1/4, -1/4)
    const d = new Float64Array(2);
    const loss = k.softmaxCrossEntropy(d, Float64Array.of(0, Math.log(3)), Int32Array.of(1), 2, 1);
    expect(loss).toBeCloseTo(-Math.log(0.75), 15);
    expect(d[0]).toBeCloseTo(0.25, 15);
    expect(d[1]).toBeCloseTo(-0.25, 15);
  });
});

describe('optimiser kernels', () => {
  it('SGD with momentum and weight decay, by hand', () => {
    const w = Float64Array.of(1, -2, 0.5);
    const g = Float64Array.of(0.1, 0.2, -0.3);
    const v = Float64Array.of(0.01, 0, -0.02);
    k.sgdMomentumStep(w, g, v, 0.1, 0.9, 0.01, 3);
    // v = 0.9 v + g + 0.01 w: 0.009 + 0.1 + 0.01 = 0.119; 0 + 0.2 - 0.02 = 0.18; -0.018 - 0.3 + 0.005 = -0.313
    expect(v[0]).toBeCloseTo(0.119, 15);
    expect(v[1]).toBeCloseTo(0.18, 15);
    expect(v[2]).toBeCloseTo(-0.313, 15);
    // w -= 0.1 v
    expect(w[0]).toBeCloseTo(0.9881, 15);
    expect(w[1]).toBeCloseTo(-2.018, 15);
    expect(w[2]).toBeCloseTo(0.5313, 15);
    // a second step reuses v: v = 0.9 * 0.119 + 0.1 + 0.01 * 0.9881 = 0.216981
    k.sgdMomentumStep(w, g, v, 0.1, 0.9, 0.01, 3);
    expect(v[0]).toBeCloseTo(0.216981, 15);
    expect(w[0]).toBeCloseTo(0.9881 - 0.0216981, 15);
  });

  it('Adam (decoupled weight decay), steps 1 and 2, by hand', () => {
    const w = Float64Array.of(1, -2);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    const [lr, b1, b2, eps, wd] = [0.01, 0.9, 0.999, 1e-8, 0.1];
    k.adamStep(w, Float64Array.of(0.1, -0.4), m, v, lr, b1, b2, eps, wd, 1, 2);
    // step 1: m = 0.1 g, v = 0.001 g^2, mhat = g, sqrt(vhat) = |g|
    expect(m[0]).toBeCloseTo(0.01, 15);
    expect(m[1]).toBeCloseTo(-0.04, 15);
    expect(v[0]).toBeCloseTo(1e-5, 18);
    expect(v[1]).toBeCloseTo(1.6e-4, 18);
    // w0 = 1 - 0.01 (0.1 / (0.1 + 1e-8) + 0.1 * 1) = 0.989000001 (to 1e-15)
    expect(w[0]).toBeCloseTo(0.989000001, 14);
    // w1 = -2 - 0.01 (-0.4 / (0.4 + 1e-8) - 0.2) = -1.98800000025
    expect(w[1]).toBeCloseTo(-1.98800000025, 14);
    const w1 = [w[0], w[1]];
    k.adamStep(w, Float64Array.of(0.2, 0.1), m, v, lr, b1, b2, eps, wd, 2, 2);
    // step 2, element 0: m = 0.009 + 0.02 = 0.029, v = 0.999e-5 + 0.001 * 0.04 = 4.999e-5
    // mhat = 0.029 / 0.19, vhat = 4.999e-5 / 0.001999
    expect(m[0]).toBeCloseTo(0.029, 15);
    expect(v[0]).toBeCloseTo(4.999e-5, 18);
    const mhat0 = 0.029 / 0.19;
    const vhat0 = 4.999e-5 / 0.001999;
    expect(w[0]).toBeCloseTo(w1[0] - lr * (mhat0 / (Math.sqrt(vhat0) + eps) + wd * w1[0]), 14);
    expect(w[0]).toBeCloseTo(0.97835918135, 10); // 0.989000001 - 0.01 * (0.96518196479 + 0.0989000001)
    // element 1: m = -0.036 + 0.01 = -0.026, v = 1.5984e-4 + 1e-5 = 1.6984e-4
    expect(m[1]).toBeCloseTo(-0.026, 15);
    expect(v[1]).toBeCloseTo(1.6984e-4, 18);
    expect(w[1]).toBeCloseTo(w1[1] - lr * ((-0.026 / 0.19) / (Math.sqrt(1.6984e-4 / 0.001999) + eps) + wd * w1[1]), 14);
  });

  for (const { p, tol } of PRECISIONS) {
    it(`${p} N=123 against the elementwise formulas`, () => {
      const rng = new Rng(123);
      const N = 123;
      const [w, g, v, m] = [randomFloats(rng, p, N), randomFloats(rng, p, N), randomFloats(rng, p, N), randomFloats(rng, p, N)];
      const va = v.map(Math.abs);
      const w2 = w.slice();
      const ew = Array.from(w, (wn, n) => wn - 0.05 * (0.8 * v[n] + g[n] + 1e-3 * wn));
      k.sgdMomentumStep(w, g, v.slice(), 0.05, 0.8, 1e-3, N);
      expect(relError(w, ew)).toBeLessThan(tol);
      const step = 3;
      const ew2 = Array.from(w2, (wn, n) => {
        const mn = 0.9 * m[n] + 0.1 * g[n];
        const vn = 0.99 * va[n] + 0.01 * g[n] * g[n];
        return wn - 1e-3 * ((mn / (1 - 0.9 ** step)) / (Math.sqrt(vn / (1 - 0.99 ** step)) + 1e-8) + 0.01 * wn);
      });
      k.adamStep(w2, g, m.slice(), va.slice(), 1e-3, 0.9, 0.99, 1e-8, 0.01, step, N);
      expect(relError(w2, ew2)).toBeLessThan(tol);
    });
  }
});

describe('clampSign', () => {
  it('sets the values on the wrong side to +0 and leaves zeros of either sign and NaN', () => {
    const values = [1, -2, 0, -0, 3, -1e-30, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const up = Float64Array.from(values), down = Float64Array.from(values);
    k.clampSign(up, 1, up.length);
    k.clampSign(down, -1, down.length);
    expect(Array.from(up)).toEqual([1, 0, 0, -0, 3, 0, Number.NaN, Number.POSITIVE_INFINITY, 0]);
    expect(Array.from(down)).toEqual([0, -2, 0, -0, 0, -1e-30, Number.NaN, 0, Number.NEGATIVE_INFINITY]);
    expect(Object.is(up[1], 0) && Object.is(down[0], 0) && Object.is(up[3], -0)).toBe(true);
  });
});

describe('selectKernels', () => {
  it('returns the reference backend for reference and auto, and rejects the others', () => {
    expect(selectKernels()).toBe(k);
    expect(selectKernels('auto')).toBe(k);
    expect(selectKernels('reference').name).toBe('reference');
    expect(() => selectKernels('nope' as never)).toThrow(/backend must be one of auto, reference, wasm, wasm-threads, wasm-fma, wasm-fma-threads, got "nope"/);
    expect(() => selectKernels('wasm')).toThrow(/needs Node/); // the browser-safe selector; Node's is in kernels/node
  });
});
