/**
 * One MNIST training epoch (60000 samples, batch 128, Adam at the library's default learning rate) of the 784-1024-1024-10 MLP,
 * each run in its own child process (bench/train-run.ts):
 *
 *   npm run bench:train [-- --quick] [-- --repeats 5 --limit 6000 --backends wasm-threads --tfjs-stock-repeats 0]
 *
 * Runs, round-robin (round r runs each once, so that load drifts hit all of them alike):
 * - the Sobol' path MLP (fan-in 32, bit-reversed hidden units, dense output layer; `sobolnet train` defaults, --epochs 1)
 *   on every sobolnet backend available (threaded backends with each --threads count);
 * - the dense MLP of the same widths on our fastest backend (the first that the selector's
 *   availableBackends() lists), with each thread count;
 * - TensorFlow.js (wasm backend, model.fit) with its BatchMatMul re-registered to transpose
 *   explicitly ("tfjs-wasm+T"): the strong baseline, since the stock backend runs the transposed
 *   products of every backward pass 10–70× slower;
 * - stock TensorFlow.js ("tfjs-wasm", --tfjs-stock-repeats runs, default 1: ~9 min per epoch here).
 *
 * Reports epoch seconds (training only, evaluation excluded), samples/s, test accuracy after the
 * epoch and peak RSS of the child (process.resourceUsage().maxRSS), each as median and min–max
 * over the repeats, and the path MLP's speed-ups. --quick trains 6000 samples, 2 repeats.
 * Writes bench/results/train.json.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badArgument, parseBenchArgs } from './lib/args.js';
import { runJsonChild } from './lib/child-run.js';
import { backendConfigs, selectorSource, type BackendConfig } from './lib/backends.js';
import { printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { fmtNum, printTable, summarise } from './lib/timing.js';
import type { TrainJob, TrainResult } from './lib/train-job.js';
import { DEFAULT_LEARNING_RATES } from '../src/train/optimizer.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUICK_LIMIT = 6000;
const CHILD_TIMEOUT_MS = 60 * 60 * 1000;

interface RunSpec {
  readonly name: string;          // e.g. "path wasm-threads/2t", "tfjs-wasm+T"
  readonly job: TrainJob;
  readonly repeats: number;
}

function runChild(spec: RunSpec): TrainResult | string {
  return runJsonChild<TrainResult>(join(HERE, 'train-run.ts'), spec.job, CHILD_TIMEOUT_MS);
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), ['--limit', '--tfjs-stock-repeats'], { repeats: [5, 2], warmup: [10, 3] });
  const limitArg = args.extra.get('--limit');
  const limit = limitArg !== undefined ? Number(limitArg) : args.quick ? QUICK_LIMIT : null;
  if (limit !== null && !(Number.isInteger(limit) && limit >= 1)) badArgument(`--limit needs a positive integer, got ${limitArg}`);
  const stockArg = args.extra.get('--tfjs-stock-repeats');
  const stockRepeats = stockArg !== undefined ? Number(stockArg) : 1;
  if (!(Number.isInteger(stockRepeats) && stockRepeats >= 0)) badArgument(`--tfjs-stock-repeats needs an integer >= 0, got ${stockArg}`);
  const configs = backendConfigs(args.backends, args.threads);
  const samples = limit ?? 60000;
  const machine = printHeader(`MNIST training, one epoch of ${samples} samples, batch 128, Adam lr ${DEFAULT_LEARNING_RATES.adam}${args.quick ? ' (QUICK: not for reporting)' : ''}`, [
    `each run in its own process; ${args.repeats} repeats round-robin (stock tfjs: ${stockRepeats}); ${args.warmup} warm-up batches on a throwaway model before each timed epoch`,
    `sobolnet backends: ${configs.map((c) => c.label).join(', ')} (from ${selectorSource})`,
    'sobolnet recipe: `sobolnet train` defaults with --epochs 1 --validation 0 (plain Sobol\' paths, fan-in 32, bit-reversed hidden units, dense output layer, He init, seed 1, cosine schedule to 0 over the epoch);',
    'tfjs: dense relu / dense relu / dense softmax, glorot-uniform init, constant lr, model.fit shuffle=true, wasm backend',
  ]);

  const base = { limit, warmupBatches: args.warmup };
  const pathRuns: RunSpec[] = configs.map((c: BackendConfig) => ({
    name: `path ${c.label}`, repeats: args.repeats,
    job: { engine: 'sobolnet', model: 'path', backend: c.backend, threads: c.threads, ...base },
  }));
  const tfjsFixed: RunSpec = { name: 'tfjs-wasm+T', repeats: args.repeats, job: { engine: 'tfjs', model: 'dense', tfjsMatMul: 'explicit-transpose', ...base } };
  const tfjsStock: RunSpec = { name: 'tfjs-wasm', repeats: stockRepeats, job: { engine: 'tfjs', model: 'dense', tfjsMatMul: 'stock', ...base } };
  // "Our fastest backend": the first that the selector lists (fastest first), with each thread count.
  const fastestBackend = configs[0]?.backend;
  const denseRuns: RunSpec[] = configs.filter((c) => c.backend === fastestBackend).map((c) => ({
    name: `dense ${c.label}`, repeats: args.repeats,
    job: { engine: 'sobolnet', model: 'dense', backend: c.backend, threads: c.threads, ...base },
  }));

  const results = new Map<string, TrainResult[]>();
  const errors: { name: string; round: number; error: string }[] = [];
  const run = (spec: RunSpec, round: number): void => {
    const t0 = performance.now();
    const r = runChild(spec);
    const wall = (performance.now() - t0) / 1000;
    if (typeof r === 'string') {
      errors.push({ name: spec.name, round, error: r });
      console.log(`  round ${round + 1}  ${spec.name.padEnd(26)} FAILED ${r}`);
      return;
    }
    const list = results.get(spec.name) ?? [];
    list.push(r);
    results.set(spec.name, list);
    console.log(`  round ${round + 1}  ${spec.name.padEnd(26)} epoch ${fmtNum(r.epochSeconds).padStart(6)} s, ${fmtNum(r.samplesPerSecond).padStart(6)} samples/s, ` +
      `test accuracy ${(100 * r.testAccuracy).toFixed(2)}%, peak RSS ${r.peakRssMiB.toFixed(0)} MiB (process ${wall.toFixed(1)} s)`);
  };

  const rounds = Math.max(args.repeats, stockRepeats);
  for (let round = 0; round < rounds; round++) {
    if (round < args.repeats) for (const spec of [...pathRuns, ...denseRuns, tfjsFixed]) run(spec, round);
    if (round < stockRepeats) run(tfjsStock, round);
  }

  const all = [...pathRuns, ...denseRuns, tfjsFixed, ...(stockRepeats > 0 ? [tfjsStock] : [])];
  const summary = all.flatMap((spec) => {
    const list = results.get(spec.name);
    if (!list || list.length === 0) return [];
    const secs = summarise(list.map((r) => r.epochSeconds));
    const acc = summarise(list.map((r) => r.testAccuracy));
    const rss = summarise(list.map((r) => r.peakRssMiB));
    const r0 = list[0];
    // FLOPs of a training step ≈ 3 passes (forward, backward-input, backward-weight) × 2 FLOPs per MAC.
    const flopPerEpoch = 6 * r0.macsPerSample * r0.samples;
    return [{
      name: spec.name, engineInfo: r0.engineInfo, runs: list.length, samples: r0.samples, parameters: r0.parameters, macsPerSample: r0.macsPerSample,
      epochSeconds: secs, samplesPerSecond: summarise(list.map((r) => r.samplesPerSecond)), testAccuracy: acc, peakRssMiB: rss,
      approxGflops: flopPerEpoch / secs.median / 1e9,
    }];
  });

  console.log('\nsummary (median and min–max over the runs; GFLOP/s ≈ 6 × MACs/sample × samples / epoch seconds):');
  printTable(['run', 'runs', 'params', 'MAC/sample', 'epoch s (min–max)', 'samples/s', '≈GFLOP/s', 'test acc % (min–max)', 'peak RSS MiB (max)'],
    summary.map((s) => [s.name, String(s.runs), String(s.parameters), String(s.macsPerSample),
      `${fmtNum(s.epochSeconds.median)} (${fmtNum(s.epochSeconds.min)}–${fmtNum(s.epochSeconds.max)})`,
      fmtNum(s.samplesPerSecond.median), fmtNum(s.approxGflops),
      `${(100 * s.testAccuracy.median).toFixed(2)} (${(100 * s.testAccuracy.min).toFixed(2)}–${(100 * s.testAccuracy.max).toFixed(2)})`,
      `${s.peakRssMiB.median.toFixed(0)} (${s.peakRssMiB.max.toFixed(0)})`]));

  const fastest = (prefix: string): (typeof summary)[number] | undefined =>
    summary.filter((x) => x.name.startsWith(prefix)).sort((a, b) => a.epochSeconds.median - b.epochSeconds.median)[0];
  const bestPath = fastest('path ');
  const bestDense = fastest('dense ');
  const speedups: { over: string; speedup: number }[] = [];
  if (bestPath) {
    console.log(`\nspeed-up of the path MLP on its fastest configuration (${bestPath.name}), ratio of median epoch seconds:`);
    for (const other of [bestDense, ...summary.filter((x) => x.name.startsWith('tfjs'))]) {
      if (!other) continue;
      const speedup = other.epochSeconds.median / bestPath.epochSeconds.median;
      speedups.push({ over: other.name, speedup });
      console.log(`  over ${other.name.padEnd(24)} ${fmtNum(speedup)}×${other === bestDense ? '   (our dense MLP, fastest configuration)' : ''}`);
    }
  }
  for (const e of errors) console.log(`FAILED: ${e.name} round ${e.round + 1}: ${e.error}`);

  writeResults('train', {
    bench: 'train', machine, quick: args.quick, samples, batch: 128, repeats: args.repeats, tfjsStockRepeats: stockRepeats,
    warmupBatches: args.warmup, summary, speedups, fastestPath: bestPath?.name ?? null, fastestDense: bestDense?.name ?? null,
    runs: Object.fromEntries(results), errors,
  });
}

await main();
