/**
 * The reference convolution, pooling and add kernels against naive scalar implementations written
 * from the definitions in kernels.ts (every output position, every tap, bounds checked one by
 * one), on awkward sizes: kernels 1, 3, 5; stride 1, 2, 3; padding 0, 1, 2; odd images (7×5,
 * 1×6); channels 1, 3, 5; batch 1 and 3; random edges with duplicates and empty channels; float64
 * (tight) and float32 (float32 tolerance). Destinations start as NaN to prove that every kernel
 * overwrites them. Also: a hand-computed 3×3 example, max-pool ties and overlaps, and a property:
 * a path convolution holding every edge equals the dense convolution, forward and backward.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Floats, Precision } from '../../src/core/floats.js';
import { allocFloats } from '../../src/core/floats.js';
import type { ConvShape, PoolShape } from '../../src/kernels/conv-shape.js';
import { convShape, poolShape } from '../../src/kernels/conv-shape.js';
import { referenceKernels as k } from '../../src/kernels/reference-kernels.js';
import { Rng } from '../../src/sequences/rng.js';
import type { Edge } from './fixtures.js';
import { allEdges, buildIndex, randomEdges, randomFloats, relError } from './fixtures.js';

const PRECISIONS: { p: Precision; tol: number }[] = [{ p: 'f64', tol: 1e-12 }, { p: 'f32', tol: 5e-6 }];

function nans(p: Precision, n: number): Floats {
  return allocFloats(p, n).fill(Number.NaN);
}

// ---- naive definitions (float64, plain arrays); an edge list with a weight block per edge ----

/** x[c, h, w, b], or 0 outside the image. */
function pixel(x: Floats, sh: ConvShape, c: number, h: number, w: number, b: number, B: number): number {
  if (h < 0 || h >= sh.inHeight || w < 0 || w >= sh.inWidth) return 0;
  return x[((c * sh.inHeight + h) * sh.inWidth + w) * B + b];
}

/** Calls f(e, s, t, tap i, tap j, ho, wo, h, w) for every edge, tap and output position with (h, w) inside. */
function eachTerm(edges: readonly Edge[], sh: ConvShape,
  f: (e: number, s: number, t: number, i: number, j: number, ho: number, wo: number, h: number, w: number) => void): void {
  const { kernel: K, stride: S, padding: P } = sh;
  edges.forEach(({ s, t }, e) => {
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
      for (let ho = 0; ho < sh.outHeight; ho++) for (let wo = 0; wo < sh.outWidth; wo++) {
        const h = ho * S + i - P;
        const w = wo * S + j - P;
        if (h >= 0 && h < sh.inHeight && w >= 0 && w < sh.inWidth) f(e, s, t, i, j, ho, wo, h, w);
      }
    }
  });
}

function naiveConvForward(x: Floats, W: Floats, bias: Floats | null, edges: readonly Edge[], sh: ConvShape, B: number): number[] {
  const { outChannels: Co, outHeight: Ho, outWidth: Wo, kernel: K } = sh;
  const y = new Array<number>(Co * Ho * Wo * B).fill(0);
  if (bias) for (let t = 0; t < Co; t++) for (let n = 0; n < Ho * Wo * B; n++) y[t * Ho * Wo * B + n] = bias[t];
  eachTerm(edges, sh, (e, s, t, i, j, ho, wo, h, w) => {
    for (let b = 0; b < B; b++) y[((t * Ho + ho) * Wo + wo) * B + b] += W[(e * K + i) * K + j] * pixel(x, sh, s, h, w, b, B);
  });
  return y;
}

function naiveConvBackwardInput(dy: Floats, W: Floats, edges: readonly Edge[], sh: ConvShape, B: number): number[] {
  const { inChannels: Ci, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: K } = sh;
  const dx = new Array<number>(Ci * H * Wi * B).fill(0);
  eachTerm(edges, sh, (e, s, t, i, j, ho, wo, h, w) => {
    for (let b = 0; b < B; b++) dx[((s * H + h) * Wi + w) * B + b] += W[(e * K + i) * K + j] * dy[((t * Ho + ho) * Wo + wo) * B + b];
  });
  return dx;
}

function naiveConvBackwardWeight(dy: Floats, x: Floats, edges: readonly Edge[], sh: ConvShape, B: number): number[] {
  const { outHeight: Ho, outWidth: Wo, kernel: K } = sh;
  const dW = new Array<number>(edges.length * K * K).fill(0);
  eachTerm(edges, sh, (e, s, t, i, j, ho, wo, h, w) => {
    for (let b = 0; b < B; b++) dW[(e * K + i) * K + j] += dy[((t * Ho + ho) * Wo + wo) * B + b] * pixel(x, sh, s, h, w, b, B);
  });
  return dW;
}

