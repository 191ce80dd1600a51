/**
 * Training epochs of the convolutional presets, path against dense, each run in its own child
 * process (bench/conv-train-run.ts), on our fastest backend with 2 threads:
 *
 *   npm run bench:conv-train [-- --quick] [-- --repeats 3 --cifar-steps 200 --cifar-repeats 1 --limit 60000 --tasks fashion-cnn --backends wasm-threads --threads 1]
 *
 * - Fashion-MNIST, `cnn` preset: one whole epoch (60000 samples, batch 128; the real files when
 *   /usr/share/datasets/fashion-mnist has them, else synthetic images of the same shape): path
 *   convolutions at channel fan-in C/4 and C/8, and the dense CNN. Test accuracy after the epoch.
 * - CIFAR-10, `resnet20` preset: the time of one real epoch (50000 samples, batch 128: 390 full
 *   steps and one of 80) ESTIMATED from `--cifar-steps` steps on synthetic 3×32×32 data with
 *   CIFAR's input pipeline (per-channel normalisation, crop and flip): path C/4 and dense.
 *   Estimate = 50000 / measured samples per second (likewise a Fashion-MNIST epoch under --limit).
 *
 * Runs go round-robin (round r runs each configuration once), so load drifts hit them alike.
 * Reports seconds per epoch, samples/s, ≈GFLOP/s (6 × MACs/sample × samples/s) and the path/dense
 * time ratios (medians over the repeats). Writes bench/results/conv-train.json.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badArgument, parseBenchArgs } from './lib/args.js';
import { backendConfigs, selectorSource } from './lib/backends.js';
import { runJsonChild } from './lib/child-run.js';
import type { ConvTrainJob, ConvTrainResult, ConvTrainTask } from './lib/conv-train-job.js';
import { printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { fmtNum, printTable, summarise } from './lib/timing.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD_TIMEOUT_MS = 60 * 60 * 1000;
const FASHION_EPOCH = 60000;
const CIFAR_EPOCH = 50000;
const QUICK_FASHION_LIMIT = 2560;
const DEFAULT_CIFAR_STEPS = 200;
const QUICK_CIFAR_STEPS = 8;
const BATCH = 128;   // the recipes' default batch

interface RunSpec {
  readonly name: string;   // e.g. "cnn path C/4"
  readonly job: ConvTrainJob;
  /** Samples of the epoch that the run stands for (measured whole, or extrapolated to when the run trains fewer). */
  readonly epochSamples: number;
  /** Rounds this run takes part in. */
  readonly repeats: number;
}

