/**
 * The convolution, pooling and residual kernels of every wasm backend (plain and FMA builds; one
 * thread and worker pools of 2 and 3 threads, split even for tiny jobs) against the reference, on
 * awkward shapes: odd heights and widths, stride 2, padding 0..2, kernels 1, 3 and 5, batch 1, 5,
 * 8 and 67 (scalar, flat runs, sliding strips with and without an overlapping last vector),
 * channel counts 3, 5 and 13, and arrays at unaligned offsets. Path convolutions run on a
 * topology built from Sobol' paths and on hand-made indices with duplicate edges and empty
 * channels. Results must be bit-identical for 1, 2 and 3 threads and between runs; float64 and
 * foreign arrays fall back to the reference exactly; bad sizes fail loudly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats, Precision } from '../../src/core/floats.js';
import { convShape, poolShape, type ConvShape, type PoolShape } from '../../src/kernels/conv-shape.js';
import type { Kernels, SparseIndex } from '../../src/kernels/kernels.js';
import { relaxedSimdAvailable, wasmModuleBuilt } from '../../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import type { WasmBuild } from '../../src/kernels/wasm/wasm-arena.js';
import { Rng } from '../../src/sequences/rng.js';
import { buildTopology } from '../../src/topology/build-topology.js';
import { nans, type Arrays } from './backend-cases.js';
import { allEdges, buildIndex, firstBitDifference, randomEdges, randomFloats, relError } from './fixtures.js';

const TOL = 1e-5;
const BATCHES = [1, 5, 8, 67];

const backendsOf = (build: WasmBuild): WasmKernels[] =>
  [1, 2, 3].map((threads) => createNodeWasmKernels({ threads, build, minParallelWork: 0 }));
const backends = backendsOf('simd');
const fmaBackends = relaxedSimdAvailable() && wasmModuleBuilt('simd-fma') ? backendsOf('simd-fma') : [];
afterAll(() => [...backends, ...fmaBackends].forEach((k) => k.close()));

interface ConvCase {
  readonly name: string;
  /** Outputs and their tolerance relative to the reference. */
  readonly outputs: Readonly<Record<string, number>>;
  make(p: Precision, B: number): Arrays;
  run(k: Kernels, a: Arrays, B: number): void;
}

const planeIn = (c: ConvShape): number => c.inHeight * c.inWidth;
const planeOut = (c: ConvShape): number => c.outHeight * c.outWidth;
const describeShape = (c: ConvShape): string =>
  `${c.inChannels}->${c.outChannels} ${c.inHeight}x${c.inWidth} k${c.kernel} s${c.stride} p${c.padding}`;

/** The three kernels of a path convolution on `index`. */
function pathCases(label: string, shape: ConvShape, index: SparseIndex): ConvCase[] {
  const { inChannels: Ci, outChannels: Co, kernel: k } = shape;
  const E = index.sources.length;
  const inputs = (p: Precision, B: number): Arrays => {
    const rng = new Rng(Ci * 1000 + Co * 10 + E + B);
    return { x: randomFloats(rng, p, Ci * planeIn(shape) * B), W: randomFloats(rng, p, E * k * k),
      bias: randomFloats(rng, p, Co), dy: randomFloats(rng, p, Co * planeOut(shape) * B) };
  };
  const name = `${describeShape(shape)} ${label} E=${E}`;
  return [
    { name: `pathConvForward ${name}`, outputs: { y: TOL, y0: TOL },
      make: (p, B) => ({ ...inputs(p, B), y: nans(p, Co * planeOut(shape) * B), y0: nans(p, Co * planeOut(shape) * B) }),
      run: (kk, a, B) => {
        kk.pathConvForward(a.y, a.x, a.W, a.bias, index, shape, B);
        kk.pathConvForward(a.y0, a.x, a.W, null, index, shape, B);
      } },
    { name: `pathConvBackwardInput ${name}`, outputs: { dx: TOL },
      make: (p, B) => ({ ...inputs(p, B), dx: nans(p, Ci * planeIn(shape) * B) }),
      run: (kk, a, B) => kk.pathConvBackwardInput(a.dx, a.dy, a.W, index, shape, B) },
    { name: `pathConvBackwardWeight ${name}`, outputs: { dW: TOL },
      make: (p, B) => ({ ...inputs(p, B), dW: nans(p, E * k * k) }),
      run: (kk, a, B) => kk.pathConvBackwardWeight(a.dW, a.dy, a.x, index, shape, B) },
  ];
}

