/**
 * A path layer across batch sizes: the wasm sparse kernels in each schedule the backend has, forward,
 * input and weight gradients and training step, per sample. The backend as it runs by default
 * (lanes over a unit's edges below EDGE_LANE_BATCHES; on a block-dense layer, as this one is, the
 * block kernels at batch 1 and from the batches of BLOCK_BATCHES: forward 4, input gradient 4,
 * weight gradient 16; at batch 1 on other layers with quad structure the quad kernels) against its
 * twins with one schedule forced.
 *
 *   npm run bench:batch [-- --quick] [-- --backends wasm-fma-threads --threads 1,2 --batches 1,2,4]
 *
 * The layer: 4096→4096, fan-in K = 32 (P = K × 4096 plain Sobol' paths, components 0 and 1, units in
 * bit-reversed order, duplicates merged: E = 131,072 edges; 128 dense blocks of 32 × 32,
 * src/kernels/dense-blocks.ts). Per backend (default: the first available, i.e. what 'auto' picks;
 * wasm backends only) and thread count, per batch B (default 1, 2, 4, 8, 16, 32, 128, 512), these
 * cases timed round-robin:
 *   regular fwd    sparseForward with edge lanes off (the option edgeLaneBatches 0): batch lanes
 *                  (the gather kernels, a scalar chain per sample) below B = 4, the block kernels
 *                  (assembly/block-kernels.ts) from BLOCK_BATCHES (forward 4, dx 4, dW 16)
 *   gather fwd     (B = 1 and B >= 4) sparseForward with the blocks off (the option denseBlocks false):
 *                  the batch-lane gather kernels, every target gathering its K rows of x; at B = 1
 *                  the quad kernels (assembly/quad-kernels.ts)
 *   edge fwd       (B = 1 only) sparseForward with edge lanes, quad and block kernels off (the options
 *                  quadKernels false, denseBlocks false)
 *   small fwd      sparseForward as the backend runs it (at B = 1 on blocks, edge lanes at B = 2 and 3,
 *                  blocks from BLOCK_BATCHES: there the same kernels as regular)
 *   … dx, … dW     sparseBackwardInput, sparseBackwardWeight alone, on each path
 *   … step         sparseForward + sparseBackward on each path (small step: what PathLinear runs)
 * Columns: µs per call and per sample (medians), GFLOP/s (2 FLOPs per multiply-add: forward, dx and dW
 * 2·E·B each, step 6·E·B; bias adds not counted), % of the 128-bit SIMD ceiling measured here (per core × threads;
 * the -fma backends against the FMA ceiling), the speed-up over regular, the blocks' speed-up over
 * the gather (gather µs ÷ this path's µs, on the paths that run blocks; at B = 1 over the quads), which kernels run (blocks,
 * batch lanes, edge lanes or quads), and the forward's error against regular (the blocks and the
 * gather give the same bits: 0, and at B = 1 the blocks and the quads; edge lanes and quads sum in
 * another order than the batch lanes).
 * Writes bench/results/batch.json.
 */
import type { Floats } from '../src/core/floats.js';
import { denseBlocks } from '../src/kernels/dense-blocks.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { createNodeWasmKernels } from '../src/kernels/node/select-kernels.js';
import { quadIndex } from '../src/kernels/quad-index.js';
import { BLOCK_BATCHES, EDGE_LANE_BATCHES } from '../src/kernels/wasm/create-wasm-kernels.js';
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
const PATHS = ['regular', 'gather', 'edge', 'small'] as const;
type PathKind = (typeof PATHS)[number];
const KINDS = ['fwd', 'dx', 'dW', 'step'] as const;
type Kind = (typeof KINDS)[number];