/** Calls f(c, ho, wo, i, j, xIndex without b, yIndex without b) over every window position, row-major. */
function eachWindow(sh: PoolShape, B: number, f: (yo: number, xo: number) => void): void {
  const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, size: K, stride: S } = sh;
  for (let c = 0; c < C; c++) for (let ho = 0; ho < Ho; ho++) for (let wo = 0; wo < Wo; wo++) {
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
      f(((c * Ho + ho) * Wo + wo) * B, ((c * H + ho * S + i) * W + wo * S + j) * B);
    }
  }
}

function outSize(sh: PoolShape, B: number): number {
  return sh.channels * sh.outHeight * sh.outWidth * B;
}

function inSize(sh: PoolShape, B: number): number {
  return sh.channels * sh.inHeight * sh.inWidth * B;
}

function naiveMaxPool(x: Floats, sh: PoolShape, B: number): number[] {
  const y = new Array<number>(outSize(sh, B)).fill(Number.NEGATIVE_INFINITY);
  eachWindow(sh, B, (yo, xo) => {
    for (let b = 0; b < B; b++) y[yo + b] = Math.max(y[yo + b], x[xo + b]);
  });
  return y;
}

function naiveMaxPoolBackward(dy: Floats, x: Floats, y: Floats, sh: PoolShape, B: number): number[] {
  const dx = new Array<number>(inSize(sh, B)).fill(0);
  const taken = new Set<number>(); // yo + b already routed
  eachWindow(sh, B, (yo, xo) => {
    for (let b = 0; b < B; b++) {
      if (!taken.has(yo + b) && x[xo + b] === y[yo + b]) {
        dx[xo + b] += dy[yo + b];
        taken.add(yo + b);
      }
    }
  });
  return dx;
}

function naiveAvgPool(x: Floats, sh: PoolShape, B: number): number[] {
  const y = new Array<number>(outSize(sh, B)).fill(0);
  eachWindow(sh, B, (yo, xo) => {
    for (let b = 0; b < B; b++) y[yo + b] += x[xo + b] / (sh.size * sh.size);
  });
  return y;
}

function naiveAvgPoolBackward(dy: Floats, sh: PoolShape, B: number): number[] {
  const dx = new Array<number>(inSize(sh, B)).fill(0);
  eachWindow(sh, B, (yo, xo) => {
    for (let b = 0; b < B; b++) dx[xo + b] += dy[yo + b] / (sh.size * sh.size);
  });
  return dx;
}

// ---- cases ----

const CONV_CASES: { name: string; shape: ConvShape }[] = [
  { name: '1x1 s1 p0, 3->5 on 7×5', shape: convShape(3, 5, 7, 5, 1, 1, 0) },
  { name: '1x1 s2 p0, 3->5 on 7×5', shape: convShape(3, 5, 7, 5, 1, 2, 0) },
  { name: '3x3 s1 p1, 3->5 on 7×5', shape: convShape(3, 5, 7, 5, 3, 1, 1) },
  { name: '3x3 s2 p1, 5->3 on 7×5', shape: convShape(5, 3, 7, 5, 3, 2, 1) },
  { name: '3x3 s1 p0, 1->3 on 5×7', shape: convShape(1, 3, 5, 7, 3, 1, 0) },
  { name: '5x5 s1 p2, 3->5 on 7×5', shape: convShape(3, 5, 7, 5, 5, 1, 2) },
  { name: '5x5 s2 p2, 3->3 on 7×5', shape: convShape(3, 3, 7, 5, 5, 2, 2) },
  { name: '5x5 s3 p1, 3->5 on 8×6', shape: convShape(3, 5, 8, 6, 5, 3, 1) },
  { name: '3x3 s2 p2, 3->5 on 1×6 (taps wholly outside)', shape: convShape(3, 5, 1, 6, 3, 2, 2) },
];

