/**
 * Where one MNIST training epoch of `npm start`'s network goes (the 784-1024-1024-10 Sobol' path
 * MLP of `sobolnet train`'s defaults: fan-in 32, dense output layer, batch 128, Adam), per category
 * of work, on the wasm-fma-threads backend (npm start's) with 1 and 2 threads:
 *
 *   npm run bench:breakdown [-- --quick] [-- --repeats 3 --limit 12800 --threads 1,2 --backends wasm-threads --clock cpu]
 *
 * The model is built on a timing wrapper around the kernels (bench/lib/timed-kernels.ts): every
 * kernel call is timed on the main thread, so a threaded kernel's time includes its dispatch to
 * the pool and the wait for the workers. Categories:
 *   path fwd / path bwd   sparseForward / sparseBackward* (the path layers)
 *   dense layer           dense* (the 1024 -> 10 output layer)
 *   batching              gatherBatch (pixel bytes -> [unit][batch] floats), when batching is a kernel
 *   element-wise          ReLU, bias gradients, softmax cross-entropy, add
 *   optimiser             adamStep, sgdMomentumStep, clampSign
 *   outside kernels       the epoch's time minus every kernel call: host code (fillBatch while it is
 *                         a host loop, countCorrect, layer bookkeeping, the trainer)
 * The epoch time is the trainer's (evaluation excluded); the tally stops at the epoch's last batch.
 * With --clock cpu, every time is process CPU time instead (process.cpuUsage: every thread, the
 * workers' spinning included, the load of other processes excluded): on a busy machine the
 * 1-thread column is then the work itself, while wall times are inflated by waiting for a core.
 * "dispatch+wait (est.)" on n > 1 threads is, summed over the kernels, time on n threads - time on
 * 1 thread / n (wall clock: what perfect scaling would not pay, i.e. splitting the work, waiting for
 * the slowest thread and the pool's wake-ups), or time on n threads - time on 1 thread (CPU clock:
 * the extra CPU the same work costs on n threads, spinning workers included). Also printed: the process CPU time of the epoch
 * (every thread) and `fillBatch` timed alone over the same batches.
 *
 * Each repeat trains a fresh model for one epoch, round-robin over the thread counts, after
 * --warmup batches on a throwaway model; the table shows medians over the repeats. --quick trains
 * 7680 samples (60 batches), 2 repeats. On a loaded machine (see the header) the wall times are
 * pessimistic and the 2-thread ones most. Writes bench/results/epoch-breakdown.json.
 */
