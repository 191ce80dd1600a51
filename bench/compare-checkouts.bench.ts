/**
 * This checkout against another one (an older commit, say), both loaded in one process and timed
 * alternately, so that the VM's slow and fast states hit them alike:
 *
 *   git worktree add ../old 466a501 && (cd ../old && npm ci)
 *   npm run bench:compare -- --other ../old [--what epoch,step,start] [--threads 2] [--repeats 9] [--limit 12800] [--widths 1024,4096]
 *
 * - `epoch`: npm start's network (784-1024-1024-10, Sobol' fan-in 32, dense output, Adam, batch 128)
 *   trained on the first --limit MNIST samples, each checkout with its own code end to end (its
 *   recipe defaults, model, trainer and kernels), on --threads threads, after a warm-up of 10
 *   batches on a throwaway model. Also the first checkout on one thread, for scale.
 * - `step`: one training step of the width bench's layer (n → n, K = 32, B = 128: forward, input and
 *   weight gradient) for each n of --widths, this checkout's topology (bit-reversed units, so both
 *   checkouts run the same index) on each checkout's kernels.
 * - `start`: `npm start` itself, each checkout's built CLI (`dist/cli/main.js train --quiet`, its
 *   default recipe: 10 epochs of 55,000 samples, validation after each, the test set once) in a fresh
 *   process, writing its model to a temporary folder; --threads sets the CLI's --threads. Times the
 *   training the CLI reports (its epochs, evaluation excluded; parsed from its `time` line, to 0.1 s)
 *   and the whole process (start, data loading, evaluation and the model file included); checks that
 *   both checkouts wrote the same model bytes. Not part of the default --what: a round takes 20 s.
 *
 * Each round times every case once, after measuring the cross-core round trip (bench/lib/machine.ts:
 * the VM's two vCPUs sit near or far apart, and it moves the two-thread times); the table gives
 * medians, and the median and range of the per-round ratio other ÷ this (> 1: this checkout is
 * faster), also apart for the rounds that began with near and with far cores. Writes bench/results/compare-checkouts.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kernels } from '../src/kernels/kernels.js';
import { badArgument, parseBenchArgs, parseWidths } from './lib/args.js';
import { randomArray } from './lib/arrays.js';
import { crossCoreRoundTripNs, FAR_CORES_NS, printHeader } from './lib/machine.js';
import { hiddenPairLayer } from './lib/mlp-path-layer.js';
import { writeResults } from './lib/results.js';
import { fmtNum, median, printTable } from './lib/timing.js';
import { Rng } from '../src/sequences/rng.js';

/** What the epoch task needs of a checkout, loaded from its own sources. */
interface Stack {
  readonly label: string;
  createKernels(threads: number): Kernels & { close(): void };
  /** Trains npm start's network on `limit` samples with `kernels`; returns the seconds the training took. */
  epoch(kernels: Kernels, limit: number): number;
}

/** The parts of a checkout's modules the epoch task calls (their signatures as of 466a501 and since). */
interface RecipeModule {
  completeRecipe(fields: object, where: string): unknown;
  defaultWidths(dataset: string): number[];
  modelSpecOf(recipe: unknown, fanIn: number): unknown;
  trainConfigOf(recipe: unknown): { readonly batchSize: number };
  readonly NETWORK_DEFAULTS: { readonly fanIn: number };
}
interface ModelModule { readonly Model: new (spec: unknown, kernels: Kernels) => unknown }
interface TrainerModule { train(model: unknown, split: unknown, config: object): unknown }
interface DataModule { loadDataset(name: string): { readonly train: unknown; readonly test: object } }
interface SelectModule { createNodeWasmKernels(options: object): Kernels & { close(): void } }

