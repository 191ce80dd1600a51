/**
 * Kernel throughput on every sobolnet backend available, at MNIST-like sizes, batch 128.
 *
 *   npm run bench:kernels [-- --quick] [-- --repeats 9 --backends wasm,wasm-threads --threads 1,2] [-- --standalone]
 *
 * Linear kernels (forward, backward-input, backward-weight, and for path layers `bwd` =
 * sparseBackward, both backward results, what a path layer calls) of the shapes 784→1024, 1024→1024 and
 * 1024→10: dense, and path layers of fan-in 8, 32 and 128 (P = K × max(I, O) plain Sobol' paths,
 * duplicates merged) for the two hidden shapes only: 1024→10 with P = K × 1024 paths lands about
 * K × 102 paths on each of 10 outputs, i.e. a dense layer, so it is benchmarked dense only.
 * Then the element-wise kernels (ReLU, bias gradient, batch norm, softmax cross-entropy, Adam).
 *
 * Per case: time per call (median and min–max of the timed samples), GFLOP/s (2 FLOPs per
 * multiply-add; bias adds not counted), % of the 128-bit SIMD ceiling measured here (per core
 * × threads), and the largest error relative to the reference backend. Then the speed-up of each
 * path layer over the dense layer of the same shape on the same backend (forward alone, and
 * forward + both backward kernels), from the same round-robin run, and the rate of a path layer's
 * training step: forward + both backward kernels, and forward + sparseBackward. Writes
 * bench/results/kernels.json.
 */
import type { Floats } from '../src/core/floats.js';
import type { Kernels, SparseIndex } from '../src/kernels/kernels.js';
import { referenceKernels } from '../src/kernels/reference-kernels.js';
import { Rng } from '../src/sequences/rng.js';
import type { UnitOrder } from '../src/topology/index.js';
import { DEFAULT_HIDDEN_ORDER, mlpPathLayer, standalonePathLayer } from './lib/mlp-path-layer.js';
import { parseBenchArgs } from './lib/args.js';
import { backendConfigs, selectorSource, loadKernels, type BackendConfig } from './lib/backends.js';
import { printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { measureSimdCeiling } from './lib/simd-ceiling.js';
import { fmtMs, fmtNum, printTable, timeCases, type Case, type Timing } from './lib/timing.js';
import { copyInto, randomArray } from './lib/arrays.js';

const B = 128;
const SHAPES: readonly (readonly [number, number])[] = [[784, 1024], [1024, 1024], [1024, 10]];
const FAN_INS = [8, 32, 128];
/** Path layers only where they make sense: hidden layers (the output layer of 10 would be dense). */
const hasPathLayers = (O: number): boolean => O >= 100;
const KERNELS = ['fwd', 'bwdI', 'bwdW', 'bwd'] as const;
type KernelKind = (typeof KERNELS)[number];
/** The separate kernels of a training step (dense layers have no `bwd`). */
const STEP_KERNELS = ['fwd', 'bwdI', 'bwdW'] as const;
const kernelsOf = (c: LayerCase): readonly KernelKind[] => (c.layer === 'path' ? KERNELS : STEP_KERNELS);

/** One linear layer to benchmark (the same topology on every backend). */
interface LayerCase {
  readonly shape: string;
  readonly I: number;
  readonly O: number;
  readonly layer: 'dense' | 'path';
  readonly fanIn: number | null;
  /** Storage order of the path layer's hidden units (null for dense). */
  readonly hiddenOrder: UnitOrder | null;
  readonly edges: number;           // E, or I·O for dense
  readonly index: SparseIndex | null;
  readonly W: Float32Array;         // master weights [E] or [O·I]
  readonly bias: Float32Array;      // [O]
}

/** The backends of the FMA build (fused multiply-adds): their %SIMD is of the FMA ceiling. */
const isFmaBackend = (backend: string): boolean => backend.includes('fma');

/** A case's identity in the timing keys. */
const caseId = (c: LayerCase): string => (c.layer === 'dense' ? 'dense' : `path/${c.fanIn}/${c.hiddenOrder}`);
/** The K column: the fan-in, marked when the hidden units are not in the default order. */
const kLabel = (c: LayerCase): string =>
  (c.fanIn === null ? '-' : c.hiddenOrder === DEFAULT_HIDDEN_ORDER ? String(c.fanIn) : `${c.fanIn} ${c.hiddenOrder}`);

/** Napkin maths of one kernel call: FLOPs and compulsory bytes (each array streamed once). */
function napkin(c: LayerCase, kind: KernelKind): { flop: number; bytes: number } {
  const { I, O, edges: E } = c;
  const flop = (kind === 'bwd' ? 4 : 2) * E * B;
  const act = 4 * (I * B + O * B);
  if (c.layer === 'dense') return { flop, bytes: 4 * I * O + act + (kind === 'fwd' ? 4 * O : 0) };
  switch (kind) {
    case 'fwd': return { flop, bytes: 4 * E + 4 * E + 4 * (O + 1) + 4 * O + act };          // W, sources, offsets, bias
    case 'bwdI': return { flop, bytes: 4 * E + 4 * E + 4 * E + 4 * (I + 1) + act };          // W via edgeOf, targets, edgeOf
    case 'bwdW': return { flop, bytes: 4 * E + 4 * E + 4 * (O + 1) + act };                  // dW, sources, offsets
    case 'bwd': return { flop, bytes: 4 * 5 * E + 4 * (I + 1) + act + 4 * I * B };             // W, dW, targets, edgeOf, Wt; dx
    default: return kind satisfies never;
  }
}

/** max |a - ref| / max |ref|. */
function relError(a: Floats, ref: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) {
    num = Math.max(num, Math.abs(a[i] - ref[i]));
    den = Math.max(den, Math.abs(ref[i]));
  }
  return den === 0 ? num : num / den;
}

