/**
 * A path layer across batch sizes: the wasm sparse kernels with SIMD lanes over the batch at every
 * batch (the option edgeLaneBatches 0) against the backend as it runs by default (lanes over a
 * unit's edges below EDGE_LANE_BATCHES, and at batch 1 the quad kernels where the layer has quad
 * structure, as this one has), forward and training step, per sample.
 *
 *   npm run bench:batch [-- --quick] [-- --backends wasm-fma-threads --threads 1,2 --batches 1,2,4]
 *
 * The layer: 4096→4096, fan-in K = 32 (P = K × 4096 plain Sobol' paths, components 0 and 1, units in
 * bit-reversed order, duplicates merged: E = 131,072 edges). Per backend (default: the first available,
 * i.e. what 'auto' picks; wasm backends only) and thread count, per batch B (default 1, 2, 4, 8, 16,
 * 32, 128, 512), these cases timed round-robin:
 *   regular fwd    sparseForward, batch lanes at every batch
 *   edge fwd       (B = 1 only) sparseForward with edge lanes, quad kernels off (the option quadKernels false)
 *   small fwd      sparseForward as the backend runs it (quads at B = 1, edge lanes below EDGE_LANE_BATCHES)
 *   … dx, … dW     sparseBackwardInput, sparseBackwardWeight alone, on each of the three paths
 *   regular step   sparseForward + sparseBackward, batch lanes
 *   edge step      (B = 1 only) the same with edge lanes
 *   small step     the same as the backend runs it: what PathLinear runs
 * Columns: µs per call and per sample (medians), GFLOP/s (2 FLOPs per multiply-add: forward, dx and dW
 * 2·E·B each, step 6·E·B; bias adds not counted), % of the 128-bit SIMD ceiling measured here (per core × threads;
 * the -fma backends against the FMA ceiling), the small/regular speed-up, and which kernels run (edge
 * or batch lanes).
 * Writes bench/results/batch.json.
 */
import type { Floats } from '../src/core/floats.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { createNodeWasmKernels } from '../src/kernels/node/select-kernels.js';
import { quadIndex } from '../src/kernels/quad-index.js';
import { EDGE_LANE_BATCHES } from '../src/kernels/wasm/create-wasm-kernels.js';
import { Rng } from '../src/sequences/rng.js';
import { parseBenchArgs } from './lib/args.js';
import { copyInto, randomArray } from './lib/arrays.js';
import { backendConfigs, backendNames, loadKernels, selectorSource } from './lib/backends.js';
import { printHeader } from './lib/machine.js';
import { standalonePathLayer } from './lib/mlp-path-layer.js';
import { writeResults } from './lib/results.js';
import { measureSimdCeiling } from './lib/simd-ceiling.js';
import { fmtNum, printTable, timeCases, type Case } from './lib/timing.js';

const N = 4096;
const K = 32;
const DEFAULT_BATCHES = [1, 2, 4, 8, 16, 32, 128, 512];
const PATHS = ['regular', 'edge', 'small'] as const;
type PathKind = (typeof PATHS)[number];
const KINDS = ['fwd', 'dx', 'dW', 'step'] as const;
type Kind = (typeof KINDS)[number];

interface Row {
  label: string; backend: string; threads: number; B: number; path: PathKind; kernel: Kind;
  usPerCall: number; usPerCallMin: number; usPerCallMax: number; usPerSample: number;
  gflops: number; pctSimdCeiling: number; lanesOver: 'batch' | 'edges' | 'quads';
}