describe('path convolution kernels against the definition', () => {
  for (const { p, tol } of PRECISIONS) {
    for (const { name, shape } of CONV_CASES) {
      for (const B of [1, 3]) {
        it(`${p} ${name} B=${B}`, () => {
          const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: K } = shape;
          const rng = new Rng(Ci * 1000 + Co * 100 + K * 10 + B + (p === 'f32' ? 7 : 0));
          // empty last channels when Ci, Co > 1; one edge per pair when both are 1
          const E = Ci * Co + 2;
          const edges = Ci > 1 && Co > 1 ? randomEdges(rng, Ci, Co, E) : allEdges(Ci, Co);
          const { index, ordered } = buildIndex(Ci, Co, edges);
          const nW = ordered.length * K * K;
          const x = randomFloats(rng, p, Ci * H * Wi * B);
          const W = randomFloats(rng, p, nW);
          const bias = randomFloats(rng, p, Co);
          const dy = randomFloats(rng, p, Co * Ho * Wo * B);

          const y = nans(p, Co * Ho * Wo * B);
          k.pathConvForward(y, x, W, bias, index, shape, B);
          expect(relError(y, naiveConvForward(x, W, bias, ordered, shape, B))).toBeLessThan(tol);
          k.pathConvForward(y, x, W, null, index, shape, B);
          expect(relError(y, naiveConvForward(x, W, null, ordered, shape, B))).toBeLessThan(tol);

          const dx = nans(p, Ci * H * Wi * B);
          k.pathConvBackwardInput(dx, dy, W, index, shape, B);
          expect(relError(dx, naiveConvBackwardInput(dy, W, ordered, shape, B))).toBeLessThan(tol);

          const dW = nans(p, nW);
          k.pathConvBackwardWeight(dW, dy, x, index, shape, B);
          expect(relError(dW, naiveConvBackwardWeight(dy, x, ordered, shape, B))).toBeLessThan(tol);
        });
      }
    }
  }
});

describe('dense convolution kernels against the definition', () => {
  for (const { p, tol } of PRECISIONS) {
    for (const { name, shape } of CONV_CASES) {
      for (const B of [1, 3]) {
        it(`${p} ${name} B=${B}`, () => {
          const { inChannels: Ci, outChannels: Co, inHeight: H, inWidth: Wi, outHeight: Ho, outWidth: Wo, kernel: K } = shape;
          const rng = new Rng(Ci * 1000 + Co * 100 + K * 10 + B + (p === 'f32' ? 3 : 0));
          const edges = allEdges(Ci, Co); // edge o * Ci + c: W[Co][Ci][k][k] is its weight block
          const x = randomFloats(rng, p, Ci * H * Wi * B);
          const W = randomFloats(rng, p, Co * Ci * K * K);
          const bias = randomFloats(rng, p, Co);
          const dy = randomFloats(rng, p, Co * Ho * Wo * B);

          const y = nans(p, Co * Ho * Wo * B);
          k.convForward(y, x, W, bias, shape, B);
          expect(relError(y, naiveConvForward(x, W, bias, edges, shape, B))).toBeLessThan(tol);
          k.convForward(y, x, W, null, shape, B);
          expect(relError(y, naiveConvForward(x, W, null, edges, shape, B))).toBeLessThan(tol);

          const dx = nans(p, Ci * H * Wi * B);
          k.convBackwardInput(dx, dy, W, shape, B);
          expect(relError(dx, naiveConvBackwardInput(dy, W, edges, shape, B))).toBeLessThan(tol);

          const dW = nans(p, Co * Ci * K * K);
          k.convBackwardWeight(dW, dy, x, shape, B);
          expect(relError(dW, naiveConvBackwardWeight(dy, x, edges, shape, B))).toBeLessThan(tol);
        });
      }
    }
  }
});

