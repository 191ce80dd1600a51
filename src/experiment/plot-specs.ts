/**
 * Vega-lite specs for the experiment plots: accuracy (validation or test, see RankBy in
 * summarize.ts) against a log-scale x (fraction of the dense weights, or training multiply-adds),
 * one line per topology source with ±1 standard deviation error bars over seeds (none for a point
 * of one seed), and the dense network as a single distinct point. Browser-safe:
 * the specs are plain data; src/experiment/node/render-plot.ts turns them into SVG and PNG.
 */
import type { TopLevelSpec } from 'vega-lite';
import { SobolnetError } from '../core/errors.js';

/** One aggregated point of a plot: a group of runs (the same configuration over several seeds). */
export interface PlotPoint {
  readonly series: string; // the line it belongs to, e.g. 'sobol' or 'random-walk'; 'dense' draws as the dense point
  readonly x: number;      // e.g. fraction of weights (0..1] or training multiply-adds (> 0)
  readonly mean: number;   // accuracy in percent, e.g. 98.27
  readonly std: number | null; // standard deviation over seeds; null for one seed (no error bar)
  readonly seeds: number;  // how many runs
}

/** Titles and formats of an accuracy plot. */
export interface AccuracyPlotOptions {
  readonly title: string;
  readonly xTitle: string;       // e.g. 'fraction of the dense weights'
  readonly yTitle?: string;      // default 'test accuracy (%)'; say which accuracy the points are
  readonly xFormat?: string;     // d3 format for axis labels, e.g. '%' or '.2s'
  readonly denseSeries?: string; // default 'dense'
}

/** The font of every plot; the PNG renderer ships it (npm dejavu-fonts-ttf), so output is the same everywhere. */
export const PLOT_FONT = 'DejaVu Sans';

/** Known topology sources in legend order; each keeps its colour whichever others are present. */
const KNOWN_SERIES = ['sobol', 'sobol-shift', 'sobol-owen', 'random-walk', 'random-mask'];
const PALETTE = ['#4c78a8', '#72b7b2', '#54a24b', '#f58518', '#e45756', '#b279a2', '#eeca3b', '#9d755d', '#bab0ac',
  '#ff9da6'];
const DENSE_COLOR = '#222222';

function bad(i: number, p: PlotPoint, what: string, value: unknown): SobolnetError {
  return new SobolnetError(`plot point ${i} (series ${JSON.stringify(p.series)}): ${what}, got ${String(value)}`);
}

function validate(points: readonly PlotPoint[]): void {
  if (points.length === 0) throw new SobolnetError('a plot needs at least one point, got none');
  points.forEach((p, i) => {
    if (typeof p.series !== 'string' || p.series === '') throw bad(i, p, 'series must be a non-empty name', p.series);
    if (!Number.isFinite(p.x) || p.x <= 0) throw bad(i, p, 'x must be a finite positive number (log scale)', p.x);
    if (!Number.isFinite(p.mean)) throw bad(i, p, 'mean must be a finite number', p.mean);
    if (p.std !== null && (!Number.isFinite(p.std) || p.std < 0)) throw bad(i, p, 'std must be a finite number >= 0 or null', p.std);
  });
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The layered vega-lite spec of accuracy (mean ± std over seeds) against a log-scale x. */
export function accuracyPlotSpec(points: readonly PlotPoint[], options: AccuracyPlotOptions): TopLevelSpec {
  validate(points);
  const dense = options.denseSeries ?? 'dense';
  const yTitle = options.yTitle ?? 'test accuracy (%)';
  const values = [...points]
    .sort((a, b) => byText(a.series, b.series) || a.x - b.x)
    .map((p) => ({
      series: p.series, x: p.x, mean: p.mean, seeds: p.seeds,
      ...(p.std === null ? {} : { lo: p.mean - p.std, hi: p.mean + p.std }),
    }));

  // Series order and colours: known sources first in their fixed order and colours, then the others
  // by name (colours after the known ones), then the dense point in its own colour and shape.
  const names = [...new Set(values.map((v) => v.series))].filter((s) => s !== dense);
  const known = KNOWN_SERIES.filter((s) => names.includes(s));
  const others = names.filter((s) => !KNOWN_SERIES.includes(s)).sort(byText);
  const lines = [...known, ...others];
  const slot = (s: string): number =>
    KNOWN_SERIES.includes(s) ? KNOWN_SERIES.indexOf(s) : KNOWN_SERIES.length + others.indexOf(s);
  const colorOf = (s: string): string => (s === dense ? DENSE_COLOR : PALETTE[slot(s) % PALETTE.length]);
  const hasDense = values.some((v) => v.series === dense);
  const domain = hasDense ? [...lines, dense] : lines;
  const legend = { title: 'topology', labelLimit: 420 };
  const color = {
    field: 'series', type: 'nominal', legend,
    scale: { domain, range: domain.map(colorOf) },
  } as const;
  const shape = {
    field: 'series', type: 'nominal', legend,
    scale: { domain, range: domain.map((s) => (s === dense ? 'diamond' : 'circle')) },
  } as const;
  const x = {
    field: 'x', type: 'quantitative', title: options.xTitle,
    scale: { type: 'log', nice: false, padding: 16 }, // log: never zero; padding keeps the edge points inside
    axis: options.xFormat === undefined ? {} : { format: options.xFormat },
  } as const;
  const y = { field: 'mean', type: 'quantitative', title: yTitle, scale: { zero: false, nice: true } } as const;
  const notDense = [{ filter: { not: { field: 'series', equal: dense } } }];

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: 560,
    height: 360,
    data: { values },
    layer: [
      { // mean ± std over seeds, for the dense point too; none for a point of one seed
        transform: [{ filter: 'isValid(datum.lo)' }],
        mark: { type: 'errorbar', ticks: true },
        encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
      },
      { transform: notDense, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
      { transform: notDense, mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color, shape } },
      {
        transform: [{ filter: { field: 'series', equal: dense } }],
        mark: { type: 'point', filled: true, size: 140, opacity: 1 },
        encoding: { x, y, color, shape },
      },
    ],
    config: { font: PLOT_FONT, background: 'white' },
  };
}