/** The three kernels of a dense convolution. */
function denseCases(shape: ConvShape): ConvCase[] {
  const { inChannels: Ci, outChannels: Co, kernel: k } = shape;
  const inputs = (p: Precision, B: number): Arrays => {
    const rng = new Rng(Ci * 100 + Co + B);
    return { x: randomFloats(rng, p, Ci * planeIn(shape) * B), W: randomFloats(rng, p, Co * Ci * k * k),
      bias: randomFloats(rng, p, Co), dy: randomFloats(rng, p, Co * planeOut(shape) * B) };
  };
  const name = describeShape(shape);
  return [
    { name: `convForward ${name}`, outputs: { y: TOL, y0: TOL },
      make: (p, B) => ({ ...inputs(p, B), y: nans(p, Co * planeOut(shape) * B), y0: nans(p, Co * planeOut(shape) * B) }),
      run: (kk, a, B) => {
        kk.convForward(a.y, a.x, a.W, a.bias, shape, B);
        kk.convForward(a.y0, a.x, a.W, null, shape, B);
      } },
    { name: `convBackwardInput ${name}`, outputs: { dx: TOL },
      make: (p, B) => ({ ...inputs(p, B), dx: nans(p, Ci * planeIn(shape) * B) }),
      run: (kk, a, B) => kk.convBackwardInput(a.dx, a.dy, a.W, shape, B) },
    { name: `convBackwardWeight ${name}`, outputs: { dW: TOL },
      make: (p, B) => ({ ...inputs(p, B), dW: nans(p, Co * Ci * k * k) }),
      run: (kk, a, B) => kk.convBackwardWeight(a.dW, a.dy, a.x, shape, B) },
  ];
}

/** Max and average pooling, forward and backward. */
function poolCases(shape: PoolShape): ConvCase[] {
  const { channels: C, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo } = shape;
  const inputs = (p: Precision, B: number): Arrays => {
    const rng = new Rng(C * 7 + H + B);
    const x = randomFloats(rng, p, C * H * W * B);
    // a few ties, so that "the first position equal to the maximum" matters
    for (let i = 0; i < x.length; i += 7) x[i + 1 < x.length ? i + 1 : i] = x[i];
    return { x, dy: randomFloats(rng, p, C * Ho * Wo * B) };
  };
  const name = `C=${C} ${H}x${W} size ${shape.size} stride ${shape.stride}`;
  const maxOf = (p: Precision, x: Floats, B: number): Floats => {
    const y = nans(p, C * Ho * Wo * B);
    referenceKernels.maxPoolForward(y, x, shape, B);
    return y;
  };
  return [
    { name: `maxPoolForward ${name}`, outputs: { y: 0 },
      make: (p, B) => ({ ...inputs(p, B), y: nans(p, C * Ho * Wo * B) }),
      run: (k, a, B) => k.maxPoolForward(a.y, a.x, shape, B) },
    { name: `maxPoolBackward ${name}`, outputs: { dx: 0 },
      make: (p, B) => {
        const a = inputs(p, B);
        return { ...a, y: maxOf(p, a.x, B), dx: nans(p, C * H * W * B) };
      },
      run: (k, a, B) => k.maxPoolBackward(a.dx, a.dy, a.x, a.y, shape, B) },
    { name: `avgPoolForward ${name}`, outputs: { y: TOL },
      make: (p, B) => ({ ...inputs(p, B), y: nans(p, C * Ho * Wo * B) }),
      run: (k, a, B) => k.avgPoolForward(a.y, a.x, shape, B) },
    { name: `avgPoolBackward ${name}`, outputs: { dx: TOL },
      make: (p, B) => ({ ...inputs(p, B), dx: nans(p, C * H * W * B) }),
      run: (k, a, B) => k.avgPoolBackward(a.dx, a.dy, shape, B) },
  ];
}

