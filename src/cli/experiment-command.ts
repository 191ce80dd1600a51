/** `sobolnet experiment <spec>`: a resumable sweep of training runs, with a table and plots. */
import { basename, extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { BACKEND_NAMES, type BackendName } from '../kernels/node/select-kernels.js';
import { runExperiment } from '../experiment/node/run-experiment.js';
import { parseInteger } from './parse.js';
import { formatDuration } from './summary.js';
import { NETWORK_DEFAULTS } from '../experiment/run-recipe.js';
import { checkThreadsApply } from './check-threads-apply.js';
import { SobolnetError } from '../core/errors.js';

interface ExperimentCliOptions {
  out?: string;
  data?: string;
  backend: BackendName | 'auto';
  threads?: number;
  maxRuns?: number;
  reportOnly: boolean;
  quiet: boolean;
}

export function registerExperiment(program: Command): void {
  program.command('experiment')
    .description('run every training run of an experiment spec (JSON) that its results file lacks, then write a ' +
      'markdown table and plots; an interrupted sweep continues where it stopped')
    .argument('<spec>', 'experiment spec file, e.g. experiments/mnist-density.json (see docs/EXPERIMENTS.md)')
    .option('--out <dir>', 'output folder: results.jsonl, table.md, plots (default: runs/experiments/<spec name>)')
    .option('--data <dir>', 'folder with the dataset files (default: each data set\'s standard place)')
    .addOption(new Option('--backend <name>', 'compute backend of every run').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--threads <n>', 'threads of the threaded wasm backends (default: the available cores)', parseInteger(1, 256))
    .option('--max-runs <n>', 'stop after n runs; the rest stay pending for the next start', parseInteger(0))
    .option('--report-only', 'run nothing: rebuild table and plots from the results there are', false)
    .option('--quiet', 'no progress output', false)
    .action(async (spec: string, options: ExperimentCliOptions) => runExperimentCommand(spec, options));
}

async function runExperimentCommand(specPath: string, o: ExperimentCliOptions): Promise<void> {
  checkThreadsApply(o.backend, o.threads);
  if (o.out?.trim() === '') throw new SobolnetError(`--out must name a folder, got ${JSON.stringify(o.out)}`);
  const say = (line: string): void => { if (!o.quiet) process.stderr.write(line + '\n'); };
  const eta = (s: number | null): string => s === null ? 'time left unknown yet' : `about ${formatDuration(s)} left`;
  const outDir = o.out ?? join('runs', 'experiments', basename(specPath, extname(specPath)));
  const outcome = await runExperiment({
    specPath, outDir, backend: o.backend, defaultFanIn: NETWORK_DEFAULTS.fanIn,
    ...(o.threads !== undefined ? { threads: o.threads } : {}), ...(o.data !== undefined ? { dataDir: o.data } : {}),
    ...(o.maxRuns !== undefined ? { maxRuns: o.maxRuns } : {}), reportOnly: o.reportOnly,
  }, {
    onPlan: ({ spec, total, done, dropped }) => {
      say(`experiment ${spec.name}: ${total} runs, ${done} already in ${join(outDir, 'results.jsonl')}, ${total - done} to go`);
      if (dropped > 0) say(`dropped ${dropped} incomplete line(s) left by an interrupted write; that run runs again`);
    },
    onRunStart: ({ index, total, label, etaSeconds }) => say(`run ${index + 1}/${total}  ${label}  (${eta(etaSeconds)})`),
    onEpoch: (r, epochs) => say(`  epoch ${r.epoch + 1}/${epochs}  train ${(100 * r.trainAccuracy).toFixed(2)} %` +
      (r.validationAccuracy === null ? '' : `  validation ${(100 * r.validationAccuracy).toFixed(2)} %`) + `  ${r.seconds.toFixed(1)} s`),
    onRunEnd: ({ record, done, total, etaSeconds }) => say(
      `  done: ${(100 * record.testAccuracy).toFixed(2)} % in ${formatDuration(record.seconds)} on ${record.backend}` +
      ` · ${done}/${total} runs recorded · ${eta(etaSeconds)}`),
  });
  process.stdout.write(`${outcome.done}/${outcome.total} runs recorded\n${outcome.files.map((f) => `wrote ${f}`).join('\n')}\n`);
}
