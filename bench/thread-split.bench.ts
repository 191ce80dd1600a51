/**
 * How two threads should share a sparse layer's training step: n → n, fan-in K = 32, batch 128,
 * n = 1024 … 65536, FMA build; the step (forward, backward input, backward weight) on one thread
 * against two splits over two threads, timed round-robin in one group per width:
 * - ranges: each thread one contiguous range of the rows (targets, or sources for the input
 *   gradient);
 * - windows: rows in windows of S (`--window`, default WINDOW_ROWS) dealt round-robin to the threads
 *   (assembly/sparse-kernels.ts), so that the threads walk neighbouring windows, which gather from
 *   the same coarser source windows, and share L3 instead of splitting it (the cache simulation of
 *   `npm run bench:width` counts 1939 MB of DRAM traffic per step at 65536 for ranges, 386 for one
 *   thread).
 * The backend chooses between the two by the size of the gathered array (`windowedSplit` in
 * src/kernels/wasm/create-wasm-kernels.ts); the table marks its choice. Both give the same bits
 * (checked here on every width, and in test/kernels/backends.test.ts).
 * The pools do not spin (`spin: 0`), so that an idle pool of one case does not take a core from the
 * case timed next; every case pays the same wake-up.
 *
 *   npm run bench:split [-- --widths 1024,65536] [-- --window 64] [-- --repeats 9] [-- --quick]
 *
 * Writes bench/results/thread-split.json.
 */
import { createNodeWasmKernels, sharedWasmArena } from '../src/kernels/node/select-kernels.js';
import { WINDOW_ROWS, windowedSplit, type WasmKernels } from '../src/kernels/wasm/create-wasm-kernels.js';
import { parseBenchArgs } from './lib/args.js';
import { hiddenPairLayer } from './lib/mlp-path-layer.js';
import { printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { fmtNum, printTable, timeCases, type Case } from './lib/timing.js';

const B = 128;
const K = 32;

function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), ['--widths', '--window'], { repeats: [9, 3] });
  const widths = (args.extra.get('--widths') ?? (args.quick ? '1024,4096' : '1024,4096,16384,65536')).split(',').map(Number);
  const S = Number(args.extra.get('--window') ?? WINDOW_ROWS);
  printHeader('sparse step n → n, K = 32, B = 128: one thread against two splits over two threads (npm run bench:split)',
    [`window ${S} rows; repeats ${args.repeats}`]);
  const arena = sharedWasmArena('simd-fma');
  const splits: Record<string, WasmKernels> = {
    '1 thread': createNodeWasmKernels({ threads: 1, build: 'simd-fma', arena }),
    ranges: createNodeWasmKernels({ threads: 2, build: 'simd-fma', arena, spin: 0, windowRows: 0 }),
    windows: createNodeWasmKernels({ threads: 2, build: 'simd-fma', arena, spin: 0, windowRows: S, windowSplitMinBytes: 0 }),
  };
  return run(widths, splits, S, args).finally(() => Object.values(splits).forEach((k) => k.close()));
}

async function run(widths: number[], splits: Record<string, WasmKernels>, S: number, args: ReturnType<typeof parseBenchArgs>): Promise<void> {
  const rows: { n: number; split: string; stepMs: number; speedUp: number; gflops: number; backendsChoice: boolean }[] = [];
  const k0 = splits['1 thread'];
  for (const n of widths) {
    const index = hiddenPairLayer(n, K);
    const E = index.sources.length;
    const alloc = (m: number): Float32Array => k0.alloc('f32', m) as Float32Array;
    const [x, y, dy, dx, W, dW, bias] = [alloc(n * B), alloc(n * B), alloc(n * B), alloc(n * B), alloc(E), alloc(E), alloc(n)];
    for (let i = 0; i < x.length; i++) [x[i], dy[i]] = [Math.sin(i), Math.cos(i)];
    for (let i = 0; i < E; i++) W[i] = Math.sin(3 * i);
    const step = (k: WasmKernels) => (): void => {
      k.sparseForward(y, x, W, bias, index, B);
      k.sparseBackwardInput(dx, dy, W, index, B);
      k.sparseBackwardWeight(dW, dy, x, index, B);
    };
    const results = Object.values(splits).map((k) => {
      step(k)();
      return [y, dx, dW].map((a) => a.slice());
    });
    const same = results.every((r) => r.every((a, i) => a.every((v, j) => Object.is(v, results[0][i][j]))));
    if (!same) throw new Error(`n = ${n}: the splits do not give the same bits`);
    const cases: Case[] = Object.entries(splits).map(([name, k]) => ({ key: name, call: step(k) }));
    const t = await timeCases(cases, args);
    const one = t.get('1 thread')!.medianMs;
    const choice = windowedSplit(n, 4 * n * B, 2, S) ? 'windows' : 'ranges';
    for (const name of Object.keys(splits)) {
      const ms = t.get(name)!.medianMs;
      rows.push({ n, split: name, stepMs: ms, speedUp: one / ms, gflops: (3 * 2 * E * B) / ms / 1e6, backendsChoice: name === choice });
    }
  }
  printTable(['n', 'split', 'step ms', '× one thread', 'GFLOP/s', "backend's choice"],
    rows.map((r) => [String(r.n), r.split, fmtNum(r.stepMs), r.speedUp.toFixed(2), fmtNum(r.gflops), r.backendsChoice ? '←' : '']));
  writeResults('thread-split', { bench: 'thread-split', B, K, window: S, rows });
}

void main();
