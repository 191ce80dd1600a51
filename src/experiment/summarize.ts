/**
 * From run records to what a reader looks at: one row per group (the same recipe over seeds)
 * with mean ± standard deviation, as a markdown table, and the points of the accuracy plots.
 */
import type { PlotPoint } from './plot-specs.js';
import type { PlannedRun } from './experiment-spec.js';
import type { RunRecord } from './run-record.js';
import { RECIPE_DEFAULTS, type RunRecipe } from './run-recipe.js';

export interface GroupSummary {
  readonly groupKey: string;
  /** The recipe of the group's first run (its seed is one of many). */
  readonly recipe: RunRecipe;
  readonly seedsPlanned: number;
  readonly seeds: number;
  readonly accuracyMean: number;     // percent
  readonly accuracyStd: number;      // percent, sample standard deviation (0 for one seed)
  readonly weights: number;          // mean over seeds (random sources vary a little)
  readonly weightFraction: number;   // weights / dense weights
  readonly pathLayerFraction: number;
  readonly macsPerSample: number;
  readonly trainMacs: number;
  readonly trainSeconds: number;
}

/** Mean and sample standard deviation (n - 1 in the denominator; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: 0 };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

const average = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The groups that have at least one record, in the order of the plan. */
export function summarize(plan: readonly PlannedRun[], records: readonly RunRecord[]): GroupSummary[] {
  const byKey = new Map(records.map((r) => [r.key, r]));
  const groups = new Map<string, { planned: PlannedRun[]; done: RunRecord[] }>();
  for (const run of plan) {
    const g = groups.get(run.groupKey) ?? { planned: [], done: [] };
    g.planned.push(run);
    const record = byKey.get(run.key);
    if (record) g.done.push(record);
    groups.set(run.groupKey, g);
  }
  return [...groups.entries()].filter(([, g]) => g.done.length > 0).map(([groupKey, { planned, done }]) => {
    const acc = meanStd(done.map((r) => 100 * r.testAccuracy));
    return {
      groupKey, recipe: planned[0].recipe, seedsPlanned: planned.length, seeds: done.length,
      accuracyMean: acc.mean, accuracyStd: acc.std,
      weights: average(done.map((r) => r.weights)),
      weightFraction: average(done.map((r) => r.weights / r.denseWeights)),
      pathLayerFraction: average(done.map((r) => r.pathLayerWeights / r.pathLayerDenseWeights)),
      macsPerSample: average(done.map((r) => r.macsPerSample)),
      trainMacs: average(done.map((r) => r.trainMacs)),
      trainSeconds: average(done.map((r) => r.trainSeconds)),
    };
  });
}

/** Fields that describe paths: a dense run has none of them, whatever their defaults say. */
const PATH_FIELDS: ReadonlySet<keyof RunRecipe> = new Set<keyof RunRecipe>([
  'fanIn', 'paths', 'density', 'pathsPerLayer', 'allocation', 'components', 'order', 'duplicates', 'outputLayer',
]);

/** The text of one recipe field in a table or legend ('–' where it does not apply). */
export function formatField(r: RunRecipe, field: keyof RunRecipe): string {
  const v = r[field];
  if (v === undefined || (r.source === 'dense' && PATH_FIELDS.has(field))) return '–';
  if (field === 'widths' || field === 'components') return (v as readonly number[]).join('-');
  return String(v);
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toPrecision(3)} G`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  if (n >= 1e4) return `${(n / 1e3).toPrecision(3)} k`;
  return String(Math.round(n));
}

const percent = (f: number): string => `${(100 * f).toPrecision(3)} %`;

/**
 * A markdown table: the given fields, then weights, their fraction of dense (all layers and path
 * layers only), forward multiply-adds per sample, test accuracy mean ± std (seeds done), training time.
 */
export function markdownTable(groups: readonly GroupSummary[], fields: readonly (keyof RunRecipe)[]): string {
  const head = [...fields, 'weights', '% of dense', '% of dense (path layers)', 'MACs/sample', 'test accuracy %', 'train s'];
  const rows = groups.map((g) => [
    ...fields.map((f) => formatField(g.recipe, f)),
    formatCount(g.weights), percent(g.weightFraction), percent(g.pathLayerFraction), formatCount(g.macsPerSample),
    `${g.accuracyMean.toFixed(2)} ± ${g.accuracyStd.toFixed(2)}` + (g.seeds < g.seedsPlanned ? ` (${g.seeds}/${g.seedsPlanned} seeds)` : ` (${g.seeds})`),
    g.trainSeconds.toFixed(1),
  ]);
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/**
 * The line a group belongs to: 'dense' for dense runs, else the source, qualified by the other
 * series fields that differ from their defaults: 'sobol', 'sobol (inputOrder shuffled)',
 * 'random-walk (widths 784-2048-2048-10)'. A plain source name keeps its colour in every plot.
 */
export function seriesOf(r: RunRecipe, seriesFields: readonly (keyof RunRecipe)[]): string {
  if (r.source === 'dense') return 'dense';
  const defaults: Partial<Record<keyof RunRecipe, unknown>> = RECIPE_DEFAULTS;
  const qualifiers = seriesFields
    .filter((f) => f !== 'source' && r[f] !== undefined && JSON.stringify(r[f]) !== JSON.stringify(defaults[f]))
    .map((f) => `${f} ${formatField(r, f)}`);
  return qualifiers.length > 0 ? `${r.source} (${qualifiers.join(', ')})` : r.source;
}

/** Plot points: x of each group by `x`, accuracy mean ± std, one series per `seriesOf`. */
export function plotPoints(groups: readonly GroupSummary[], seriesFields: readonly (keyof RunRecipe)[],
  x: (g: GroupSummary) => number): PlotPoint[] {
  return groups.map((g) => ({
    series: seriesOf(g.recipe, seriesFields), x: x(g), mean: g.accuracyMean, std: g.accuracyStd, seeds: g.seeds,
  }));
}