describe('a convolution by hand: 1 channel, 3×3 input 1..9, 2×2 kernel [[1, 2], [3, 4]], B = 1', () => {
  const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const W = Float64Array.from([1, 2, 3, 4]);
  const { index } = buildIndex(1, 1, [{ s: 0, t: 0 }]);

  it('stride 1, no padding: forward, and both gradients of sum(y)', () => {
    const shape = convShape(1, 1, 3, 3, 2, 1, 0);
    const y = new Float64Array(4);
    k.convForward(y, x, W, Float64Array.of(0.5), shape, 1);
    expect(Array.from(y)).toEqual([37.5, 47.5, 67.5, 77.5]);
    k.pathConvForward(y, x, W, null, index, shape, 1);
    expect(Array.from(y)).toEqual([37, 47, 67, 77]);
    const ones = Float64Array.of(1, 1, 1, 1);
    const dW = new Float64Array(4);
    k.convBackwardWeight(dW, ones, x, shape, 1);
    expect(Array.from(dW)).toEqual([12, 16, 24, 28]);
    const dx = new Float64Array(9);
    k.convBackwardInput(dx, ones, W, shape, 1);
    expect(Array.from(dx)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
    k.pathConvBackwardInput(dx, ones, W, index, shape, 1);
    expect(Array.from(dx)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('stride 2, padding 1: 2×2 output, taps off the image count as zero', () => {
    const shape = convShape(1, 1, 3, 3, 2, 2, 1);
    expect([shape.outHeight, shape.outWidth]).toEqual([2, 2]);
    const y = new Float64Array(4);
    k.convForward(y, x, W, null, shape, 1);
    // (0,0): only tap (1,1) on x[0,0]; (0,1): taps (1,0), (1,1) on x[0,1], x[0,2]; ...
    expect(Array.from(y)).toEqual([4, 3 * 2 + 4 * 3, 2 * 4 + 4 * 7, 77]);
  });
});

describe('a path convolution holding every edge equals the dense convolution', () => {
  it('forward, input gradient and weight gradient, float64 (property over sizes, taps, stride, padding, edge order)', () => {
    fc.assert(
      fc.property(
        fc.record({
          Ci: fc.integer({ min: 1, max: 4 }), Co: fc.integer({ min: 1, max: 4 }),
          H: fc.integer({ min: 1, max: 7 }), W: fc.integer({ min: 1, max: 7 }),
          K: fc.constantFrom(1, 2, 3, 5), S: fc.integer({ min: 1, max: 3 }), P: fc.integer({ min: 0, max: 2 }),
          B: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 0, max: 1 << 30 }),
        }).filter(({ H, W, K, P }) => P < K && H + 2 * P >= K && W + 2 * P >= K),
        ({ Ci, Co, H, W, K, S, P, B, seed }) => {
          const shape = convShape(Ci, Co, H, W, K, S, P);
          const rng = new Rng(seed);
          // every edge once, in a shuffled order, so the weights must really be rearranged
          const edges = allEdges(Ci, Co);
          const order = Int32Array.from(edges, (_, e) => e);
          rng.shuffle(order);
          const { index, ordered } = buildIndex(Ci, Co, Array.from(order, (e) => edges[e]));
          const kk = K * K;
          const Wd = randomFloats(rng, 'f64', Co * Ci * kk);
          const Wp = new Float64Array(ordered.length * kk);
          ordered.forEach(({ s, t }, e) => Wp.set(Wd.subarray((t * Ci + s) * kk, (t * Ci + s + 1) * kk), e * kk));
          const bias = randomFloats(rng, 'f64', Co);
          const x = randomFloats(rng, 'f64', Ci * H * W * B);
          const nOut = Co * shape.outHeight * shape.outWidth * B;
          const dy = randomFloats(rng, 'f64', nOut);

          const yd = new Float64Array(nOut);
          const yp = new Float64Array(nOut);
          k.convForward(yd, x, Wd, bias, shape, B);
          k.pathConvForward(yp, x, Wp, bias, index, shape, B);
          expect(relError(yp, yd)).toBeLessThan(1e-14);

          const dxd = new Float64Array(x.length);
          const dxp = new Float64Array(x.length);
          k.convBackwardInput(dxd, dy, Wd, shape, B);
          k.pathConvBackwardInput(dxp, dy, Wp, index, shape, B);
          expect(relError(dxp, dxd)).toBeLessThan(1e-14);

          const dWd = new Float64Array(Wd.length);
          const dWp = new Float64Array(Wp.length);
          k.convBackwardWeight(dWd, dy, x, shape, B);
          k.pathConvBackwardWeight(dWp, dy, x, index, shape, B);
          ordered.forEach(({ s, t }, e) => {
            for (let m = 0; m < kk; m++) expect(dWp[e * kk + m]).toBe(dWd[(t * Ci + s) * kk + m]);
          });
        }),
      { numRuns: 80 },
    );
  });
});

// ---- pooling ----

const POOL_CASES: { name: string; shape: PoolShape }[] = [
  { name: '2/2 on 3 channels 7×5', shape: poolShape(3, 7, 5, 2, 2) },
  { name: '3/2 (overlapping) on 3 channels 7×5', shape: poolShape(3, 7, 5, 3, 2) },
  { name: '3/1 (overlapping) on 2 channels 5×6', shape: poolShape(2, 5, 6, 3, 1) },
  { name: '1/1 on 1 channel 2×3', shape: poolShape(1, 2, 3, 1, 1) },
  { name: '4/3 on 5 channels 7×7 (leftover rows)', shape: poolShape(5, 7, 7, 4, 3) },
];

describe('pooling kernels against the definition', () => {
  for (const { p, tol } of PRECISIONS) {
    for (const { name, shape } of POOL_CASES) {
      for (const B of [1, 3]) {
        it(`${p} ${name} B=${B}`, () => {
          const rng = new Rng(shape.channels * 100 + shape.size * 10 + B);
          const x = randomFloats(rng, p, inSize(shape, B));
          const dy = randomFloats(rng, p, outSize(shape, B));

          const y = nans(p, outSize(shape, B));
          k.maxPoolForward(y, x, shape, B);
          expect(Array.from(y)).toEqual(naiveMaxPool(x, shape, B)); // a max is exact
          const dx = nans(p, inSize(shape, B));
          k.maxPoolBackward(dx, dy, x, y, shape, B);
          expect(relError(dx, naiveMaxPoolBackward(dy, x, y, shape, B))).toBeLessThan(tol);

          k.avgPoolForward(y, x, shape, B);
          expect(relError(y, naiveAvgPool(x, shape, B))).toBeLessThan(tol);
          dx.fill(Number.NaN);
          k.avgPoolBackward(dx, dy, shape, B);
          expect(relError(dx, naiveAvgPoolBackward(dy, shape, B))).toBeLessThan(tol);
        });
      }
    }
  }

  it('max pool routes a tie to the first position in row-major window order, and overlapping windows add', () => {
    // one channel, 3×3, window 2 stride 1, B = 2: sample 0 all equal, sample 1 a single peak in the middle
    const shape = poolShape(1, 3, 3, 2, 1);
    const x = new Float64Array(18);
    for (let n = 0; n < 9; n++) {
      x[2 * n] = 5;
      x[2 * n + 1] = n === 4 ? 9 : n;
    }
    const y = new Float64Array(8);
    k.maxPoolForward(y, x, shape, 2);
    expect(Array.from(y)).toEqual([5, 9, 5, 9, 5, 9, 5, 9]);
    const dy = Float64Array.from([1, 1, 10, 10, 100, 100, 1000, 1000]);
    const dx = new Float64Array(18);
    k.maxPoolBackward(dx, dy, x, y, shape, 2);
    // sample 0: each window's first position is its top-left corner (0, 0), (0, 1), (1, 0), (1, 1)
    expect(Array.from({ length: 9 }, (_, n) => dx[2 * n])).toEqual([1, 10, 0, 100, 1000, 0, 0, 0, 0]);
    // sample 1: the middle pixel wins all four windows
    expect(Array.from({ length: 9 }, (_, n) => dx[2 * n + 1])).toEqual([0, 0, 0, 0, 1111, 0, 0, 0, 0]);
  });

  it('avg pool by hand: 1 channel 2×2, window 2', () => {
    const shape = poolShape(1, 2, 2, 2, 2);
    const y = new Float64Array(1);
    k.avgPoolForward(y, Float64Array.of(1, 2, 3, 6), shape, 1);
    expect(y[0]).toBe(3);
    const dx = new Float64Array(4);
    k.avgPoolBackward(dx, Float64Array.of(2), shape, 1);
    expect(Array.from(dx)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});

describe('global average pooling and add', () => {
  for (const { p, tol } of PRECISIONS) {
    for (const [C, N, B] of [[1, 1, 1], [3, 35, 3], [5, 4, 1], [2, 49, 7]]) {
      it(`${p} C=${C} N=${N} B=${B}`, () => {
        const rng = new Rng(C * 1000 + N * 10 + B);
        const x = randomFloats(rng, p, C * N * B);
        const dy = randomFloats(rng, p, C * B);
        const y = nans(p, C * B);
        k.globalAvgPoolForward(y, x, C, N, B);
        const want = new Array<number>(C * B).fill(0);
        for (let c = 0; c < C; c++) for (let n = 0; n < N; n++) for (let b = 0; b < B; b++) want[c * B + b] += x[(c * N + n) * B + b] / N;
        expect(relError(y, want)).toBeLessThan(tol);
        const dx = nans(p, C * N * B);
        k.globalAvgPoolBackward(dx, dy, C, N, B);
        const wantDx: number[] = [];
        for (let c = 0; c < C; c++) for (let n = 0; n < N; n++) for (let b = 0; b < B; b++) wantDx.push(dy[c * B + b] / N);
        expect(relError(dx, wantDx)).toBeLessThan(tol);
      });
    }
  }

  it('add, also in place over either operand', () => {
    const a = Float32Array.of(1, 2, 3, 0.5);
    const b = Float32Array.of(10, 20, 30, 0.25);
    const y = new Float32Array(4).fill(Number.NaN);
    k.add(y, a, b, 4);
    expect(Array.from(y)).toEqual([11, 22, 33, 0.75]);
    k.add(a, a, b, 3);
    expect(Array.from(a)).toEqual([11, 22, 33, 0.5]);
    k.add(b, a, b, 4);
    expect(Array.from(b)).toEqual([21, 42, 63, 0.75]);
  });
});