async function loadStack(root: string, label: string): Promise<Stack> {
  const from = async <T>(path: string): Promise<T> => {
    const file = resolve(root, path);
    if (!existsSync(file)) badArgument(`${label}: ${file} not found (is --other a sobolnet checkout?)`);
    return (await import(pathToFileURL(file).href)) as T;
  };
  const recipes = await from<RecipeModule>('src/experiment/run-recipe.ts');
  const model = await from<ModelModule>('src/model/model.ts');
  const trainer = await from<TrainerModule>('src/train/trainer.ts');
  const data = await from<DataModule>('src/data/node/load-dataset.ts');
  const select = await from<SelectModule>('src/kernels/node/select-kernels.ts');
  const recipe = recipes.completeRecipe({ widths: recipes.defaultWidths('mnist'), epochs: 1, validation: 0 }, 'bench');
  const spec = recipes.modelSpecOf(recipe, recipes.NETWORK_DEFAULTS.fanIn);
  const config = recipes.trainConfigOf(recipe);
  const mnist = data.loadDataset('mnist');
  const split = { train: mnist.train, test: { ...mnist.test, count: 256 } };
  return {
    label,
    createKernels: (threads) => select.createNodeWasmKernels({ threads, build: 'simd-fma' }),
    epoch: (kernels, limit) => {
      trainer.train(new model.Model(spec, kernels), split, { ...config, limit: 10 * config.batchSize });
      const m = new model.Model(spec, kernels);
      const t0 = performance.now();
      trainer.train(m, split, { ...config, limit });
      return (performance.now() - t0) / 1000;
    },
  };
}

interface Row { task: string; case: string; medianS: number; samplesS: number[] }

/** One `npm start` run of a checkout's built CLI in a fresh process. */
interface StartRun { readonly trainingS: number; readonly processS: number; readonly modelSha256: string }