/** max |a - b| / max |b|. */
function relError(a: Floats, b: Floats): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), ['--batches']);
  const batches = args.extra.has('--batches') ? args.extra.get('--batches')!.split(',').map(Number) : DEFAULT_BATCHES;
  const configs = backendConfigs(args.backends ?? backendNames().slice(0, 1), args.threads);
  const machine = printHeader(`sobolnet path layer ${N}→${N}, K = ${K}, across batch sizes${args.quick ? ' (QUICK: few repeats, not for reporting)' : ''}`, [
    `timing: ${args.warmup} warm-up calls, then ${args.repeats} timed samples per case (each ≥ ${args.minSampleMs} ms), round-robin over the cases of a batch`,
    `backends: ${configs.map((c) => c.label).join(', ')} (from ${selectorSource}); batches ${batches.join(', ')}`,
    `the wasm backends run edge lanes below B = ${EDGE_LANE_BATCHES}, quad kernels at B = 1 where the layer has quad structure`,
  ]);
  const ceiling = await measureSimdCeiling(args);
  const fmaCeiling = configs.some((c) => c.backend.includes('fma')) ? await measureSimdCeiling(args, 20, true) : null;
  console.log(`128-bit SIMD ceiling, measured: ${fmtNum(ceiling.gflops)} GFLOP/s per core` +
    (fmaCeiling ? `; FMA ceiling (for the -fma backends): ${fmtNum(fmaCeiling.gflops)}` : ''));

  const index = standalonePathLayer(N, N, K, 'bit-reversed');
  const E = index.sources.length;
  console.log(`E = ${E} edges; napkin maths per sample: forward ${fmtNum(2 * E / 1e6)} MFLOP, step ${fmtNum(6 * E / 1e6)} MFLOP;` +
    ` per call the weights and indices stream ${fmtNum(8 * E / 1e6)} MB (forward)\n`);
  const rng = new Rng(20261130);
  const Bmax = Math.max(...batches);
  const xMaster = randomArray(rng, N * Bmax, 1);
  const dyMaster = randomArray(rng, N * Bmax, 1);
  const WMaster = randomArray(rng, E, 1 / Math.sqrt(K));
  const biasMaster = randomArray(rng, N, 0.1);

  const rows: Row[] = [];
  for (const config of configs) {
    const k = await loadKernels(config);
    if (typeof k === 'string' || !config.backend.startsWith('wasm')) {
      console.log(`${config.label}: ${typeof k === 'string' ? `not available here (${k})` : 'no edge lanes (wasm backends only)'}; skipped\n`);
      continue;
    }
    const threads = config.threads ?? 1;
    const build = config.backend.includes('fma') ? 'simd-fma' : 'simd';
    const batchLanes = createNodeWasmKernels({ threads, build, edgeLaneBatches: 0 }); // no edge lanes, no quads
    const edgeLanes = createNodeWasmKernels({ threads, build, quadKernels: false });
    const quads = quadIndex(index) !== null;
    const ceilingGflops = (config.backend.includes('fma') && fmaCeiling ? fmaCeiling : ceiling).gflops * threads;
    console.log(`== ${config.label} (kernels '${k.name}') ==`);
    const table: string[][] = [];
    for (const B of batches) {
      const arrays = allocate(k, B, xMaster, dyMaster, WMaster, biasMaster, E);
      const { x, dy, W, bias, y, y2, dx, dW } = arrays;
      const calls: Record<PathKind, Record<Kind, () => void>> = {
        regular: {
          fwd: () => batchLanes.sparseForward(y, x, W, bias, index, B),
          dx: () => batchLanes.sparseBackwardInput(dx, dy, W, index, B),
          dW: () => batchLanes.sparseBackwardWeight(dW, dy, x, index, B),
          step: () => {
            batchLanes.sparseForward(y, x, W, bias, index, B);
            batchLanes.sparseBackward(dx, dW, dy, x, W, index, B);
          },
        },
        edge: {
          fwd: () => edgeLanes.sparseForward(y2, x, W, bias, index, B),
          dx: () => edgeLanes.sparseBackwardInput(dx, dy, W, index, B),
          dW: () => edgeLanes.sparseBackwardWeight(dW, dy, x, index, B),
          step: () => {
            edgeLanes.sparseForward(y2, x, W, bias, index, B);
            edgeLanes.sparseBackward(dx, dW, dy, x, W, index, B);
          },
        },
        small: {
          fwd: () => k.sparseForward(y2, x, W, bias, index, B),
          dx: () => k.sparseBackwardInput(dx, dy, W, index, B),
          dW: () => k.sparseBackwardWeight(dW, dy, x, index, B),
          step: () => {
            k.sparseForward(y2, x, W, bias, index, B);
            k.sparseBackward(dx, dW, dy, x, W, index, B);
          },
        },
      };
      const paths = PATHS.filter((p) => p !== 'edge' || B === 1);
      const cases: Case[] = paths.flatMap((p) => KINDS.map((kind) => ({ key: `${p}/${kind}`, call: calls[p][kind] })));
      const timings = await timeCases(cases, args);
      k.sparseForward(y2, x, W, bias, index, B);
      const err = relError(y2, y);
      for (const kind of KINDS) {
        const regularUs = 1000 * timings.get(`regular/${kind}`)!.medianMs;
        for (const p of paths) {
          const t = timings.get(`${p}/${kind}`)!;
          const us = 1000 * t.medianMs;
          const flop = (kind === 'step' ? 6 : 2) * E * B;
          const gflops = flop / us / 1e3;
          const row: Row = {
            label: config.label, backend: config.backend, threads, B, path: p, kernel: kind,
            usPerCall: us, usPerCallMin: 1000 * t.minMs, usPerCallMax: 1000 * t.maxMs, usPerSample: us / B,
            gflops, pctSimdCeiling: 100 * gflops / ceilingGflops,
            lanesOver: p === 'regular' || B >= EDGE_LANE_BATCHES ? 'batch' : p === 'small' && B === 1 && quads ? 'quads' : 'edges',
          };
          rows.push(row);
          table.push([String(B), kind, p, fmtNum(us), `${fmtNum(row.usPerCallMin)}–${fmtNum(row.usPerCallMax)}`,
            fmtNum(row.usPerSample), fmtNum(gflops), `${row.pctSimdCeiling.toFixed(1)}%`,
            p === 'regular' ? '' : `${fmtNum(regularUs / us)}×`, row.lanesOver,
            p === 'small' && kind === 'fwd' ? err.toExponential(1) : '']);
        }
      }
    }
    printTable(['B', 'kernel', 'path', 'µs/call', 'range', 'µs/sample', 'GFLOP/s', '%SIMD', 'vs regular', 'lanes over',
      'fwd err vs regular'], table);
    console.log('');
    batchLanes.close();
    edgeLanes.close();
  }

  writeResults('batch', {
    bench: 'batch', machine, quick: args.quick, layer: { inputs: N, outputs: N, fanIn: K, edges: E },
    timing: { repeats: args.repeats, warmup: args.warmup, minSampleMs: args.minSampleMs },
    simdCeilingGflopsPerCore: ceiling.gflops, fmaCeilingGflopsPerCore: fmaCeiling?.gflops ?? null,
    edgeLaneBatches: EDGE_LANE_BATCHES,
    notes: [
      'GFLOP/s counts 2 FLOPs per multiply-add: forward, dx (backward input) and dW (backward weight) 2·E·B each, step (all three) 6·E·B',
      'pctSimdCeiling = GFLOP/s / (measured per-core 128-bit SIMD ceiling × threads); the -fma backends use the FMA ceiling',
      'regular: the wasm backend with edgeLaneBatches 0 (batch lanes); edge (B = 1): quadKernels false (edge lanes); small: the backend as it runs (quads at B = 1 where the layer has quad structure, edge lanes below edgeLaneBatches)',
    ],
    rows,
  });
}

/** The layer's arrays at batch B in k's memory: inputs copied from the masters, outputs zero. */
function allocate(k: Kernels, B: number, xMaster: Float32Array, dyMaster: Float32Array, WMaster: Float32Array,
  biasMaster: Float32Array, E: number): Record<'x' | 'dy' | 'W' | 'bias' | 'y' | 'y2' | 'dx' | 'dW', Floats> {
  return {
    x: copyInto(k, xMaster.subarray(0, N * B)), dy: copyInto(k, dyMaster.subarray(0, N * B)),
    W: copyInto(k, WMaster), bias: copyInto(k, biasMaster),
    y: k.alloc('f32', N * B), y2: k.alloc('f32', N * B), dx: k.alloc('f32', N * B), dW: k.alloc('f32', E),
  };
}

await main();
process.exit(0);