interface Row {
  label: string; backend: string; threads: number; B: number; path: PathKind; kernel: Kind;
  usPerCall: number; usPerCallMin: number; usPerCallMax: number; usPerSample: number;
  gflops: number; pctSimdCeiling: number;
  /** Which kernels the path runs: the block kernels, the gather's batch lanes, edge lanes or quads. */
  runs: Runs;
  /** The gather's µs over this path's where this path runs the blocks (B >= 4), else null. */
  blocksSpeedupOverGather: number | null;
}
type Runs = 'blocks' | 'batch lanes' | 'edge lanes' | 'quads' | 'blocks fwd dx, gather dW' | 'blocks, gather fwd' | 'blocks dx, gather fwd dW';

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
    `the wasm backends run edge lanes below B = ${EDGE_LANE_BATCHES}; block kernels on block-dense layers at B = 1 and from B = ${BLOCK_BATCHES.forward} (forward), ${BLOCK_BATCHES.input} (dx), ${BLOCK_BATCHES.weight} (dW); quad kernels at B = 1 on other layers with quad structure`,
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
    const batchLanes = createNodeWasmKernels({ threads, build, edgeLaneBatches: 0 }); // no edge lanes, no quads; blocks from BLOCK_BATCHES
    const gather = createNodeWasmKernels({ threads, build, denseBlocks: false }); // the gather kernels from B = 4
    const edgeLanes = createNodeWasmKernels({ threads, build, quadKernels: false, denseBlocks: false });
    const quads = quadIndex(index) !== null;
    const blocks = denseBlocks(index) !== null && K % 4 === 0; // every kernel, the weight gradient's too, on blocks
    /** The kernels path p runs at batch B. */
    const runsOf = (p: PathKind, B: number, kind: Kind): Runs => {
      if (p === 'edge') return 'edge lanes';
      if (p === 'small' && B === 1 && blocks) return 'blocks';
      if ((p === 'small' || p === 'gather') && B < EDGE_LANE_BATCHES) return B === 1 && quads ? 'quads' : 'edge lanes';
      if (p === 'gather' || !blocks) return 'batch lanes';
      if (kind === 'step') {
        const fwd = B >= BLOCK_BATCHES.forward, dW = B >= BLOCK_BATCHES.weight; // dx runs on blocks from B = 4
        return fwd && dW ? 'blocks' : fwd ? 'blocks fwd dx, gather dW' : dW ? 'blocks, gather fwd' : 'blocks dx, gather fwd dW';
      }
      return B >= BLOCK_BATCHES[kind === 'fwd' ? 'forward' : kind === 'dx' ? 'input' : 'weight'] ? 'blocks' : 'batch lanes';
    };
    const ceilingGflops = (config.backend.includes('fma') && fmaCeiling ? fmaCeiling : ceiling).gflops * threads;
    console.log(`== ${config.label} (kernels '${k.name}') ==`);
    const table: string[][] = [];
    for (const B of batches) {
      const arrays = allocate(k, B, xMaster, dyMaster, WMaster, biasMaster, E);
      const { x, dy, W, bias, y, y2, y3, dx, dW } = arrays;
      /** The four kinds on backend `on`, its forward writing `yOut`. */
      const callsOn = (on: Kernels, yOut: Floats): Record<Kind, () => void> => ({
        fwd: () => on.sparseForward(yOut, x, W, bias, index, B),
        dx: () => on.sparseBackwardInput(dx, dy, W, index, B),
        dW: () => on.sparseBackwardWeight(dW, dy, x, index, B),
        step: () => {
          on.sparseForward(yOut, x, W, bias, index, B);
          on.sparseBackward(dx, dW, dy, x, W, index, B);
        },
      });
      const calls: Record<PathKind, Record<Kind, () => void>> = {
        regular: callsOn(batchLanes, y), gather: callsOn(gather, y3), edge: callsOn(edgeLanes, y2), small: callsOn(k, y2),
      };
      const paths = PATHS.filter((p) => (p !== 'edge' || B === 1) && (p !== 'gather' || B === 1 || B >= 4));
      const cases: Case[] = paths.flatMap((p) => KINDS.map((kind) => ({ key: `${p}/${kind}`, call: calls[p][kind] })));
      const timings = await timeCases(cases, args);
      k.sparseForward(y2, x, W, bias, index, B);
      const err = relError(y2, y);
      /** The forward's error against regular: small (y2) and gather (y3). */
      const errOf = (p: PathKind): string => (p === 'small' ? err.toExponential(1) : p === 'gather' ? relError(y3, y).toExponential(1) : '');
      for (const kind of KINDS) {
        const regularUs = 1000 * timings.get(`regular/${kind}`)!.medianMs;
        const gatherUs = B === 1 || B >= 4 ? 1000 * timings.get(`gather/${kind}`)!.medianMs : null;
        for (const p of paths) {
          const t = timings.get(`${p}/${kind}`)!;
          const us = 1000 * t.medianMs;
          const flop = (kind === 'step' ? 6 : 2) * E * B;
          const gflops = flop / us / 1e3;
          const runs = runsOf(p, B, kind);
          const row: Row = {
            label: config.label, backend: config.backend, threads, B, path: p, kernel: kind,
            usPerCall: us, usPerCallMin: 1000 * t.minMs, usPerCallMax: 1000 * t.maxMs, usPerSample: us / B,
            gflops, pctSimdCeiling: 100 * gflops / ceilingGflops, runs,
            blocksSpeedupOverGather: runs === 'blocks' && gatherUs !== null ? gatherUs / us : null,
          };
          rows.push(row);
          table.push([String(B), kind, p, fmtNum(us), `${fmtNum(row.usPerCallMin)}–${fmtNum(row.usPerCallMax)}`,
            fmtNum(row.usPerSample), fmtNum(gflops), `${row.pctSimdCeiling.toFixed(1)}%`,
            p === 'regular' ? '' : `${fmtNum(regularUs / us)}×`,
            row.blocksSpeedupOverGather === null ? '' : `${fmtNum(row.blocksSpeedupOverGather)}×`, runs,
            kind === 'fwd' ? errOf(p) : '']);
        }
      }
    }
    printTable(['B', 'kernel', 'path', 'µs/call', 'range', 'µs/sample', 'GFLOP/s', '%SIMD', 'vs regular', 'blocks vs gather',
      'kernels', 'fwd err vs regular'], table);
    console.log('');
    batchLanes.close();
    gather.close();
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
      'regular: the wasm backend with edgeLaneBatches 0 (batch lanes below B = 4, the block kernels from BLOCK_BATCHES); gather (B = 1 and B >= 4): denseBlocks false (the batch-lane gather kernels; the quads at B = 1); edge (B = 1): quadKernels false (edge lanes); small: the backend as it runs (blocks at B = 1, edge lanes at B = 2 and 3, blocks from BLOCK_BATCHES)',
      'runs: the kernels a path runs (blocks, batch lanes, edge lanes, quads); blocksSpeedupOverGather: the gather path\'s µs over this path\'s where this path runs the blocks (at B = 1: the quads\' µs)',
    ],
    rows,
  });
}

/** The layer's arrays at batch B in k's memory: inputs copied from the masters, outputs zero. */
function allocate(k: Kernels, B: number, xMaster: Float32Array, dyMaster: Float32Array, WMaster: Float32Array,
  biasMaster: Float32Array, E: number): Record<'x' | 'dy' | 'W' | 'bias' | 'y' | 'y2' | 'y3' | 'dx' | 'dW', Floats> {
  return {
    x: copyInto(k, xMaster.subarray(0, N * B)), dy: copyInto(k, dyMaster.subarray(0, N * B)),
    W: copyInto(k, WMaster), bias: copyInto(k, biasMaster),
    y: k.alloc('f32', N * B), y2: k.alloc('f32', N * B), y3: k.alloc('f32', N * B), dx: k.alloc('f32', N * B), dW: k.alloc('f32', E),
  };
}

await main();
process.exit(0);
