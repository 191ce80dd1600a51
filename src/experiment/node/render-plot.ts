/**
 * Renders the vega-lite plot specs of plot-specs.ts to files, in Node without a canvas: vega-lite
 * compiles to vega, a headless vega View writes SVG, and resvg rasterises that to PNG with the
 * DejaVu fonts bundled in the npm package dejavu-fonts-ttf (never the system fonts), so the same
 * spec gives the same bytes on every machine.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { parse, resetSVGDefIds, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { SobolnetError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/node/atomic-write.js';
import { PLOT_FONT } from '../plot-specs.js';

const fontDir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf']
  .map((f) => join(fontDir, f));

// Vega numbers clip paths and gradients with module-wide counters: renders run one at a time, each
// from reset counters, so that the ids (and the bytes) depend only on the spec.
let queue: Promise<unknown> = Promise.resolve();

/** SVG text of a vega-lite spec (vega-lite compile, vega View with renderer 'none', toSVG). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const render = async (): Promise<string> => {
    const view = new View(parse(compile(spec).spec), { renderer: 'none' });
    try {
      await view.runAsync();
      resetSVGDefIds();
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  };
  const result = queue.then(render, render);
  queue = result.catch(() => undefined);
  return result;
}

/** PNG bytes of an SVG, rasterised by resvg with the bundled DejaVu fonts at `scale` (default 2). */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new SobolnetError(`plot scale must be a positive number, got ${scale}`);
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: PLOT_FONT, sansSerifFamily: PLOT_FONT },
    logLevel: 'off',
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Writes `${basePath}.svg` and `${basePath}.png` atomically; returns the two paths. */
export async function writePlot(basePath: string, spec: TopLevelSpec): Promise<{ svg: string; png: string }> {
  const svgText = await renderSvg(spec);
  const paths = { svg: `${basePath}.svg`, png: `${basePath}.png` };
  writeFileAtomic(paths.svg, new TextEncoder().encode(svgText));
  writeFileAtomic(paths.png, svgToPng(svgText));
  return paths;
}
