/**
 * From run records to what a reader looks at: one row per group (the same recipe over seeds)
 * with the mean (± standard deviation from two seeds on) of validation and test accuracy, as a
 * markdown table, and the points of the accuracy plots. One accuracy ranks the groups (RankBy):
 * it marks the table's best row and is what the plots draw.
 */
import { SobolnetError } from '../core/errors.js';
import type { PlotPoint } from './plot-specs.js';
import type { PlannedRun } from './experiment-spec.js';
import { WEIGHTS_MEANING, type RunRecord } from './run-record.js';
import { RECIPE_DEFAULTS, type RunRecipe } from './run-recipe.js';

/** Which accuracy ranks the groups: the validation split's (held out of the training file) or the test set's. */
export const RANK_BY = ['validation', 'test'] as const;
/** Which accuracy ranks and plots a sweep: validation (for choices) or test. */
export type RankBy = (typeof RANK_BY)[number];

/** An accuracy over the seeds of a group, in percent. */
export interface AccuracySummary {
  readonly mean: number;
  /** Sample standard deviation; null for one seed (there is no spread to tell). */
  readonly std: number | null;
}

/** The runs of one grid point over its seeds: mean and standard deviation of their accuracies. */
export interface GroupSummary {
  readonly groupKey: string;
  /** The recipe of the group's first run (its seed is one of many). */
  readonly recipe: RunRecipe;
  readonly seedsPlanned: number;
  readonly seeds: number;
  readonly test: AccuracySummary;
  /** Null unless every run of the group has a validation accuracy (validation 0 and old records have none). */
  readonly validation: AccuracySummary | null;
  readonly weights: number;          // linear weights, biases excluded; mean over seeds (random sources vary a little)
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

/** Mean and, from two values on, standard deviation of fractions, in percent. */
function accuracyOf(fractions: readonly number[]): AccuracySummary {
  const { mean, std } = meanStd(fractions.map((a) => 100 * a));
  return { mean, std: fractions.length > 1 ? std : null };
}

/** The validation accuracies of the records, or null if one of them has none. */
function validationOf(records: readonly RunRecord[]): AccuracySummary | null {
  const values = records.map((r) => r.validationAccuracy);
  return values.every((v): v is number => typeof v === 'number') ? accuracyOf(values) : null;
}

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
    return {
      groupKey, recipe: planned[0].recipe, seedsPlanned: planned.length, seeds: done.length,
      test: accuracyOf(done.map((r) => r.testAccuracy)), validation: validationOf(done),
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
 * The accuracy that ranks `groups`: `requested` if given (validation needs every group to have
 * one), else validation when every group has one, else test.
 */
export function rankByOf(groups: readonly GroupSummary[], requested?: RankBy): RankBy {
  const missing = groups.filter((g) => g.validation === null).length;
  if (requested === 'validation' && missing > 0) {
    throw new SobolnetError(`rankBy "validation" needs validation accuracies, but ${missing} of ${groups.length} groups have none ` +
      '(validation 0, or records from before the validation split); use "rankBy": "test"');
  }
  return requested ?? (missing > 0 ? 'test' : 'validation');
}

/** The group's accuracy by `rankBy` (rankByOf has checked that every group has it). */
export function rankedAccuracy(g: GroupSummary, rankBy: RankBy): AccuracySummary {
  switch (rankBy) {
    case 'test': return g.test;
    case 'validation':
      if (!g.validation) throw new SobolnetError('a group without validation accuracy cannot rank by validation');
      return g.validation;
    default: return rankBy satisfies never;
  }
}

/** "92.00 ± 2.00" over seeds, "92.00" for one seed (no spread to tell). */
export function formatAccuracy(a: AccuracySummary): string {
  return a.std === null ? a.mean.toFixed(2) : `${a.mean.toFixed(2)} ± ${a.std.toFixed(2)}`;
}

/** The header of the weights column: what "weights" counts, the same words everywhere. */
export const WEIGHTS_HEADER = `weights (${WEIGHTS_MEANING})`;

/**
 * A markdown table: the given fields, then weights (linear, biases excluded), their fraction of
 * dense (all layers and path layers only), forward multiply-adds per sample, validation accuracy
 * (when any group has one) and test accuracy (mean, ± std from two seeds on), seeds done, training
 * time. The best group by `rankBy` has its ranked accuracy in bold.
 */
export function markdownTable(groups: readonly GroupSummary[], fields: readonly (keyof RunRecipe)[], requested?: RankBy): string {
  const rankBy = rankByOf(groups, requested);
  const withValidation = groups.some((g) => g.validation !== null);
  const best = groups.reduce<GroupSummary | null>((b, g) =>
    b === null || rankedAccuracy(g, rankBy).mean > rankedAccuracy(b, rankBy).mean ? g : b, null);
  const cell = (g: GroupSummary, which: RankBy, a: AccuracySummary | null): string =>
    a === null ? '–' : g === best && which === rankBy ? `**${formatAccuracy(a)}**` : formatAccuracy(a);
  const head = [...fields, WEIGHTS_HEADER, '% of dense', '% of dense (path layers)', 'MACs/sample',
    ...(withValidation ? ['validation accuracy %'] : []), 'test accuracy %', 'seeds', 'train s'];
  const rows = groups.map((g) => [
    ...fields.map((f) => formatField(g.recipe, f)),
    formatCount(g.weights), percent(g.weightFraction), percent(g.pathLayerFraction), formatCount(g.macsPerSample),
    ...(withValidation ? [cell(g, 'validation', g.validation)] : []), cell(g, 'test', g.test),
    g.seeds < g.seedsPlanned ? `${g.seeds}/${g.seedsPlanned}` : String(g.seeds),
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

/** Plot points: x of each group by `x`, the `rankBy` accuracy's mean ± std (null for one seed), one series per `seriesOf`. */
export function plotPoints(groups: readonly GroupSummary[], seriesFields: readonly (keyof RunRecipe)[],
  x: (g: GroupSummary) => number, requested?: RankBy): PlotPoint[] {
  const rankBy = rankByOf(groups, requested);
  return groups.map((g) => {
    const a = rankedAccuracy(g, rankBy);
    return { series: seriesOf(g.recipe, seriesFields), x: x(g), mean: a.mean, std: a.std, seeds: g.seeds };
  });
}
