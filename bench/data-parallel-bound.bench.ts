/**
 * How far two threads could go on this machine if each ran work of its own, against what the pool
 * does today, splitting every kernel's rows between the threads:
 *
 *   npm run bench:dp-bound [-- --what epoch,step] [-- --repeats 7] [-- --limit 60000] [-- --widths 1024,65536]
 *
 * Each round measures the cross-core round trip (bench/lib/machine.ts), then runs, each in child
 * processes, one case after another:
 * - `epoch`: one epoch of npm start's network (bench/train-run.ts: the recipe's defaults on
 *   wasm-fma-threads, after a warm-up of 10 batches) on 1 thread at batch 128, on 2 threads at
 *   batch 128 (the pool splits each kernel), on 1 thread at batch 64 alone, and as two such
 *   1-thread batch-64 processes at once, each training the whole epoch. The two share nothing:
 *   their summed rate bounds a data-parallel step of batch 128 on two threads (each thread half of
 *   the batch, no per-kernel dispatch, no activations crossing the cores; it would add the weights'
 *   and the gradient sums' crossings and a wait per step).
 * - `step`: the width bench's training step n → n, K = 32, B = 128 (bench/step-run.ts: blocks
 *   order, 3 s of steps) on 1 thread, on 2 threads, and as two 1-thread processes at once. Their
 *   summed rate is what the two cores give two copies of the same work, the most any split of one
 *   step over two threads could reach here while the caches hold it. (It is pessimistic where the
 *   data outgrows the caches: two processes stream two copies of x, two threads share one.)
 *
 * Ratios are taken per round against that round's 1-thread rate; the tables give medians and
 * ranges, also apart for rounds with near and far cores. Writes bench/results/data-parallel-bound.json.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { badArgument, parseBenchArgs, parseWidths } from './lib/args.js';
import { runJsonChildAsync } from './lib/child-run.js';
import { crossCoreRoundTripNs, FAR_CORES_NS, printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import type { TrainJob, TrainResult } from './lib/train-job.js';
import { fmtNum, median, printTable } from './lib/timing.js';
import type { StepJob, StepResult } from './step-run.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD_TIMEOUT_MS = 600_000;
const TASKS = ['epoch', 'step'] as const;

const args = parseBenchArgs(process.argv.slice(2), ['--limit', '--what', '--widths'], { repeats: [7, 2] });
const limitFlag = args.extra.get('--limit');
const limit = limitFlag === undefined ? (args.quick ? 12_800 : 60_000) : Number(limitFlag);
if (!Number.isInteger(limit) || limit < 1280) badArgument(`--limit needs an integer >= 1280, got ${limitFlag}`);
const what = (args.extra.get('--what') ?? 'epoch,step').split(',');
const unknown = what.find((w) => !(TASKS as readonly string[]).includes(w));
if (unknown !== undefined) badArgument(`--what takes ${TASKS.join(', ')}, got ${unknown}`);
const widths = parseWidths(args.extra.get('--widths'), [1024, 65536]);
const stepSeconds = args.quick ? 1 : 3;

/** The rate of each of `copies` processes run at once: samples/s (epoch) or steps/s. */
async function rates<R>(script: string, job: unknown, copies: number, rate: (r: R) => number): Promise<number[]> {
  const results = await Promise.all(Array.from({ length: copies }, () => runJsonChildAsync<R>(join(HERE, script), job, CHILD_TIMEOUT_MS)));
  return results.map((r) => {
    if (typeof r === 'string') throw new Error(`a ${script} child failed: ${r}`);
    return rate(r);
  });
}

const epochRates = (threads: number, batch: number, copies = 1): Promise<number[]> =>
  rates<TrainResult>('train-run.ts', { engine: 'sobolnet', model: 'path', backend: 'wasm-fma-threads', threads, limit, batch,
    warmupBatches: 10 } satisfies TrainJob, copies, (r) => r.samplesPerSecond);
const stepRates = (width: number, threads: number, copies = 1): Promise<number[]> =>
  rates<StepResult>('step-run.ts', { width, threads, seconds: stepSeconds } satisfies StepJob, copies, (r) => 1e6 / r.medianMicros);

