/**
 * Renders the vega-lite plot specs of plot-specs.ts to files, in Node without a canvas: vega-lite
 * compiles to vega, a headless vega View writes SVG, and resvg rasterises that to PNG with the
 * DejaVu fonts bundled in the npm package dejavu-fonts-ttf (never the system fonts), so the same
 * spec gives the same bytes on every machine.
 *
 * The four packages are optional peer dependencies of sobolnet (about 30 MB that only plots use):
 * they are imported here on first use, and a missing one ends with one line naming what to install.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { SobolnetError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/node/atomic-write.js';
import { importOptional, isModuleNotFound, missingPackagesMessage } from '../../core/optional-import.js';
import { PLOT_FONT } from '../plot-specs.js';

/** What plotting needs, in the order the one-line message names it. */
export const PLOT_PACKAGES: readonly string[] = ['vega', 'vega-lite', '@resvg/resvg-js', 'dejavu-fonts-ttf'];

/** The plotting packages, loaded (loadPlotting). */
export interface Plotting {
  readonly vega: typeof import('vega');
  readonly vegaLite: typeof import('vega-lite');
  readonly Resvg: typeof import('@resvg/resvg-js').Resvg;
  readonly fontFiles: readonly string[];
}

let plotting: Promise<Plotting> | null = null;

/** The DejaVu font files inside the installed dejavu-fonts-ttf package. */
function dejavuFontFiles(): string[] {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json');
  } catch (e) {
    if (isModuleNotFound(e)) throw new SobolnetError(missingPackagesMessage('plotting', PLOT_PACKAGES));
    throw e;
  }
  const fontDir = join(dirname(packageJson), 'ttf');
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map((f) => join(fontDir, f));
}

/**
 * Loads the plotting packages once; a SobolnetError "plotting needs vega, vega-lite, ... : npm
 * install ..." when one is missing. `sobolnet experiment` calls it before its first run, so a sweep
 * never trains for hours to fail at its plots.
 */
export function loadPlotting(): Promise<Plotting> {
  plotting ??= (async () => {
    const load = <T>(f: () => Promise<T>): Promise<T> => importOptional(f, 'plotting', PLOT_PACKAGES);
    const [vega, vegaLite, resvg] = await Promise.all([load(() => import('vega')), load(() => import('vega-lite')),
      load(() => import('@resvg/resvg-js'))]);
    return { vega, vegaLite, Resvg: resvg.Resvg, fontFiles: dejavuFontFiles() };
  })();
  plotting.catch(() => { plotting = null; });   // a later call (after an install) tries again
  return plotting;
}

// Vega numbers clip paths and gradients with module-wide counters: renders run one at a time, each
// from reset counters, so that the ids (and the bytes) depend only on the spec.
let queue: Promise<unknown> = Promise.resolve();

/** SVG text of a vega-lite spec (vega-lite compile, vega View with renderer 'none', toSVG). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vegaLite } = await loadPlotting();
  const render = async (): Promise<string> => {
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    try {
      await view.runAsync();
      vega.resetSVGDefIds();
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
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new SobolnetError(`plot scale must be a positive number, got ${scale}`);
  }
  const { Resvg, fontFiles } = await loadPlotting();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: false, fontFiles: [...fontFiles], defaultFontFamily: PLOT_FONT, sansSerifFamily: PLOT_FONT },
    logLevel: 'off',
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Writes `${basePath}.svg` and `${basePath}.png` atomically; returns the two paths. */
export async function writePlot(basePath: string, spec: TopLevelSpec): Promise<{ svg: string; png: string }> {
  const svgText = await renderSvg(spec);
  const paths = { svg: `${basePath}.svg`, png: `${basePath}.png` };
  writeFileAtomic(paths.svg, new TextEncoder().encode(svgText));
  writeFileAtomic(paths.png, await svgToPng(svgText));
  return paths;
}
