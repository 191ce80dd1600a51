/**
 * `sobolnet experiment`: runs the planned runs of a spec that the results file does not hold
 * yet, each in a child process (run-child.ts), appending each record the moment it arrives, and
 * then writes the table and the plots from every record of the spec.
 *
 * Output folder: results.jsonl, table.md, and per data set
 * <dataset>-accuracy-vs-weights.{svg,png} and <dataset>-accuracy-vs-train-macs.{svg,png}.
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SobolnetError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/node/atomic-write.js';
import type { BackendName } from '../../kernels/node/select-kernels.js';
import type { EpochReport } from '../../train/trainer.js';
import { parseExperimentSpecText, planRuns, varyingFields, type ExperimentSpec, type PlannedRun } from '../experiment-spec.js';
import { accuracyPlotSpec } from '../plot-specs.js';
import type { RunRecord } from '../run-record.js';
import { denseCost } from '../../model/model-cost.js';
import { pathLayerCount } from '../../model/model-spec.js';
import { graphSpecOf, mlpWidths, modelSpecOf, NETWORK_DEFAULTS, recordedRecipeKey, type RunRecipe } from '../run-recipe.js';
import { markdownTable, plotPoints, rankByOf, summarize, WEIGHTS_HEADER, type GroupSummary } from '../summarize.js';
import { checkRecipeMemory } from './check-recipe-memory.js';
import { loadPlotting, writePlot } from './render-plot.js';
import { appendResult, lockResults, readResults } from './results-file.js';
import type { ChildMessage, ChildRequest } from './run-child.js';

/** What `runExperiment` runs and where: the spec file, the output folder, the backend and data. */
export interface ExperimentOptions {
  readonly specPath: string;
  readonly outDir: string;
  readonly backend: BackendName | 'auto';
  readonly threads?: number;
  readonly dataDir?: string;
  readonly defaultFanIn: number;
  /** Stop after this many runs (the rest stay pending for the next start). */
  readonly maxRuns?: number;
  /** Only rebuild the table and plots from the records there are. */
  readonly reportOnly?: boolean;
}

/** Progress callbacks of `runExperiment`: the plan, each run's start, epochs and end. */
export interface ExperimentEvents {
  onPlan?(p: { spec: ExperimentSpec; total: number; done: number; dropped: number }): void;
  onRunStart?(p: { run: PlannedRun; index: number; total: number; label: string; etaSeconds: number | null }): void;
  onEpoch?(report: EpochReport, epochs: number): void;
  onRunEnd?(p: { record: RunRecord; done: number; total: number; etaSeconds: number | null }): void;
}

/** What `runExperiment` did: runs planned, runs done, files written. */
export interface ExperimentOutcome {
  readonly total: number;
  readonly done: number;
  readonly files: readonly string[];
}

/** The fields that count paths: they make the x-axis, never a series. */
const COUNT_FIELDS: readonly (keyof RunRecipe)[] = ['fanIn', 'paths', 'density'];

/** A rough cost of a run in multiply-adds, for the time estimate only. */
export function estimatedCost(r: RunRecipe): number {
  const samples = r.limit ?? 60_000;
  if (r.arch !== 'mlp') {
    // A preset: its dense multiply-adds scaled by the path layers' density (a rough upper bound).
    const dense = denseCost(graphSpecOf({ ...r, source: 'dense', density: undefined, fanIn: undefined, paths: undefined, pathsPerLayer: undefined }, 1));
    return r.epochs * samples * 3 * dense.macsPerSample * (r.source === 'dense' ? 1 : Math.min(1, 2 * (r.density ?? 0.25)));
  }
  const w = mlpWidths(r);
  const pathLayers = pathLayerCount(modelSpecOf({ ...r, density: undefined }, NETWORK_DEFAULTS.fanIn));
  const P = r.paths ?? (r.fanIn ?? NETWORK_DEFAULTS.fanIn) * Math.max(...w.slice(0, pathLayers + 1));
  let macs = 0, units = 0;
  for (let l = 0; l + 1 < w.length; l++) {
    const dense = w[l] * w[l + 1];
    macs += l < pathLayers ? (r.density !== undefined ? r.density * dense : Math.min(P, dense)) : dense;
    units += w[l + 1];
  }
  return r.epochs * samples * (3 * macs + 60 * units); // 60 per unit: element-wise work and evaluation, roughly
}