/** One group of cases: its label, and per case a label and how to measure it (rates of the processes run at once). */
interface Group {
  readonly label: string;
  readonly unit: string;
  readonly cases: readonly { readonly label: string; readonly run: () => Promise<number[]> }[];
}

const groups: Group[] = [
  ...(what.includes('epoch') ? [{
    label: `epoch of ${limit} samples`, unit: 'samples/s', cases: [
      { label: '1 thread, batch 128', run: () => epochRates(1, 128) },
      { label: '2 threads, batch 128 (the pool)', run: () => epochRates(2, 128) },
      { label: '1 thread, batch 64, alone', run: () => epochRates(1, 64) },
      { label: 'two 1-thread batch-64 processes, summed (the bound)', run: () => epochRates(1, 64, 2) },
    ],
  }] : []),
  ...(what.includes('step') ? widths.map((n) => ({
    label: `step ${n} → ${n}`, unit: 'steps/s', cases: [
      { label: '1 thread', run: () => stepRates(n, 1) },
      { label: '2 threads (the pool)', run: () => stepRates(n, 2) },
      { label: 'two 1-thread processes, summed (the bound)', run: () => stepRates(n, 1, 2) },
    ],
  })) : []),
];

interface Round {
  readonly crossCoreNs: number | null;
  /** Per group, per case: the rate of each process (summed for the table). */
  readonly rates: readonly (readonly (readonly number[])[])[];
}

async function main(): Promise<void> {
  const machine = printHeader('data-parallel bound: two threads splitting each kernel, against two processes with work of their own',
    [`${args.repeats} rounds; ${groups.map((g) => g.label).join('; ')}${args.quick ? ' (QUICK: not for reporting)' : ''}`]);
  const rounds: Round[] = [];
  for (let i = 0; i < args.repeats; i++) {
    const crossCoreNs = crossCoreRoundTripNs();
    const measured: number[][][] = [];
    for (const g of groups) {
      const row: number[][] = [];
      for (const c of g.cases) row.push(await c.run());
      measured.push(row);
      console.log(`  round ${i + 1} (cross-core ${crossCoreNs ?? '-'} ns), ${g.label}, ${g.unit}: ` +
        g.cases.map((c, j) => `${c.label} ${row[j].map(fmtNum).join(' + ')}`).join('; '));
    }
    rounds.push({ crossCoreNs, rates: measured });
  }
  const summed = (r: Round, g: number, c: number): number => r.rates[g][c].reduce((a, b) => a + b, 0);
  const ratio = (g: number, c: number) => (r: Round): number => summed(r, g, c) / summed(r, g, 0);
  const far = rounds.filter((r) => (r.crossCoreNs ?? 0) >= FAR_CORES_NS);
  const near = rounds.filter((r) => (r.crossCoreNs ?? 0) < FAR_CORES_NS);
  const split = (rs: readonly Round[], f: (r: Round) => number): string => (rs.length === 0 ? '-' : `${fmtNum(median(rs.map(f)))}× (${rs.length})`);
  const ratios: Record<string, number> = {};
  console.log('\nper round, the summed rate ÷ the 1-thread rate:');
  printTable(['group', 'case', 'median', 'min', 'max', 'near cores (rounds)', `far cores, >= ${FAR_CORES_NS} ns (rounds)`],
    groups.flatMap((g, gi) => g.cases.slice(1).map((c, j) => {
      const f = ratio(gi, j + 1);
      const v = rounds.map(f);
      ratios[`${g.label}: ${c.label}`] = median(v);
      return [g.label, c.label, `${fmtNum(median(v))}×`, `${fmtNum(Math.min(...v))}×`, `${fmtNum(Math.max(...v))}×`, split(near, f), split(far, f)];
    })));
  console.log('\n1-thread rates, median: ' + groups.map((g, gi) => `${g.label} ${fmtNum(median(rounds.map((r) => summed(r, gi, 0))))} ${g.unit}`).join('; '));
  writeResults('data-parallel-bound', { machine, options: { limit, repeats: args.repeats, what, widths, stepSeconds },
    groups: groups.map((g) => ({ label: g.label, unit: g.unit, cases: g.cases.map((c) => c.label) })), rounds, ratios });
}

await main();