interface LinearRow {
  backend: string; threads: number | null; label: string;
  shape: string; I: number; O: number; B: number; layer: 'dense' | 'path'; fanIn: number | null;
  hiddenOrder: UnitOrder | null; edges: number; density: number; kernel: KernelKind;
  medianMs: number; minMs: number; maxMs: number; callsPerSample: number;
  gflops: number; gflopsMin: number; gflopsMax: number; pctSimdCeiling: number;
  flop: number; bytes: number; maxRelErrorVsReference: number | null;
}

interface SpeedupRow {
  label: string; shape: string; fanIn: number; hiddenOrder: UnitOrder; edges: number;
  forwardSpeedup: number; trainStepSpeedup: number;
  /** GFLOP/s of the path layer's step (3 × 2·E·B FLOPs): fwd + bwdI + bwdW, and fwd + bwd (sparseBackward). */
  stepGflops: number; fusedStepGflops: number;
}

interface ElementwiseRow {
  label: string; kernel: string; size: string; medianMs: number; minMs: number; maxMs: number; bytes: number; gbPerS: number;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const configs = backendConfigs(args.backends, args.threads);
  const standalone = args.extra.has('--standalone');
  const machine = printHeader(`sobolnet kernels, batch ${B}${args.quick ? ' (QUICK: few repeats, not for reporting)' : ''}`, [
    `timing: ${args.warmup} warm-up calls, then ${args.repeats} timed samples per case (each ≥ ${args.minSampleMs} ms), round-robin over the cases of a shape`,
    `backends: ${configs.map((c) => c.label).join(', ')} (from ${selectorSource})`,
    standalone ? 'path layers: standalone [I, O] topologies, Sobol\' components 0 and 1 (--standalone)'
      : `path layers: the pairs of the MLP 784-1024-1024-10 that train builds, hidden units ${DEFAULT_HIDDEN_ORDER} (and natural at K = 32)`,
  ]);