import { completeRecipe, defaultWidths, modelSpecOf, NETWORK_DEFAULTS, trainConfigOf } from '../src/experiment/run-recipe.js';
import { fillBatch } from '../src/data/batch.js';
import type { DataSplit, Dataset } from '../src/data/dataset.js';
import { identityOrder } from '../src/data/identity-order.js';
import { loadDataset } from '../src/data/node/load-dataset.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { Model } from '../src/model/model.js';
import { train } from '../src/train/trainer.js';
import { badArgument, parseBenchArgs } from './lib/args.js';
import { configLabel, loadKernels } from './lib/backends.js';
import { printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { processCpuClock, timedKernels, wallClock, type Clock, type KernelTally } from './lib/timed-kernels.js';
import { fmtNum, median, printTable } from './lib/timing.js';

const QUICK_LIMIT = 7680;
const DEFAULT_BACKEND = 'wasm-fma-threads';

const CATEGORIES = ['path fwd', 'path bwd', 'dense layer', 'batching', 'element-wise', 'optimiser', 'other kernels'] as const;
type Category = (typeof CATEGORIES)[number];

/** The category of a kernel, by name. */
function categoryOf(kernel: string): Category {
  if (kernel.startsWith('sparseForward')) return 'path fwd';
  if (kernel.startsWith('sparseBackward')) return 'path bwd';
  if (kernel.startsWith('dense')) return 'dense layer';
  if (kernel === 'gatherBatch') return 'batching';
  if (/^(relu|bias|softmax|add)/.test(kernel)) return 'element-wise';
  if (/Step$/.test(kernel) || kernel === 'clampSign') return 'optimiser';
  return 'other kernels';
}

interface EpochSample {
  /** The epoch on the bench's clock (wall: the trainer's epoch seconds). */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly steps: number;
  readonly kernels: Record<string, KernelTally>;
  readonly fillBatchAloneSeconds: number;
}

function truncated(d: Dataset, n: number): Dataset {
  const count = Math.min(n, d.count);
  return { ...d, count, pixels: d.pixels.subarray(0, count * d.features), labels: d.labels.subarray(0, count) };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), ['--limit', '--clock'], { repeats: [3, 2], warmup: [10, 5] });
  const limitArg = args.extra.get('--limit');
  const limit = limitArg !== undefined ? Number(limitArg) : args.quick ? QUICK_LIMIT : null;
  if (limit !== null && !(Number.isInteger(limit) && limit >= 1)) badArgument(`--limit needs a positive integer, got ${limitArg}`);
  const clockName = args.extra.get('--clock') ?? 'wall';
  if (clockName !== 'wall' && clockName !== 'cpu') badArgument(`--clock is wall or cpu, got ${clockName}`);
  const clock = clockName === 'cpu' ? processCpuClock : wallClock;
  const backend = args.backends?.[0] ?? DEFAULT_BACKEND;
  const recipe = completeRecipe({ widths: defaultWidths('mnist'), epochs: 1, validation: 0 }, 'bench');
  const spec = modelSpecOf(recipe, NETWORK_DEFAULTS.fanIn);
  const base = trainConfigOf(recipe);
  const config = { ...base, ...(limit !== null ? { limit } : {}) };
  const data = loadDataset('mnist');
  const split: DataSplit = { train: data.train, test: truncated(data.test, 256) };
  const samples = Math.min(data.train.count, limit ?? data.train.count);
  const B = config.batchSize;
  const machine = printHeader(`epoch breakdown: npm start's network (784-1024-1024-10 path MLP, fan-in 32, dense output), MNIST ${samples} samples, batch ${B}, ${recipe.optimizer}` +
    `${args.quick ? ' (QUICK: not for reporting)' : ''}`, [
    `backend ${backend}, threads ${args.threads.join(', ')}; ${args.repeats} repeats round-robin, each a fresh model after ${args.warmup} warm-up batches; medians shown`,
    clockName === 'cpu' ? 'times are process CPU time (every thread) per kernel call and per epoch'
      : 'times are wall clock on the main thread per kernel call (a threaded call includes dispatch and wait)',
  ]);

  const configs: { label: string; threads: number; timed: ReturnType<typeof timedKernels> }[] = [];
  for (const threads of args.threads) {
    const k = await loadKernels({ backend, threads });
    if (typeof k === 'string') throw new Error(`backend ${backend}/${threads}t: ${k}`);
    configs.push({ label: configLabel(backend, threads), threads, timed: timedKernels(k, clock) });
  }

  const samplesOf = new Map<string, EpochSample[]>();
  for (let round = 0; round < args.repeats; round++) {
    for (const c of configs) {
      const { timed } = c;
      if (args.warmup > 0) train(new Model(spec, timed.kernels), split, { ...config, limit: args.warmup * B });
      const model = new Model(spec, timed.kernels);
      timed.reset();
      let atEnd: Map<string, KernelTally> | null = null;
      let cpuEnd: NodeJS.CpuUsage | null = null;
      const cpu0 = process.cpuUsage();
      const clock0 = clock();
      let clockEnd = 0;
      const { epochs: [report] } = train(model, split, config, {
        onBatch: (p) => {
          if (p.batch === p.batches) {
            clockEnd = clock();
            cpuEnd = process.cpuUsage(cpu0);
            atEnd = timed.snapshot();
          }
        },
      });
      const tally = atEnd as Map<string, KernelTally> | null;
      const cpu = cpuEnd as NodeJS.CpuUsage | null;
      if (tally === null || cpu === null) throw new Error('the epoch reported no last batch');
      const fillAlone = timeFillBatchAlone(timed.kernels, data.train, samples, B, clock);
      const sample: EpochSample = {
        seconds: clockName === 'cpu' ? (clockEnd - clock0) / 1000 : report.seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, steps: Math.ceil(samples / B),
        kernels: Object.fromEntries([...tally].filter(([, t]) => t.calls > 0)), fillBatchAloneSeconds: fillAlone,
      };
      const list = samplesOf.get(c.label) ?? [];
      list.push(sample);
      samplesOf.set(c.label, list);
      const kernelMs = Object.values(sample.kernels).reduce((s, t) => s + t.ms, 0);
      console.log(`  round ${round + 1}  ${c.label.padEnd(22)} epoch ${fmtNum(sample.seconds)} s (kernels ${fmtNum(kernelMs / 1000)} s), ` +
        `process CPU ${fmtNum(sample.cpuSeconds)} s, fillBatch alone ${fmtNum(fillAlone)} s`);
    }
  }

  // Medians per configuration: seconds per category, and per kernel.
  const summary = configs.map((c) => {
    const list = samplesOf.get(c.label) ?? [];
    const kernelNames = [...new Set(list.flatMap((s) => Object.keys(s.kernels)))];
    const perKernel = Object.fromEntries(kernelNames.map((name) => [name, {
      category: categoryOf(name),
      calls: median(list.map((s) => s.kernels[name]?.calls ?? 0)),
      seconds: median(list.map((s) => (s.kernels[name]?.ms ?? 0) / 1000)),
    }]));
    const perCategory = Object.fromEntries(CATEGORIES.map((cat) => [cat,
      median(list.map((s) => Object.entries(s.kernels).filter(([n]) => categoryOf(n) === cat).reduce((t, [, k]) => t + k.ms / 1000, 0)))]));
    const kernelSeconds = list.map((s) => Object.values(s.kernels).reduce((t, k) => t + k.ms / 1000, 0));
    const outside = median(list.map((s, i) => s.seconds - kernelSeconds[i]));
    return {
      label: c.label, threads: c.threads, repeats: list.length, steps: list[0]?.steps ?? 0,
      epochSeconds: median(list.map((s) => s.seconds)), epochSecondsAll: list.map((s) => s.seconds),
      cpuSeconds: median(list.map((s) => s.cpuSeconds)),
      pathKernelSeconds: perCategory['path fwd'] + perCategory['path bwd'],
      perCategory, outsideKernels: outside, perKernel,
      fillBatchAloneSeconds: median(list.map((s) => s.fillBatchAloneSeconds)),
    };
  });
  const single = summary.find((s) => s.threads === 1) ?? null;
  const dispatchOf = (s: (typeof summary)[number]): number | null => {
    if (single === null || s.threads === 1) return null;
    let extra = 0;
    const share = clockName === 'cpu' ? 1 : 1 / s.threads;
    for (const [name, k] of Object.entries(s.perKernel)) extra += k.seconds - (single.perKernel[name]?.seconds ?? 0) * share;
    return extra;
  };

  const pct = (x: number, total: number): string => `${(100 * x / total).toFixed(1)}%`;
  const cell = (x: number, total: number): string => `${fmtNum(x)} (${pct(x, total)})`;
  console.log(`\nseconds per epoch of ${samples} samples (${summary[0]?.steps ?? 0} steps), median; share of the epoch in brackets:`);
  const rows: string[][] = [
    ...CATEGORIES.filter((cat) => summary.some((s) => s.perCategory[cat] > 0)).map((cat) =>
      [cat, ...summary.map((s) => cell(s.perCategory[cat], s.epochSeconds))]),
    ['outside kernels', ...summary.map((s) => cell(s.outsideKernels, s.epochSeconds))],
    ['epoch', ...summary.map((s) => fmtNum(s.epochSeconds))],
    ['sum of path kernels', ...summary.map((s) => cell(s.pathKernelSeconds, s.epochSeconds))],
    ['epoch / path kernels', ...summary.map((s) => `${fmtNum(s.epochSeconds / s.pathKernelSeconds)}×`)],
    ['dispatch+wait (est.)', ...summary.map((s) => { const d = dispatchOf(s); return d === null ? '-' : cell(d, s.epochSeconds); })],
    ['process CPU (all threads)', ...summary.map((s) => fmtNum(s.cpuSeconds))],
    ['fillBatch alone', ...summary.map((s) => fmtNum(s.fillBatchAloneSeconds))],
  ];
  printTable(['category', ...summary.map((s) => s.label)], rows);

  console.log('\nper kernel: calls per epoch, seconds per epoch, µs per call (median):');
  const names = [...new Set(summary.flatMap((s) => Object.keys(s.perKernel)))];
  printTable(['kernel', 'category', ...summary.flatMap((s) => [`${s.label} calls`, 's', 'µs/call'])],
    names.map((name) => [name, categoryOf(name), ...summary.flatMap((s) => {
      const k = s.perKernel[name];
      return k === undefined ? ['-', '-', '-'] : [String(k.calls), fmtNum(k.seconds), fmtNum(1e6 * k.seconds / Math.max(1, k.calls))];
    })]));

  writeResults('epoch-breakdown', {
    bench: 'epoch-breakdown', machine, quick: args.quick, clock: clockName, backend, samples, batch: B, repeats: args.repeats,
    warmupBatches: args.warmup, categories: CATEGORIES,
    summary: summary.map((s) => ({ ...s, dispatchWaitEstimateSeconds: dispatchOf(s) })),
    runs: Object.fromEntries(samplesOf),
  });
}

/** Seconds that fillBatch alone takes over `samples` samples in batches of B (a shuffled order, as training). */
function timeFillBatchAlone(kernels: Kernels, train: Dataset, samples: number, B: number, clock: Clock): number {
  const x = kernels.alloc('f32', train.features * B);
  const labels = new Int32Array(B);
  const order = identityOrder(samples);
  for (let i = samples - 1; i > 0; i--) {
    const j = (i * 7919 + 13) % (i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const t0 = clock();
  for (let start = 0; start < samples; start += B) {
    const n = Math.min(B, samples - start);
    fillBatch(x.subarray(0, train.features * n), labels, train, order, start, n);
  }
  return (clock() - t0) / 1000;
}

await main();
process.exit(0);   // a threaded backend's workers must not keep the process alive