/** A short label of a run for progress lines: the varying fields and the seed. */
function runLabel(r: RunRecipe, fields: readonly (keyof RunRecipe)[]): string {
  const parts = fields.map((f) => {
    const v = r[f];
    return `${f}=${Array.isArray(v) ? v.join('-') : String(v ?? '–')}`;
  });
  return [...parts, `seed=${r.seed}`].join(' ');
}

/** The module path of run-child beside this file (.ts under tsx, .js when built). */
const CHILD = fileURLToPath(new URL(`./run-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

function runInChild(request: ChildRequest, onEpoch: (r: EpochReport) => void): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // A sweep that exits (the CLI's SIGINT/SIGTERM handler) takes its run along; after a kill -9
    // the child notices by itself (run-child.ts).
    const killChild = (): void => { child.kill(); };
    process.once('exit', killChild);
    let settled = false;
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'epoch') onEpoch(m.report);
      else if (m.type === 'record') { settled = true; resolve(m.record); }
      else { settled = true; reject(new SobolnetError(m.message)); }
    });
    child.on('exit', (code, signal) => {
      process.off('exit', killChild);
      if (!settled) reject(new SobolnetError(`a run's process ended (${signal ?? `exit code ${code}`}) before its result`));
    });
    child.send(request);
  });
}