  const ceiling = await measureSimdCeiling(args);
  console.log(`128-bit SIMD ceiling, measured (1 thread, independent f32x4.mul + f32x4.add chains in registers): ${fmtNum(ceiling.gflops)} GFLOP/s per core`);
  console.log(`  variants (chains×unroll: median, min–max GFLOP/s): ${ceiling.variants.map((v) =>
    `${v.chains}×${v.unroll}: ${fmtNum(v.gflops)} (${fmtNum(v.minGflops)}–${fmtNum(v.maxGflops)})`).join('; ')}`);
  // The FMA backends' ceiling: chains of f32x4.relaxed_madd (only where relaxed SIMD runs).
  const fmaCeiling = configs.some((c) => isFmaBackend(c.backend)) ? await measureSimdCeiling(args, 20, true) : null;
  if (fmaCeiling) {
    console.log(`128-bit FMA ceiling (the same with one f32x4.relaxed_madd per step), for the -fma backends: ${fmtNum(fmaCeiling.gflops)} GFLOP/s per core`);
  }
  const ceilingOf = (backend: string): number => (isFmaBackend(backend) && fmaCeiling ? fmaCeiling.gflops : ceiling.gflops);
  console.log('');

  // The layers, with master data shared by every backend.
  const rng = new Rng(20261125);
  const layers: LayerCase[] = [];
  const xMaster = new Map<string, Float32Array>();
  const dyMaster = new Map<string, Float32Array>();
  for (const [I, O] of SHAPES) {
    const shape = `${I}→${O}`;
    xMaster.set(shape, randomArray(rng, I * B, 1));
    dyMaster.set(shape, randomArray(rng, O * B, 1));
    layers.push({ shape, I, O, layer: 'dense', fanIn: null, hiddenOrder: null, edges: I * O, index: null,
      W: randomArray(rng, I * O, 1 / Math.sqrt(I)), bias: randomArray(rng, O, 0.1) });
    if (!hasPathLayers(O)) continue;
    // The MLP's layers as train builds them, and at fan-in 32 also with hidden units in natural order
    // (--standalone: the layer as a topology of its own, components 0 and 1, both ends relabelled).
    const variants = [...FAN_INS.map((K) => [K, DEFAULT_HIDDEN_ORDER] as const), [32, 'natural'] as const];
    for (const [K, hiddenOrder] of variants) {
      const index = standalone ? standalonePathLayer(I, O, K, hiddenOrder) : mlpPathLayer(I, O, K, hiddenOrder);
      const E = index.sources.length;
      layers.push({ shape, I, O, layer: 'path', fanIn: K, hiddenOrder, edges: E, index,
        W: randomArray(rng, E, 1 / Math.sqrt(K)), bias: randomArray(rng, O, 0.1) });
    }
  }

  console.log('napkin maths per call (B = 128; bytes = every array read or written once, f32 and int32):');
  printTable(['shape', 'layer', 'K', 'edges E', 'density', 'MFLOP', 'KB fwd', 'KB bwdI', 'KB bwdW', 'FLOP/B fwd'],
    layers.map((c) => [c.shape, c.layer, kLabel(c), String(c.edges),
      `${(100 * c.edges / (c.I * c.O)).toFixed(1)}%`, fmtNum(napkin(c, 'fwd').flop / 1e6),
      ...STEP_KERNELS.map((k) => fmtNum(napkin(c, k).bytes / 1e3)),
      fmtNum(napkin(c, 'fwd').flop / napkin(c, 'fwd').bytes)]));
  console.log('');

  // Reference outputs (for the error column), computed once; sparseBackward's output is dx then dW.
  const refOut = new Map<LayerCase, Record<KernelKind, Float32Array>>();
  const referenceOf = (c: LayerCase): Record<KernelKind, Float32Array> => {
    let r = refOut.get(c);
    if (!r) {
      const x = xMaster.get(c.shape)!, dy = dyMaster.get(c.shape)!;
      const y = new Float32Array(c.O * B), dx = new Float32Array(c.I * B), dW = new Float32Array(c.W.length);
      const k = referenceKernels;
      if (c.index) {
        k.sparseForward(y, x, c.W, c.bias, c.index, B);
        k.sparseBackwardInput(dx, dy, c.W, c.index, B);
        k.sparseBackwardWeight(dW, dy, x, c.index, B);
      } else {
        k.denseForward(y, x, c.W, c.bias, c.I, c.O, B);
        k.denseBackwardInput(dx, dy, c.W, c.I, c.O, B);
        k.denseBackwardWeight(dW, dy, x, c.I, c.O, B);
      }
      const both = new Float32Array(dx.length + dW.length);
      both.set(dx);
      both.set(dW, dx.length);
      r = { fwd: y, bwdI: dx, bwdW: dW, bwd: both };
      refOut.set(c, r);
    }
    return r;
  };