/** Runs `npm start`'s command of the checkout at `root` on `threads` threads, its model written into `dir`. */
function runStart(root: string, label: string, threads: number, dir: string): StartRun {
  const cli = resolve(root, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${label}: ${cli} not found (build the checkout: npm ci)`);
  const model = join(dir, `${label}.sobolnet`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [cli, 'train', '--quiet', '--threads', String(threads), '--out', model], { cwd: root, encoding: 'utf8' });
  const processS = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`${label}: npm start's command failed (exit ${String(run.status)}): ${run.stderr.trim().split('\n').pop() ?? ''}`);
  const time = /^time\s+[\d.]+ \w+ in all, ([\d.]+) s training/m.exec(run.stdout);
  if (time === null) throw new Error(`${label}: no "time … training" line in the CLI's output`);
  const modelSha256 = createHash('sha256').update(readFileSync(model)).digest('hex');
  return { trainingS: Number(time[1]), processS, modelSha256 };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), ['--other', '--what', '--limit', '--widths'], { repeats: [9, 3] });
  const other = args.extra.get('--other');
  if (other === undefined || other === '') badArgument('--other <directory of another sobolnet checkout> is required');
  const what = (args.extra.get('--what') ?? 'epoch,step').split(',');
  for (const w of what) if (w !== 'epoch' && w !== 'step' && w !== 'start') badArgument(`--what takes epoch, step and start, got ${w}`);
  const limit = Number(args.extra.get('--limit') ?? (args.quick ? 2560 : 12800));
  if (!Number.isInteger(limit) || limit < 128) badArgument(`--limit needs an integer >= 128, got ${args.extra.get('--limit')}`);
  const widths = parseWidths(args.extra.get('--widths'), [1024, 4096]);
  const threads = args.threads.length === 2 && args.threads[0] === 1 ? 2 : args.threads[0]; // default --threads 1,2: compare on 2
  const stacks = [await loadStack(process.cwd(), 'this'), await loadStack(other, 'other')];
  const machine = printHeader(`this checkout (${process.cwd()}) against ${resolve(other)}, alternated in one process`, [
    `${args.repeats} rounds; ${threads} thread(s), wasm-simd-fma; ${what.join(', ')}${what.includes('epoch') ? `; epoch of ${limit} samples` : ''}`,
  ]);
  const kernels = stacks.map((s) => s.createKernels(threads));
  const single = stacks[0].createKernels(1);
  const cases: { task: string; name: string; run: () => number }[] = [];
  if (what.includes('epoch')) {
    cases.push({ task: 'epoch', name: 'this, 1 thread', run: () => stacks[0].epoch(single, limit) });
    stacks.forEach((s, i) => cases.push({ task: 'epoch', name: s.label, run: () => s.epoch(kernels[i], limit) }));
  }
  if (what.includes('step')) {
    const B = 128;
    for (const n of widths) {
      const index = hiddenPairLayer(n, 32, 'bit-reversed');
      const E = index.sources.length, rng = new Rng(n);
      const host = { x: randomArray(rng, n * B, 1), dy: randomArray(rng, n * B, 1), W: randomArray(rng, E, 0.1) };
      kernels.forEach((k, i) => {
        const place = (a: Float32Array) => {
          const o = k.alloc('f32', a.length);
          o.set(a);
          return o;
        };
        const x = place(host.x), dy = place(host.dy), W = place(host.W);
        const y = k.alloc('f32', n * B), dx = k.alloc('f32', n * B), dW = k.alloc('f32', E);
        const reps = Math.max(2, Math.round(32768 / n));
        const step = () => {
          k.sparseForward(y, x, W, null, index, B);
          k.sparseBackwardInput(dx, dy, W, index, B);
          k.sparseBackwardWeight(dW, dy, x, index, B);
        };
        step();
        cases.push({ task: `step n=${n}`, name: stacks[i].label, run: () => {
          const t0 = performance.now();
          for (let r = 0; r < reps; r++) step();
          return (performance.now() - t0) / 1000 / reps;
        } });
      });
    }
  }
  const startDir = what.includes('start') ? mkdtempSync(join(tmpdir(), 'sobolnet-compare-')) : '';
  const models = new Set<string>();
  if (what.includes('start')) {
    const roots = [process.cwd(), resolve(other)];
    const last: (StartRun | null)[] = [null, null];
    stacks.forEach((s, i) => {
      cases.push({ task: 'npm start, training', name: s.label, run: () => {
        last[i] = runStart(roots[i], s.label, threads, startDir);
        models.add(last[i].modelSha256);
        return last[i].trainingS;
      } });
    });
    // the process times of the runs just made (each start case above runs before these)
    stacks.forEach((s, i) => cases.push({ task: 'npm start, process', name: s.label, run: () => last[i]?.processS ?? NaN }));
  }
  const samples = cases.map(() => [] as number[]);
  const crossCore: (number | null)[] = []; // measured before each round: the VM's vCPUs move
  try {
    for (let round = 0; round < args.repeats; round++) {
      crossCore.push(crossCoreRoundTripNs());
      cases.forEach((c, i) => samples[i].push(c.run()));
      console.log(`  round ${round + 1} (cross-core ${crossCore[round] ?? '-'} ns): ` +
        `${cases.map((c, i) => `${c.task} ${c.name} ${fmtNum(samples[i][round])} s`).join(', ')}`);
    }
  } finally {
    if (startDir !== '') rmSync(startDir, { recursive: true, force: true }); // the npm start runs' models, also after a failed run
  }
  const rows: Row[] = cases.map((c, i) => ({ task: c.task, case: c.name, medianS: median(samples[i]), samplesS: samples[i] }));
  const ratios: { task: string; median: number; min: number; max: number; near: number[]; far: number[] }[] = [];
  for (const task of [...new Set(cases.map((c) => c.task))]) {
    const mine = cases.findIndex((c) => c.task === task && c.name === 'this');
    const theirs = cases.findIndex((c) => c.task === task && c.name === 'other');
    const r = samples[theirs].map((t, i) => t / samples[mine][i]);
    const near = r.filter((_, i) => (crossCore[i] ?? 0) < FAR_CORES_NS);
    const far = r.filter((_, i) => (crossCore[i] ?? 0) >= FAR_CORES_NS);
    ratios.push({ task, median: median(r), min: Math.min(...r), max: Math.max(...r), near, far });
  }
  console.log('');
  printTable(['task', 'case', 'median s', 'min s', 'max s'],
    rows.map((r) => [r.task, r.case, fmtNum(r.medianS), fmtNum(Math.min(...r.samplesS)), fmtNum(Math.max(...r.samplesS))]));
  console.log('\nper round, other ÷ this (> 1: this checkout is faster):');
  const split = (list: number[]): string => (list.length === 0 ? '-' : `${fmtNum(median(list))}× (${list.length})`);
  printTable(['task', 'median', 'min', 'max', `near cores (rounds)`, `far cores, >= ${FAR_CORES_NS} ns (rounds)`],
    ratios.map((r) => [r.task, `${fmtNum(r.median)}×`, `${fmtNum(r.min)}×`, `${fmtNum(r.max)}×`, split(r.near), split(r.far)]));
  if (what.includes('start')) {
    console.log(models.size === 1 ? `\nnpm start: both checkouts wrote the same model bytes (sha256 ${[...models][0]})`
      : `\nnpm start: the model bytes differ between runs or checkouts (${models.size} distinct sha256)`);
  }
  [...kernels, single].forEach((k) => k.close());
  writeResults('compare-checkouts', { machine, other: resolve(other), threads, limit, rounds: args.repeats, crossCoreNs: crossCore, rows, ratios,
    ...(what.includes('start') ? { startModels: [...models] } : {}) });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