function globalCases(C: number, N: number): ConvCase[] {
  const inputs = (p: Precision, B: number): Arrays => {
    const rng = new Rng(C + N + B);
    return { x: randomFloats(rng, p, C * N * B), dy: randomFloats(rng, p, C * B) };
  };
  return [
    { name: `globalAvgPoolForward C=${C} N=${N}`, outputs: { y: TOL },
      make: (p, B) => ({ ...inputs(p, B), y: nans(p, C * B) }),
      run: (k, a, B) => k.globalAvgPoolForward(a.y, a.x, C, N, B) },
    { name: `globalAvgPoolBackward C=${C} N=${N}`, outputs: { dx: TOL },
      make: (p, B) => ({ ...inputs(p, B), dx: nans(p, C * N * B) }),
      run: (k, a, B) => k.globalAvgPoolBackward(a.dx, a.dy, C, N, B) },
  ];
}

const ADD_N = 123;
const addCases: ConvCase[] = [
  { name: 'add N=123*B', outputs: { y: 0 },
    make: (p, B) => {
      const rng = new Rng(B + 9);
      return { a: randomFloats(rng, p, ADD_N * B), b: randomFloats(rng, p, ADD_N * B), y: nans(p, ADD_N * B) };
    },
    run: (k, a, B) => k.add(a.y, a.a, a.b, ADD_N * B) },
  { name: 'add in place (y = a)', outputs: { a: 0 },
    make: (p, B) => {
      const rng = new Rng(B + 10);
      return { a: randomFloats(rng, p, ADD_N * B), b: randomFloats(rng, p, ADD_N * B) };
    },
    run: (k, a, B) => k.add(a.a, a.a, a.b, ADD_N * B) },
];

// Convolution shapes: [Ci, Co, H, W, k, s, p]. Widths of 8 and more run 8-position strips (the
// last one overlapping), 4..7 run 4-position strips, below 4 single positions; p = 2 with k = 3
// clips two strip positions on each side. The 40-channel, 70-wide shapes have bands of 3 input
// rows over 2 MB at B = 67, so the dense forward (and the stride-1 backward input) run blocks of
// 16 samples, the last one 19 (two 8-float groups and an overlapping 4), one run per position.
const SHAPES: readonly (readonly [number, number, number, number, number, number, number])[] = [
  [3, 5, 7, 5, 3, 1, 1],
  [5, 13, 9, 9, 3, 1, 1],
  [13, 3, 5, 19, 3, 1, 1],
  [5, 3, 6, 6, 3, 1, 2],
  [3, 5, 7, 9, 3, 1, 0],
  [5, 3, 3, 2, 3, 1, 1],
  [5, 13, 9, 9, 3, 2, 1],
  [3, 5, 7, 5, 3, 2, 0],
  [13, 5, 9, 9, 5, 1, 2],
  [3, 5, 7, 9, 5, 2, 1],
  [5, 3, 7, 5, 1, 1, 0],
  [3, 13, 9, 7, 1, 2, 0],
  [40, 40, 2, 70, 3, 1, 1],
  [40, 6, 3, 70, 3, 2, 1],
];

const CONV_CASES: ConvCase[] = SHAPES.flatMap(([Ci, Co, H, W, k, s, p]) => {
  const shape = convShape(Ci, Co, H, W, k, s, p);
  // Sobol' paths [Ci, Co] at fan-in 2 (with duplicates merged), and random edges with duplicates,
  // an empty last input channel and an empty last output channel
  const sobol = buildTopology({ widths: [Ci, Co], source: { kind: 'sobol' }, paths: { fanIn: 2 } }).layers[0];
  const random = buildIndex(Ci, Co, randomEdges(new Rng(Ci * 31 + Co * 7 + H), Ci, Co, 3 * Co + 2)).index;
  return [...pathCases('sobol K=2', shape, sobol), ...pathCases('random', shape, random), ...denseCases(shape)];
});