  const linearRows: LinearRow[] = [];
  const speedups: SpeedupRow[] = [];
  const elementwise: ElementwiseRow[] = [];
  const skipped: { label: string; reason: string }[] = [];

  for (const config of configs) {
    const kernels = await loadKernels(config);
    if (typeof kernels === 'string') {
      console.log(`${config.label}: not available here (${kernels}); skipped\n`);
      skipped.push({ label: config.label, reason: kernels });
      continue;
    }
    const threads = config.threads ?? 1;
    console.log(`== ${config.label} (kernels '${kernels.name}'${config.threads === null ? '' : `, ${config.threads} thread(s)`}) ==`);
    const rows: string[][] = [];
    for (const [I, O] of SHAPES) {
      const shape = `${I}→${O}`;
      const group = layers.filter((c) => c.shape === shape);
      const cases: Case[] = [];
      const outputs = new Map<string, { c: LayerCase; kind: KernelKind; out: () => Floats }>();
      for (const c of group) {
        const x = copyInto(kernels, xMaster.get(shape)!), dy = copyInto(kernels, dyMaster.get(shape)!);
        const W = copyInto(kernels, c.W), bias = copyInto(kernels, c.bias);
        const y = kernels.alloc('f32', O * B), dx = kernels.alloc('f32', I * B), dW = kernels.alloc('f32', c.W.length);
        const idx = c.index;
        const dx2 = kernels.alloc('f32', I * B), dW2 = kernels.alloc('f32', c.W.length);
        const none = (): void => undefined;
        const calls: Record<KernelKind, () => void> = idx
          ? {
            fwd: () => kernels.sparseForward(y, x, W, bias, idx, B),
            bwdI: () => kernels.sparseBackwardInput(dx, dy, W, idx, B),
            bwdW: () => kernels.sparseBackwardWeight(dW, dy, x, idx, B),
            bwd: () => kernels.sparseBackward(dx2, dW2, dy, x, W, idx, B),
          }
          : {
            fwd: () => kernels.denseForward(y, x, W, bias, I, O, B),
            bwdI: () => kernels.denseBackwardInput(dx, dy, W, I, O, B),
            bwdW: () => kernels.denseBackwardWeight(dW, dy, x, I, O, B),
            bwd: none,
          };
        const both = (): Floats => Float32Array.from([...Array.from(dx2), ...Array.from(dW2)]);
        const outs: Record<KernelKind, () => Floats> = { fwd: () => y, bwdI: () => dx, bwdW: () => dW, bwd: both };
        for (const kind of kernelsOf(c)) {
          const key = `${caseId(c)}/${kind}`;
          cases.push({ key, call: calls[kind] });
          outputs.set(key, { c, kind, out: outs[kind] });
        }
      }
      const timings = await timeCases(cases, args);
      const byKey = (c: LayerCase, kind: KernelKind): Timing => timings.get(`${caseId(c)}/${kind}`)!;
      for (const [key, { c, kind, out }] of outputs) {
        const t = timings.get(key)!;
        const { flop, bytes } = napkin(c, kind);
        const err = kernels === referenceKernels || config.backend === 'reference' ? null : relError(out(), referenceOf(c)[kind]);
        const row: LinearRow = {
          backend: config.backend, threads: config.threads, label: config.label,
          shape, I, O, B, layer: c.layer, fanIn: c.fanIn, hiddenOrder: c.hiddenOrder, edges: c.edges, density: c.edges / (I * O), kernel: kind,
          medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, callsPerSample: t.callsPerSample,
          gflops: flop / t.medianMs / 1e6, gflopsMin: flop / t.maxMs / 1e6, gflopsMax: flop / t.minMs / 1e6,
          pctSimdCeiling: 100 * flop / t.medianMs / 1e6 / (ceilingOf(config.backend) * threads), flop, bytes, maxRelErrorVsReference: err,
        };
        linearRows.push(row);
        rows.push([shape, c.layer, kLabel(c), kind, fmtMs(t), fmtNum(row.gflops),
          `${fmtNum(row.gflopsMin)}–${fmtNum(row.gflopsMax)}`, `${row.pctSimdCeiling.toFixed(1)}%`, fmtNum(bytes / t.medianMs / 1e6),
          err === null ? '-' : err.toExponential(1)]);
      }
      const dense = group.find((c) => c.layer === 'dense')!;
      const denseFwd = byKey(dense, 'fwd').medianMs;
      const denseStep = STEP_KERNELS.reduce((s, k) => s + byKey(dense, k).medianMs, 0);
      for (const c of group) {
        if (c.layer !== 'path') continue;
        const stepMs = STEP_KERNELS.reduce((s, k) => s + byKey(c, k).medianMs, 0);
        const fusedStepMs = byKey(c, 'fwd').medianMs + byKey(c, 'bwd').medianMs;
        const stepFlop = 3 * 2 * c.edges * B;
        speedups.push({
          label: config.label, shape, fanIn: c.fanIn!, hiddenOrder: c.hiddenOrder!, edges: c.edges,
          forwardSpeedup: denseFwd / byKey(c, 'fwd').medianMs,
          trainStepSpeedup: denseStep / stepMs,
          stepGflops: stepFlop / stepMs / 1e6, fusedStepGflops: stepFlop / fusedStepMs / 1e6,
        });
      }
    }
    printTable(['shape', 'layer', 'K', 'kernel', 'ms/call median (min–max)', 'GFLOP/s', 'GFLOP/s range', '%SIMD', 'GB/s', 'err vs ref'], rows);
    console.log('');
    console.log(`speed-up of the path layer over the dense layer of the same shape (${config.label}, medians of the same run):`);
    printTable(['shape', 'K', 'edges', 'density', 'forward', 'fwd + bwdI + bwdW', 'step GFLOP/s: fwd+bwdI+bwdW', 'fwd + bwd'],
      speedups.filter((s) => s.label === config.label).map((s) => {
        const [I, O] = s.shape.split('→').map(Number);
        return [s.shape, s.hiddenOrder === DEFAULT_HIDDEN_ORDER ? String(s.fanIn) : `${s.fanIn} ${s.hiddenOrder}`, String(s.edges), `${(100 * s.edges / (I * O)).toFixed(1)}%`,
          `${fmtNum(s.forwardSpeedup)}×`, `${fmtNum(s.trainStepSpeedup)}×`, fmtNum(s.stepGflops), fmtNum(s.fusedStepGflops)];
      }));
    console.log('');

    elementwise.push(...await benchElementwise(kernels, config, args));
    console.log('');
  }

