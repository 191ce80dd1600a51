/**
 * How a path layer's training step holds up as the layer grows: n → n, fan-in K = 32, batch 128,
 * n = 1024 … 65536, on the FMA build with 1 and 2 threads, with a roofline per width.
 *
 *   npm run bench:width [-- --quick] [-- --widths 1024,4096] [-- --threads 1,2] [-- --repeats 5]
 *
 * The layer: plain Sobol' paths, components 1 and 2 (those of a hidden pair of an MLP), P = K·n,
 * duplicates merged, both layers stored bit-reversed (train's default for hidden units). The
 * step is the forward plus the backward (`sparseBackward`: input, then weight): 3 × 2·E·B FLOPs. Each width
 * is one round-robin group that also times the FMA ceiling, so that the "% of ceiling" column sees
 * the same machine load as the kernels.
 *
 * The roofline: the memory bandwidth measured here (a streaming kernel: read one array, write
 * another) from DRAM (64 MiB arrays) and from L3 (2 MiB arrays), and the bytes the step moves from
 * beyond a core's L2 in this model of the schedule:
 * - x (forward, backward weight) and dy (backward input) are gathered K times each, a row of B floats per edge. While the
 *   gathered array fits L2 (512 KiB) only its first touch counts; otherwise every gather counts,
 *   from L3 while the array fits the L3 this VM gets (8 MiB: a pointer chase costs 18 ns at 4 MiB
 *   and 127 ns at 16 MiB) and from DRAM beyond that;
 * - everything else streams once per call from DRAM: y and dx written, dy rows read by the backward weight, the weights, their transpose
 *   and gradient, the index arrays.
 * The bound is the step's FLOPs over the time those bytes take at the measured bandwidths (capped
 * by the FMA ceiling times the threads). The windows of `windowSpread` (src/topology/window-spread.ts)
 * are printed too: where they hold, the K gathers of a window of targets read K contiguous
 * windows of rows, which the hardware prefetcher follows.
 *
 * Writes bench/results/width.json.
 */