const OTHER_CASES: ConvCase[] = [
  ...poolCases(poolShape(3, 7, 5, 2, 2)),
  ...poolCases(poolShape(5, 9, 9, 3, 2)),
  ...poolCases(poolShape(3, 6, 7, 3, 1)),
  ...globalCases(5, 7 * 5),
  ...globalCases(13, 1),
  ...addCases,
];

/** `a` copied into k's memory as a view `offset` elements into a larger block. */
function place(k: Kernels, p: Precision, a: Floats, offset: number): Floats {
  const view = k.alloc(p, a.length + offset + 3).subarray(offset, offset + a.length);
  view.set(a);
  return view;
}

function copyAll(a: Arrays, copy: (v: Floats) => Floats): Arrays {
  return Object.fromEntries(Object.entries(a).map(([name, v]) => [name, copy(v)]));
}


function checkAgainstReference(c: ConvCase, builds: readonly WasmKernels[], B: number): void {
  const inputs = c.make('f32', B);
  const expected = copyAll(inputs, (v) => v.slice());
  c.run(referenceKernels, expected, B);
  const runs: Arrays[] = [];
  builds.forEach((k, t) => {
    const a = copyAll(inputs, (v) => place(k, 'f32', v, 1 + t)); // offsets 1, 2, 3: never 16-byte aligned
    expect(k.arena.owns(Object.values(a)[0])).toBe(true);
    c.run(k, a, B);
    for (const [name, tol] of Object.entries(c.outputs)) {
      expect(relError(a[name], expected[name]), `${name} on ${k.name}`).toBeLessThanOrEqual(tol);
    }
    runs.push(a);
  });
  const again = copyAll(inputs, (v) => place(builds[2], 'f32', v, 5));
  c.run(builds[2], again, B);
  for (const name of Object.keys(c.outputs)) {
    for (const [label, r] of [['2 threads', runs[1]], ['3 threads', runs[2]], ['a second run', again]] as const) {
      expect(firstBitDifference(r[name], runs[0][name]), `${name}: ${label} vs 1 thread`).toBe(-1);
    }
  }
}

for (const [build, builds] of [['simd', backends], ['simd-fma', fmaBackends]] as const) {
  describe(`wasm convolution kernels (${build}) against the reference`, () => {
    for (const c of [...CONV_CASES, ...OTHER_CASES]) {
      it.skipIf(builds.length === 0)(`${c.name}, B = ${BATCHES.join(', ')}`, () => {
        for (const B of BATCHES) checkAgainstReference(c, builds, B);
      });
    }
  });
}