  writeResults('kernels', {
    bench: 'kernels', machine, quick: args.quick, batch: B,
    timing: { repeats: args.repeats, warmup: args.warmup, minSampleMs: args.minSampleMs },
    simdCeilingGflopsPerCore: ceiling.gflops, simdCeilingVariants: ceiling.variants,
    fmaCeilingGflopsPerCore: fmaCeiling?.gflops ?? null, fmaCeilingVariants: fmaCeiling?.variants ?? null,
    notes: [
      'GFLOP/s counts 2 FLOPs per multiply-add (bias adds not counted)',
      'pctSimdCeiling = GFLOP/s / (measured per-core 128-bit SIMD ceiling × threads); the -fma backends use the FMA ceiling',
      'bytes: compulsory traffic, each array read or written once',
      standalone
        ? 'path layers: standalone [I, O] topologies (components 0, 1), plain Sobol\' paths, P = fanIn × max(I, O), duplicates merged'
        : 'path layers: the pairs of the MLP 784-1024-1024-10 (dense output), plain Sobol\' paths, P = fanIn × 1024, duplicates merged',
      '1024→10 is dense only',
    ],
    skipped, linear: linearRows, speedups, elementwise,
  });
}

/** Element-wise kernels at hidden-layer sizes: time per call and GB/s of compulsory traffic. */
async function benchElementwise(k: Kernels, config: BackendConfig, args: ReturnType<typeof parseBenchArgs>): Promise<ElementwiseRow[]> {
  const U = 1024, C = 10, N = U * B, P = 1024 * 1024;
  const rng = new Rng(7);
  const fill = (n: number, scale = 1): Floats => copyInto(k, randomArray(rng, n, scale));
  const x = fill(N), y = k.alloc('f32', N), dy = fill(N), dx = k.alloc('f32', N), db = k.alloc('f32', U);
  const xhat = k.alloc('f32', N), mean = k.alloc('f32', U), invStd = k.alloc('f32', U);
  const gamma = fill(U), beta = fill(U), dGamma = k.alloc('f32', U), dBeta = k.alloc('f32', U);
  const logits = fill(C * B, 3), dLogits = k.alloc('f32', C * B);
  const labels = new Int32Array(B).map((_, b) => b % C);
  const w = fill(P, 0.05), g = fill(P, 0.01), m = k.alloc('f32', P), v = k.alloc('f32', P), signed = fill(P, 0.05);
  let step = 1;
  k.reluForward(y, x, N);
  const list: { kernel: string; size: string; bytes: number; call: () => unknown }[] = [
    { kernel: 'reluForward', size: `${U}×${B}`, bytes: 8 * N, call: () => k.reluForward(dx, x, N) },
    { kernel: 'reluBackward', size: `${U}×${B}`, bytes: 12 * N, call: () => k.reluBackward(dx, dy, y, N) },
    { kernel: 'biasBackward', size: `${U}×${B}`, bytes: 4 * N + 4 * U, call: () => k.biasBackward(db, dy, U, B) },
    { kernel: 'batchNormForward', size: `${U}×${B}`, bytes: 12 * N + 16 * U, call: () => k.batchNormForward(dx, xhat, mean, invStd, x, gamma, beta, 1e-5, U, B) },
    { kernel: 'batchNormBackward', size: `${U}×${B}`, bytes: 12 * N + 16 * U, call: () => k.batchNormBackward(dx, dGamma, dBeta, dy, xhat, invStd, gamma, U, B) },
    { kernel: 'softmaxCrossEntropy', size: `${C}×${B}`, bytes: 8 * C * B + 4 * B, call: () => k.softmaxCrossEntropy(dLogits, logits, labels, C, B) },
    { kernel: 'adamStep', size: `${P}`, bytes: 28 * P, call: () => k.adamStep(w, g, m, v, 1e-9, 0.9, 0.999, 1e-8, 0, step++, P) },
    { kernel: 'clampSign', size: `${P}`, bytes: 8 * P, call: () => k.clampSign(signed, 1, P) },
  ];
  const timings = await timeCases(list.map((e) => ({ key: e.kernel, call: e.call })), args);
  const rows: ElementwiseRow[] = list.map((e) => {
    const t = timings.get(e.kernel)!;
    return { label: config.label, kernel: e.kernel, size: e.size, medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, bytes: e.bytes, gbPerS: e.bytes / t.medianMs / 1e6 };
  });
  console.log(`element-wise kernels (${config.label}; GB/s of compulsory traffic; one core streams ~30 GB/s):`);
  printTable(['kernel', 'size', 'ms/call median (min–max)', 'KB', 'GB/s'],
    rows.map((r) => [r.kernel, r.size, fmtMs(r), fmtNum(r.bytes / 1e3), fmtNum(r.gbPerS)]));
  return rows;
}

await main();
process.exit(0);   // a threaded backend's workers must not keep the process alive