function positiveIntFlag(args: ReturnType<typeof parseBenchArgs>, flag: string, fallback: number): number {
  const v = args.extra.get(flag);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) badArgument(`${flag} needs a positive integer, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseBenchArgs(argv, ['--limit', '--cifar-steps', '--cifar-repeats', '--tasks'], { repeats: [3, 1], warmup: [5, 1] });
  // One configuration: the fastest backend (first in availableBackends()), 2 threads unless --threads says otherwise.
  const threads = argv.includes('--threads') ? args.threads : [2];
  const config = backendConfigs(args.backends, threads)[0];
  if (config === undefined) throw new Error('no backend to run on');
  const fashionSamples = positiveIntFlag(args, '--limit', args.quick ? QUICK_FASHION_LIMIT : FASHION_EPOCH);
  const cifarSteps = positiveIntFlag(args, '--cifar-steps', args.quick ? QUICK_CIFAR_STEPS : DEFAULT_CIFAR_STEPS);
  // A ResNet-20 run times hundreds of steps of identical work (their spread is in the JSON), and a dense one takes
  // about 10 minutes here: one round by default.
  const cifarRepeats = positiveIntFlag(args, '--cifar-repeats', 1);
  const tasks = (args.extra.get('--tasks') ?? 'fashion-cnn,cifar-resnet20').split(',').map((t) => t.trim()) as ConvTrainTask[];
  for (const t of tasks) if (t !== 'fashion-cnn' && t !== 'cifar-resnet20') badArgument(`unknown --tasks entry ${t}: fashion-cnn, cifar-resnet20`);

  const machine = printHeader(`convolutional training epochs, path vs dense${args.quick ? ' (QUICK: not for reporting)' : ''}`, [
    `configuration: ${config.label} (fastest backend, from ${selectorSource}); each run in its own process, round-robin: ` +
      `${args.repeats} round(s) of the Fashion-MNIST runs, ${cifarRepeats} of the ResNet-20 runs; ` +
      `${args.warmup} warm-up batches on a throwaway model first`,
    'recipes: `sobolnet train` defaults for the preset and data set with --epochs 1 --validation 0 (Adam, cosine schedule, He init, seed 1, batch 128);',
    '  path: --density f (channel fan-in f·C of every path convolution, plain Sobol\'); dense: --source dense',
    tasks.includes('fashion-cnn') ? `Fashion-MNIST cnn: ${fashionSamples} training samples${fashionSamples === FASHION_EPOCH ? ' (one whole epoch)' : ` (EXTRAPOLATED to the ${FASHION_EPOCH} of an epoch)`}` : '',
    tasks.includes('cifar-resnet20') ? `CIFAR-10 resnet20: ${cifarSteps} steps (${cifarSteps * BATCH} samples) on synthetic 3×32×32 data with crop-flip and ` +
      `per-channel normalisation, EXTRAPOLATED to one real epoch of ${CIFAR_EPOCH} samples` : '',
  ].filter((l) => l !== ''));

  const job = (task: ConvTrainTask, model: 'path' | 'dense', density: number | null, samples: number): ConvTrainJob =>
    ({ task, model, density, backend: config.backend, threads: config.threads, samples, warmupBatches: args.warmup });
  const specs: RunSpec[] = [];
  if (tasks.includes('fashion-cnn')) {
    specs.push({ name: 'cnn path C/4', job: job('fashion-cnn', 'path', 0.25, fashionSamples), epochSamples: FASHION_EPOCH, repeats: args.repeats });
    specs.push({ name: 'cnn path C/8', job: job('fashion-cnn', 'path', 0.125, fashionSamples), epochSamples: FASHION_EPOCH, repeats: args.repeats });
    specs.push({ name: 'cnn dense', job: job('fashion-cnn', 'dense', null, fashionSamples), epochSamples: FASHION_EPOCH, repeats: args.repeats });
  }
  if (tasks.includes('cifar-resnet20')) {
    specs.push({ name: 'resnet20 path C/4', job: job('cifar-resnet20', 'path', 0.25, cifarSteps * BATCH), epochSamples: CIFAR_EPOCH, repeats: cifarRepeats });
    specs.push({ name: 'resnet20 dense', job: job('cifar-resnet20', 'dense', null, cifarSteps * BATCH), epochSamples: CIFAR_EPOCH, repeats: cifarRepeats });
  }

  const results = new Map<string, ConvTrainResult[]>();
  /** Each run's result by round, for ratios within a round (the runs of one round saw similar load). */
  const byRound = new Map<string, Map<number, ConvTrainResult>>();
  const errors: { name: string; round: number; error: string }[] = [];
  const rounds = Math.max(...specs.map((s) => s.repeats));
  for (let round = 0; round < rounds; round++) {
    for (const spec of specs) {
      if (round >= spec.repeats) continue;
      const t0 = performance.now();
      const r = runJsonChild<ConvTrainResult>(join(HERE, 'conv-train-run.ts'), spec.job, CHILD_TIMEOUT_MS);
      const wall = (performance.now() - t0) / 1000;
      if (typeof r === 'string') {
        errors.push({ name: spec.name, round, error: r });
        console.log(`  round ${round + 1}  ${spec.name.padEnd(18)} FAILED ${r}`);
        continue;
      }
      results.set(spec.name, [...(results.get(spec.name) ?? []), r]);
      byRound.set(spec.name, (byRound.get(spec.name) ?? new Map<number, ConvTrainResult>()).set(round, r));
      console.log(`  round ${round + 1}  ${spec.name.padEnd(18)} ${r.samples} samples in ${fmtNum(r.seconds)} s, ${fmtNum(r.samplesPerSecond)} samples/s, ` +
        `step ${fmtNum(r.stepMs.median)} ms (median), test acc ${(100 * r.testAccuracy).toFixed(2)}% of ${r.testSamples}, ` +
        `peak RSS ${r.peakRssMiB.toFixed(0)} MiB (process ${wall.toFixed(1)} s)`);
    }
  }

  const summary = specs.flatMap((spec) => {
    const list = results.get(spec.name);
    if (!list || list.length === 0) return [];
    const r0 = list[0];
    const secs = summarise(list.map((r) => r.seconds));
    const rate = summarise(list.map((r) => r.samplesPerSecond));
    // Epoch seconds: measured when the run was the epoch, else samples of the epoch / samples per second.
    const epochSeconds = summarise(list.map((r) => spec.epochSamples / r.samplesPerSecond));
    return [{
      name: spec.name, task: spec.job.task, model: spec.job.model, density: spec.job.density, data: r0.data, runs: list.length,
      parameters: r0.parameters, macsPerSample: r0.macsPerSample, samplesMeasured: r0.samples, stepsMeasured: r0.steps,
      secondsMeasured: secs, samplesPerSecond: rate, stepMs: summarise(list.map((r) => r.stepMs.median)),
      fastestStepMs: Math.min(...list.map((r) => r.stepMs.min)),
      epochSamples: spec.epochSamples, epochSeconds, estimated: r0.samples !== spec.epochSamples,
      approxGflops: 6 * r0.macsPerSample * rate.median / 1e9,
      testAccuracy: summarise(list.map((r) => r.testAccuracy)), testSamples: r0.testSamples, peakRssMiB: summarise(list.map((r) => r.peakRssMiB)),
    }];
  });

  const ratios: {
    task: ConvTrainTask; path: string; dense: string; pathOverDense: number; denseOverPath: number;
    perRound: { median: number; min: number; max: number; rounds: number } | null;
  }[] = [];
  for (const task of tasks) {
    const rows = summary.filter((s) => s.task === task);
    if (rows.length === 0) continue;
    const title = task === 'fashion-cnn'
      ? `Fashion-MNIST, cnn preset (${rows[0].data}), ${config.label}:`
      : `CIFAR-10, resnet20 preset: ESTIMATED time of one real epoch of ${CIFAR_EPOCH} samples from ${rows[0].stepsMeasured} steps ` +
        `(${rows[0].samplesMeasured} samples) on ${rows[0].data}, ${config.label}:`;
    console.log(`\n${title}`);
    printTable(['run', 'runs', 'params', 'MAC/sample', 'measured s (min–max)', 'samples/s', 'step ms', 'fastest step', '≈GFLOP/s',
      'epoch s', 'test acc %', 'peak RSS MiB'],
    rows.map((s) => [s.name, String(s.runs), String(s.parameters), String(s.macsPerSample),
      `${fmtNum(s.secondsMeasured.median)} (${fmtNum(s.secondsMeasured.min)}–${fmtNum(s.secondsMeasured.max)})`,
      fmtNum(s.samplesPerSecond.median), fmtNum(s.stepMs.median), fmtNum(s.fastestStepMs), fmtNum(s.approxGflops),
      `${fmtNum(s.epochSeconds.median)}${s.estimated ? ' (est.)' : ''}`,
      task === 'fashion-cnn' ? (100 * s.testAccuracy.median).toFixed(2) : '- (random labels)',
      `${s.peakRssMiB.median.toFixed(0)} (${s.peakRssMiB.max.toFixed(0)})`]));
    const dense = rows.find((s) => s.model === 'dense');
    for (const p of rows.filter((s) => s.model === 'path')) {
      if (!dense) continue;
      const pathOverDense = p.epochSeconds.median / dense.epochSeconds.median;
      // The same ratio within each round (path and dense ran minutes apart), then its median over the rounds.
      const pathRuns = byRound.get(p.name)!, denseRuns = byRound.get(dense.name)!;
      const within = [...pathRuns].filter(([round]) => denseRuns.has(round))
        .map(([round, r]) => denseRuns.get(round)!.samplesPerSecond / r.samplesPerSecond);
      const perRound = within.length > 0 ? { ...summarise(within), rounds: within.length } : null;
      ratios.push({ task, path: p.name, dense: dense.name, pathOverDense, denseOverPath: 1 / pathOverDense, perRound });
      console.log(`  ${p.name} / ${dense.name}: epoch time ratio ${fmtNum(pathOverDense)} (path ${fmtNum(1 / pathOverDense)}× faster; ` +
        `MACs/sample ratio ${fmtNum(p.macsPerSample / dense.macsPerSample)})` +
        (perRound && perRound.rounds > 1 ? `; within each round: median ${fmtNum(perRound.median)} (${fmtNum(perRound.min)}–${fmtNum(perRound.max)})` : ''));
    }
  }
  for (const e of errors) console.log(`FAILED: ${e.name} round ${e.round + 1}: ${e.error}`);

  writeResults('conv-train', {
    bench: 'conv-train', machine, quick: args.quick, config: config.label, batch: BATCH, repeats: args.repeats, cifarRepeats, warmupBatches: args.warmup,
    fashionSamples, cifarSteps, cifarEpochSamples: CIFAR_EPOCH,
    notes: [
      'epoch s: training time (evaluation excluded); for resnet20 estimated as epoch samples / measured samples per second',
      '≈GFLOP/s = 6 × MACs/sample × samples/s (forward, backward-input, backward-weight at 2 FLOPs per MAC); overstates slightly, the first layer skips its input gradient',
    ],
    summary, ratios, runs: Object.fromEntries(results), errors,
  });
}

await main();