describe('wasm convolution kernels, more', () => {
  it('a path convolution with every edge equals the dense convolution (bit for bit on one thread)', () => {
    // edge o*Ci + c is c -> o, so W[E,k,k] is W[Co,Ci,k,k]; forward and backward input
    // sum in the same order (edges in list order, taps row-major) in both kernels
    for (const k of [backends[0], ...fmaBackends.slice(0, 1)]) {
      for (const [Ci, Co, H, W, ks, s, p] of [[5, 6, 9, 9, 3, 1, 1], [3, 5, 7, 5, 3, 2, 1]] as const) {
        const shape = convShape(Ci, Co, H, W, ks, s, p);
        const { index } = buildIndex(Ci, Co, allEdges(Ci, Co));
        const B = 8;
        const rng = new Rng(7);
        const x = place(k, 'f32', randomFloats(rng, 'f32', Ci * planeIn(shape) * B), 0);
        const Wt = place(k, 'f32', randomFloats(rng, 'f32', Co * Ci * ks * ks), 0);
        const dy = place(k, 'f32', randomFloats(rng, 'f32', Co * planeOut(shape) * B), 0);
        const [yPath, yDense] = [k.alloc('f32', Co * planeOut(shape) * B), k.alloc('f32', Co * planeOut(shape) * B)];
        k.pathConvForward(yPath, x, Wt, null, index, shape, B);
        k.convForward(yDense, x, Wt, null, shape, B);
        expect(firstBitDifference(yPath, yDense), `forward ${describeShape(shape)} on ${k.name}`).toBe(-1);
        const [dxPath, dxDense] = [k.alloc('f32', Ci * planeIn(shape) * B), k.alloc('f32', Ci * planeIn(shape) * B)];
        k.pathConvBackwardInput(dxPath, dy, Wt, index, shape, B);
        k.convBackwardInput(dxDense, dy, Wt, shape, B);
        expect(firstBitDifference(dxPath, dxDense), `backward input ${describeShape(shape)} on ${k.name}`).toBe(-1);
        const [dWPath, dWDense] = [k.alloc('f32', Co * Ci * ks * ks), k.alloc('f32', Co * Ci * ks * ks)];
        k.pathConvBackwardWeight(dWPath, dy, x, index, shape, B);
        k.convBackwardWeight(dWDense, dy, x, shape, B);
        expect(firstBitDifference(dWPath, dWDense), `backward weight ${describeShape(shape)} on ${k.name}`).toBe(-1);
      }
    }
  });

  it('float64 and foreign float32 arrays give exactly the reference result', () => {
    const k = backends[1];
    const cases = [...pathCases('random', convShape(3, 5, 7, 5, 3, 2, 1),
      buildIndex(3, 5, randomEdges(new Rng(2), 3, 5, 9)).index), ...denseCases(convShape(3, 5, 7, 5, 3, 1, 1)),
    ...OTHER_CASES];
    for (const c of cases) {
      for (const p of ['f64', 'f32'] as const) {
        const B = 3;
        const inputs = c.make(p, B);
        const expected = copyAll(inputs, (v) => v.slice());
        c.run(referenceKernels, expected, B);
        const a = p === 'f64' ? copyAll(inputs, (v) => place(k, 'f64', v, 1)) : copyAll(inputs, (v) => v.slice());
        c.run(k, a, B);
        for (const name of Object.keys(c.outputs)) {
          expect(Array.from(a[name]), `${c.name} ${p}`).toEqual(Array.from(expected[name]));
        }
      }
    }
  });

  it('rejects arrays too short for the shape, and an index of other channel counts', () => {
    const k = backends[0];
    const shape = convShape(3, 5, 7, 5, 3, 1, 1);
    const { index } = buildIndex(3, 5, randomEdges(new Rng(3), 3, 5, 9));
    const B = 2;
    const x = k.alloc('f32', 3 * 35 * B);
    const W = k.alloc('f32', index.sources.length * 9);
    const y = k.alloc('f32', 5 * 35 * B);
    expect(() => k.pathConvForward(y.subarray(1), x, W, null, index, shape, B))
      .toThrow(`pathConvForward: y has ${5 * 35 * B - 1} elements, needs ${5 * 35 * B}`);
    expect(() => k.convForward(y, x, W, null, shape, B)).toThrow(`convForward: W has ${W.length} elements, needs 135`);
    const other = buildIndex(4, 5, randomEdges(new Rng(3), 4, 5, 9)).index;
    expect(() => k.pathConvForward(y, x, W, null, other, shape, B)).toThrow('the index connects 4 -> 5 channels');
    const pool = poolShape(3, 7, 5, 2, 2);
    expect(() => k.maxPoolForward(y.subarray(0, 3), x, pool, B)).toThrow('maxPoolForward: y has 3 elements');
    expect(() => k.add(y, x.subarray(0, 5), y, 6)).toThrow('add: a has 5 elements, needs 6');
  });
});