/** Runs what is pending, then writes the report. */
export async function runExperiment(o: ExperimentOptions, events: ExperimentEvents = {}): Promise<ExperimentOutcome> {
  let text: string;
  try {
    text = readFileSync(o.specPath, 'utf8');
  } catch (e) {
    throw new SobolnetError(`cannot read the experiment spec ${o.specPath}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const spec = parseExperimentSpecText(text, o.specPath);
  const plan = planRuns(spec, o.specPath);
  // The plots are optional packages: a missing one is reported now, not after the sweep has run.
  await loadPlotting();
  const fields = varyingFields(plan);
  // Every run must fit in memory before anything is written or trained (planRuns has checked
  // each recipe, and its widths against its data set, already).
  for (const run of o.reportOnly === true ? [] : plan) {
    try {
      checkRecipeMemory(run.recipe, o.backend, o.defaultFanIn, (f) => f);
    } catch (e) {
      if (e instanceof SobolnetError) throw new SobolnetError(`${o.specPath}: run ${runLabel(run.recipe, fields)}: ${e.message}`);
      throw e;
    }
  }
  try {
    mkdirSync(o.outDir, { recursive: true });
  } catch (e) {
    throw new SobolnetError(`cannot create the output folder ${o.outDir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const resultsPath = join(o.outDir, 'results.jsonl');
  const release = lockResults(resultsPath);
  try {
    const read = readResults(resultsPath);
    const dropped = read.dropped;
    // A record's identity is recomputed from its recipe: a field it lacks (it predates the field)
    // gets the value every run had then, not today's default (recordedRecipeFields).
    const records = read.records.map((r, i) => ({ ...r, key: recordedRecipeKey(r.recipe, `${resultsPath} record ${i + 1}`) }));
    const done = new Set(records.map((r) => r.key));
    const pending = plan.filter((run) => !done.has(run.key));
    let doneCount = plan.length - pending.length;
    events.onPlan?.({ spec, total: plan.length, done: doneCount, dropped });

    let spentSeconds = 0, spentCost = 0;
    const eta = (from: number): number | null => spentCost === 0 ? null
      : (spentSeconds / spentCost) * pending.slice(from).reduce((c, run) => c + estimatedCost(run.recipe), 0);
    const toRun = o.reportOnly ? [] : pending.slice(0, o.maxRuns ?? pending.length);
    for (const [i, run] of toRun.entries()) {
      events.onRunStart?.({
        run, index: plan.indexOf(run), total: plan.length, label: runLabel(run.recipe, fields), etaSeconds: eta(i),
      });
      const request: ChildRequest = {
        recipe: run.recipe, backend: o.backend, defaultFanIn: o.defaultFanIn,
        ...(o.threads !== undefined ? { threads: o.threads } : {}), ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
      };
      let record: RunRecord;
      try {
        record = await runInChild(request, (r) => events.onEpoch?.(r, run.recipe.epochs));
      } catch (e) {
        if (e instanceof SobolnetError) throw new SobolnetError(`run ${runLabel(run.recipe, fields)}: ${e.message}`);
        throw e;
      }
      appendResult(resultsPath, record);
      records.push(record);
      doneCount++;
      spentSeconds += record.seconds;
      spentCost += estimatedCost(run.recipe);
      events.onRunEnd?.({ record, done: doneCount, total: plan.length, etaSeconds: eta(i + 1) });
    }
    const files = await writeReport(spec, plan, records, fields, o.outDir);
    return { total: plan.length, done: doneCount, files };
  } finally {
    release();
  }
}

/** table.md and the two plots per data set, from the records of the planned runs. */
async function writeReport(spec: ExperimentSpec, plan: readonly PlannedRun[], records: readonly RunRecord[],
  fields: readonly (keyof RunRecipe)[], outDir: string): Promise<string[]> {
  const groups = summarize(plan, records);
  const rankBy = rankByOf(groups, spec.rankBy);
  const seriesFields = (spec.series as (keyof RunRecipe)[] | undefined) ??
    fields.filter((f) => !COUNT_FIELDS.includes(f) && f !== 'dataset');
  const datasets = [...new Set(groups.map((g) => g.recipe.dataset))];
  const files: string[] = [];
  const validation = groups.some((g) => g.validation !== null)
    ? 'Validation accuracy is on the samples held out of the end of the training file (`validation`), after the last ' +
      'epoch; test accuracy is on the test set, evaluated once, after the last epoch. '
    : 'Test accuracy is on the test set after the last epoch (these runs held out no validation samples). ';
  const sections = [`# ${spec.name}\n`, spec.description ? `${spec.description}\n` : '',
    validation + `Accuracies are the mean over the seeds done (${spec.seeds.join(', ')}), ± the sample standard ` +
    'deviation where a group has two seeds or more (a single seed has no spread to show). The best row by ' +
    `${rankBy} accuracy is in bold, and the plots draw ${rankBy} accuracy. "${WEIGHTS_HEADER}" counts every ` +
    'linear weight and no bias; "% of dense" compares with the dense network of the same widths, "path layers" ' +
    'with its path-sparse layers only. MACs are forward multiply-adds per sample.\n'];
  for (const dataset of datasets) {
    const mine = groups.filter((g) => g.recipe.dataset === dataset);
    sections.push(`## ${dataset}\n`, markdownTable(mine, fields.filter((f) => f !== 'dataset'), rankBy));
    const plot = async (suffix: string, title: string, xTitle: string, x: (g: GroupSummary) => number, xFormat: string):
      Promise<void> => {
      const points = plotPoints(mine, seriesFields, x, rankBy);
      const base = join(outDir, `${dataset}-${suffix}`);
      const written = await writePlot(base, accuracyPlotSpec(points, { title, xTitle, xFormat, yTitle: `${rankBy} accuracy (%)` }));
      files.push(written.svg, written.png);
      sections.push(`![${title}](${dataset}-${suffix}.svg)\n`);
    };
    if (mine.length > 0) {
      await plot('accuracy-vs-weights', `${spec.name}: ${dataset}, accuracy against weights`,
        'fraction of the dense network\'s weights', (g) => g.weightFraction, '.1%');
      await plot('accuracy-vs-train-macs', `${spec.name}: ${dataset}, accuracy against training cost`,
        'training multiply-adds (3 × forward × samples × epochs)', (g) => g.trainMacs, '.2~s');
    }
  }
  const tablePath = join(outDir, 'table.md');
  writeFileAtomic(tablePath, new TextEncoder().encode(sections.filter((s) => s !== '').join('\n')));
  return [tablePath, ...files];
}