import { createNodeWasmKernels } from '../src/kernels/node/select-kernels.js';
import type { SparseIndex } from '../src/kernels/kernels.js';
import type { WasmKernels } from '../src/kernels/wasm/create-wasm-kernels.js';
import { Rng } from '../src/sequences/rng.js';
import { buildTopology } from '../src/topology/build-topology.js';
import { windowSpread } from '../src/topology/window-spread.js';
import { parseBenchArgs } from './lib/args.js';
import { printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { ceilingCall, measureSimdCeiling } from './lib/simd-ceiling.js';
import { fmtNum, printTable, timeCases, type Case } from './lib/timing.js';

const B = 128;
const K = 32;
const WIDTHS = [1024, 4096, 16384, 65536];
const L2_BYTES = 512 * 1024;
const L3_BYTES = 8 * 1024 * 1024;
const MiB = 2 ** 20;

/** The layer n → n of the bench (see the file comment). */
function pathLayer(n: number): SparseIndex {
  return buildTopology({
    widths: [n, n], source: { kind: 'sobol' }, paths: { fanIn: K }, components: [1, 2],
    unitOrders: ['bit-reversed', 'bit-reversed'],
  }).layers[0];
}

/** Bytes one step (forward + backward) moves from L3 and from DRAM, in the model of the file comment. */
export function stepBytes(n: number, E: number): { l3: number; dram: number } {
  const rows = 4 * n * B;                    // one activation array
  const gathered = 3 * (rows <= L2_BYTES ? rows : K * rows);   // x in the forward and backward weight, dy in the backward input
  const fromL3 = rows > L2_BYTES && rows <= L3_BYTES;
  const streams = 3 * rows                   // y written; dx written; dy rows read by the backward weight
    + 4 * (E + E + (n + 1))                  // forward: W, sources, offsets
    + 4 * (E + E + 2 * E + E + (n + 1))      // backward input: W via edgeOf, edgeOf, Wt written and read, targets, offsets
    + 4 * (E + E + (n + 1));                 // backward weight: dW, sources, offsets
  return fromL3 ? { l3: gathered, dram: streams } : { l3: 0, dram: gathered + streams };
}

interface Row {
  width: number; threads: number; edges: number; activationMiB: number; windowSpread16: number;
  forwardMs: number; backwardMs: number; stepMs: number; stepGflops: number; pctCeiling: number;
  bytesL3: number; bytesDram: number; boundGflops: number; pctBound: number;
}

function filled(k: WasmKernels, n: number, rng: Rng, scale: number): Float32Array {
  const a = k.alloc('f32', n) as Float32Array;
  for (let i = 0; i < n; i++) a[i] = scale * (2 * rng.nextFloat() - 1);
  return a;
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), ['--widths'], { repeats: [5, 2] });
  const widths = args.extra.get('--widths')?.split(',').map(Number) ?? WIDTHS;
  if (widths.some((n) => !Number.isInteger(n) || n < 64 || (n & (n - 1)) !== 0)) {
    throw new Error(`--widths takes powers of two >= 64, got ${args.extra.get('--widths')}`);
  }
  const threadCounts = [...new Set(args.threads)];
  const machine = printHeader(`sobolnet path layer n → n, fan-in ${K}, batch ${B}, width sweep${args.quick ? ' (QUICK: not for reporting)' : ''}`, [
    `timing: ${args.warmup} warm-up calls, then ${args.repeats} timed samples per case (each ≥ ${args.minSampleMs} ms), round-robin per width with the FMA ceiling`,
    `backend: wasm-simd-fma on ${threadCounts.join(' and ')} thread(s); plain Sobol' components 1, 2, both layers bit-reversed`,
  ]);
  const kernels = threadCounts.map((threads) => createNodeWasmKernels({ threads, build: 'simd-fma' }));
  const fmaCeiling = (await measureSimdCeiling(args, 20, true)).gflops;
  console.log(`128-bit FMA ceiling: ${fmtNum(fmaCeiling)} GFLOP/s per core`);

  // Bandwidth: read one array and write another (ReLU), from DRAM and from L3.
  const bandwidth = new Map<string, number>();
  for (const [level, floats] of [['dram', 16 * MiB], ['l3', MiB / 2]] as const) {
    const cases: Case[] = kernels.map((k, i) => {
      const x = filled(k, floats, new Rng(1), 1), y = k.alloc('f32', floats);
      return { key: `${level}/${threadCounts[i]}`, call: () => k.reluForward(y, x, floats) };
    });
    const t = await timeCases(cases, args);
    for (const c of cases) bandwidth.set(c.key, (8 * (c.key.startsWith('l3') ? MiB / 2 : 16 * MiB)) / t.get(c.key)!.medianMs / 1e6);
  }
  for (const threads of threadCounts) {
    console.log(`bandwidth, ${threads} thread(s): DRAM ${fmtNum(bandwidth.get(`dram/${threads}`)!)} GB/s, L3 ${fmtNum(bandwidth.get(`l3/${threads}`)!)} GB/s (read + write)`);
  }
  console.log('');

  const rows: Row[] = [];
  const rng = new Rng(20261130);
  for (const n of widths) {
    const index = pathLayer(n);
    const E = index.sources.length;
    const cases: Case[] = [];
    kernels.forEach((k, i) => {
      const x = filled(k, n * B, rng, 1), dy = filled(k, n * B, rng, 1), W = filled(k, E, rng, 1 / Math.sqrt(K));
      const y = k.alloc('f32', n * B), dx = k.alloc('f32', n * B), dW = k.alloc('f32', E);
      cases.push({ key: `fwd/${threadCounts[i]}`, call: () => k.sparseForward(y, x, W, null, index, B) });
      cases.push({ key: `bwd/${threadCounts[i]}`, call: () => k.sparseBackward(dx, dW, dy, x, W, index, B) });
    });
    const ceiling = ceilingCall(10, 2, true);
    cases.push({ key: 'ceiling', call: ceiling.call });
    const t = await timeCases(cases, args);
    const ceilingNow = ceiling.flop / t.get('ceiling')!.medianMs / 1e6;
    const bytes = stepBytes(n, E);
    for (const threads of threadCounts) {
      const fwd = t.get(`fwd/${threads}`)!.medianMs, bwd = t.get(`bwd/${threads}`)!.medianMs;
      const flop = 6 * E * B;
      const stepGflops = flop / (fwd + bwd) / 1e6;
      const boundSeconds = bytes.l3 / (bandwidth.get(`l3/${threads}`)! * 1e9) + bytes.dram / (bandwidth.get(`dram/${threads}`)! * 1e9);
      const boundGflops = Math.min(threads * ceilingNow, flop / boundSeconds / 1e9);
      rows.push({
        width: n, threads, edges: E, activationMiB: (4 * n * B) / MiB, windowSpread16: windowSpread(index, 16).max,
        forwardMs: fwd, backwardMs: bwd, stepMs: fwd + bwd, stepGflops, pctCeiling: (100 * stepGflops) / (threads * ceilingNow),
        bytesL3: bytes.l3, bytesDram: bytes.dram, boundGflops, pctBound: (100 * stepGflops) / boundGflops,
      });
    }
    console.log(`n = ${n}: FMA ceiling in this group ${fmtNum(ceilingNow)} GFLOP/s per core`);
  }
  console.log('');
  printTable(['n', 'threads', 'x MiB', 'windows/16 rows', 'fwd ms', 'bwd ms', 'step GFLOP/s', '% of ceiling',
    'L3 MB/step', 'DRAM MB/step', 'bound GFLOP/s', '% of bound'],
  rows.map((r) => [String(r.width), String(r.threads), fmtNum(r.activationMiB), String(r.windowSpread16), fmtNum(r.forwardMs),
    fmtNum(r.backwardMs), fmtNum(r.stepGflops), `${r.pctCeiling.toFixed(0)} %`, fmtNum(r.bytesL3 / 1e6), fmtNum(r.bytesDram / 1e6),
    fmtNum(r.boundGflops), `${r.pctBound.toFixed(0)} %`]));
  for (const n of widths) {
    const [one, two] = [1, 2].map((th) => rows.find((r) => r.width === n && r.threads === th));
    if (one && two) console.log(`n = ${n}: 2 threads run the step ${fmtNum(one.stepMs / two.stepMs)}× as fast as 1`);
  }
  writeResults('width', { bench: 'width', machine, quick: args.quick, B, K, fmaCeiling,
    bandwidthGBs: Object.fromEntries(bandwidth), rows });
  kernels.forEach((k) => k.close());
}

await main();
