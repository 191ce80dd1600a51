/**
 * The experiment plots: the vega-lite spec (log x, one line per topology source, a distinct dense
 * point, input checks) and its rendering to byte-reproducible SVG and PNG files.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { renderSvg, svgToPng, writePlot } from '../../src/experiment/node/render-plot.js';
import { accuracyPlotSpec, type PlotPoint } from '../../src/experiment/plot-specs.js';

const SOURCES = ['random-mask', 'sobol', 'random-walk', 'sobol-owen'];
const points: PlotPoint[] = [
  ...SOURCES.flatMap((series, k) =>
    [0.3, 0.01, 0.1].map((x) => ({ series, x, mean: 95 - k + 3 * x, std: 0.2, seeds: 3 }))),
  { series: 'dense', x: 1, mean: 98.2, std: 0.1, seeds: 3 },
];
const options = { title: 'accuracy against weights', xTitle: 'fraction of the dense weights', xFormat: '%' };

/** The parts of the spec the tests look at. */
interface Channel { field: string; scale?: { type?: string; zero?: boolean; domain?: string[]; range?: string[] } }
interface Layer { mark: { type: string; shape?: string }; encoding: Record<string, Channel | undefined> }
interface Spec { layer: Layer[]; data: { values: { series: string; x: number; lo: number; hi: number }[] } }

function svgSize(svg: string): [number, number] {
  const m = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  if (!m) throw new Error('no svg size');
  return [Number(m[1]), Number(m[2])];
}

describe('accuracyPlotSpec', () => {
  const spec = accuracyPlotSpec(points, options) as unknown as Spec;

  it('draws a log x scale, one line per source in a stable order, and the dense point as a distinct shape', () => {
    for (const layer of spec.layer) expect(layer.encoding.x?.scale?.type).toBe('log');
    expect(spec.layer.map((l) => l.encoding.y?.scale?.zero)).toEqual([false, false, false, false]);
    const line = spec.layer.find((l) => l.mark.type === 'line');
    const color = line?.encoding.color?.scale;
    expect(color?.domain).toEqual(['sobol', 'sobol-owen', 'random-walk', 'random-mask', 'dense']);
    expect(new Set(color?.range).size).toBe(5);
    const shape = spec.layer.find((l) => l.encoding.shape)?.encoding.shape?.scale;
    expect(shape?.range).toEqual(['circle', 'circle', 'circle', 'circle', 'diamond']);
  });

  it('keeps a source its colour whichever other sources are present', () => {
    const colorOf = (s: Spec, series: string): string | undefined => {
      const scale = s.layer[0].encoding.color?.scale;
      return scale?.range?.[scale.domain?.indexOf(series) ?? -1];
    };
    const few = accuracyPlotSpec(points.filter((p) => p.series !== 'sobol'), options) as unknown as Spec;
    expect(colorOf(few, 'random-mask')).toBe(colorOf(spec, 'random-mask'));
  });

  it('sorts the data by series then x and carries mean ± std', () => {
    const keys = spec.data.values.map((v) => `${v.series}@${v.x}`);
    expect(keys.slice(0, 4)).toEqual(['dense@1', 'random-mask@0.01', 'random-mask@0.1', 'random-mask@0.3']);
    const dense = spec.data.values[0];
    expect([dense.lo, dense.hi]).toEqual([98.2 - 0.1, 98.2 + 0.1]);
  });

  it('rejects empty input and bad numbers with a SobolnetError naming the value', () => {
    const bad = (p: Partial<PlotPoint>): PlotPoint[] => [points[0], { ...points[1], ...p }];
    expect(() => accuracyPlotSpec([], options)).toThrow(SobolnetError);
    expect(() => accuracyPlotSpec(bad({ x: 0 }), options)).toThrow(/x must be a finite positive number.*got 0$/);
    expect(() => accuracyPlotSpec(bad({ x: -2 }), options)).toThrow(/plot point 1 .*got -2$/);
    expect(() => accuracyPlotSpec(bad({ x: Infinity }), options)).toThrow(/got Infinity$/);
    expect(() => accuracyPlotSpec(bad({ mean: NaN }), options)).toThrow(/mean must be a finite number, got NaN$/);
    expect(() => accuracyPlotSpec(bad({ std: Infinity }), options)).toThrow(/std .*got Infinity$/);
    expect(() => accuracyPlotSpec(bad({ std: NaN }), options)).toThrow(SobolnetError);
  });
});

describe('rendering', () => {
  const spec = accuracyPlotSpec(points, options);

  it('draws no error bar for a point of one seed', async () => {
    const two = (std: number | null): PlotPoint[] => [
      { series: 'sobol', x: 0.1, mean: 95, std, seeds: std === null ? 1 : 3 }, { series: 'sobol', x: 0.3, mean: 96, std: 0.5, seeds: 3 }];
    const bars = async (p: PlotPoint[]): Promise<number> => {
      const svg = await renderSvg(accuracyPlotSpec(p, options));
      const rules = /<g class="mark-rule role-mark layer_0_layer_2_marks"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
      return (rules.match(/<line/g) ?? []).length;
    };
    expect(await bars(two(0.2))).toBe(2);
    expect(await bars(two(null))).toBe(1);
    const values = (accuracyPlotSpec(two(null), options) as unknown as Spec).data.values;
    expect(values.map((v) => [v.lo, v.hi])).toEqual([[undefined, undefined], [95.5, 96.5]]);
  });

  it('renders SVG with the titles and legend, in DejaVu Sans, byte-identical each time', async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const titles = ['accuracy against weights', 'fraction of the dense weights', 'test accuracy (%)'];
    for (const text of [...titles, ...SOURCES, 'dense']) expect(svg).toContain(`>${text}</text>`);
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(await renderSvg(spec)).toBe(svg);
  });

  it('numbers clip paths from scratch on every render, even renders started together', async () => {
    const clipped: TopLevelSpec = {
      data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] },
      mark: { type: 'line', clip: true },
      encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
    };
    const first = await renderSvg(clipped);
    expect(first).toContain('url(#clip1)');
    expect(await renderSvg(clipped)).toBe(first);
    expect(await Promise.all([renderSvg(clipped), renderSvg(clipped), renderSvg(spec)]))
      .toEqual([first, first, await renderSvg(spec)]);
  });

  it('rasterises to a PNG of scale × the SVG size, the same bytes each time', async () => {
    const svg = await renderSvg(spec);
    const [w, h] = svgSize(svg);
    for (const scale of [1, 2]) {
      const png = scale === 2 ? await svgToPng(svg) : await svgToPng(svg, scale);
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
      const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
      expect([view.getUint32(16), view.getUint32(20)]).toEqual([w * scale, h * scale]);
      expect(Buffer.from(await svgToPng(svg, scale)).equals(Buffer.from(png))).toBe(true);
    }
    await expect(svgToPng(svg, 0)).rejects.toThrow(/scale must be a positive number, got 0/);
  });

  it('writes the .svg and .png files and leaves no temporary files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-plots-'));
    const paths = await writePlot(join(dir, 'accuracy'), spec);
    expect(paths).toEqual({ svg: join(dir, 'accuracy.svg'), png: join(dir, 'accuracy.png') });
    expect(readdirSync(dir).sort()).toEqual(['accuracy.png', 'accuracy.svg']);
    expect(readFileSync(paths.svg, 'utf8')).toBe(await renderSvg(spec));
    expect(readFileSync(paths.png).subarray(1, 4).toString('ascii')).toBe('PNG');
  });
});
