/**
 * The structure study of issue 4, without training: duplicates by Sobol' component pair and
 * fan-in, the degree spread of every source, the progressive-permutation check, and a picture of
 * the input pixels that single hidden units see. Writes docs/results/structure-stats/structure.md and
 * receptive-fields.{svg,png}.
 *
 *   npm run study:structure            (node --import tsx scripts/structure-study.ts [outDir])
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../src/core/node/atomic-write.js';
import { hilbertPixelOrder } from '../src/data/pixel-order.js';
import { writePlot } from '../src/experiment/node/render-plot.js';
import { PLOT_FONT } from '../src/experiment/plot-specs.js';
import { buildTopology, topologyStats, type PathSource, type TopologySpec } from '../src/topology/index.js';

const outDir = process.argv[2] ?? join('docs', 'results', 'structure-stats');
const FAN_INS = [4, 8, 16, 32, 64, 128];
const SOURCES: PathSource[] = [
  { kind: 'sobol' }, { kind: 'sobol-shift', seed: 1 }, { kind: 'sobol-owen', seed: 1 },
  { kind: 'random-walk', seed: 1 }, { kind: 'random-mask', seed: 1 },
];
const line = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]): string =>
  [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

/** Standard deviation of the row lengths of CSR offsets [n+1]. */
function degreeStd(offsets: Int32Array): number {
  const n = offsets.length - 1;
  const mean = offsets[n] / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (offsets[i + 1] - offsets[i] - mean) ** 2;
  return Math.sqrt(ss / n);
}

function duplicatesSection(): string {
  const pairs: [number, number][] = [[0, 1], [1, 2], [2, 3], [0, 2], [1, 3], [4, 5], [7, 11], [100, 101]];
  const rows: (string | number)[][] = [];
  for (const widths of [[784, 1024], [1024, 1024]]) {
    for (const [a, b] of pairs) {
      rows.push([widths.join('→'), `sobol (${a}, ${b})`, ...FAN_INS.map((K) => {
        const c = buildTopology({ widths, source: { kind: 'sobol' }, paths: { fanIn: K }, components: [a, b] }).layers[0];
        return pct(c.duplicates / (K * 1024));
      })]);
    }
    for (const source of [{ kind: 'sobol-owen', seed: 1 }, { kind: 'random-walk', seed: 1 }] as PathSource[]) {
      rows.push([widths.join('→'), `${source.kind} (0, 1)`, ...FAN_INS.map((K) => {
        const c = buildTopology({ widths, source, paths: { fanIn: K } }).layers[0];
        return pct(c.duplicates / (K * 1024));
      })]);
    }
  }
  return '## Duplicate edges by component pair and fan-in\n\n' +
    'Path-edges that repeat an earlier (source, target) pair, as a share of the P = K × 1024 paths ' +
    '(merged into one weight by default).\n\n' + table(['pair', 'paths', ...FAN_INS.map((K) => `K = ${K}`)], rows);
}

function degreeSection(): string {
  const rows: (string | number)[][] = [];
  for (const K of [4, 16, 64]) {
    for (const source of SOURCES) {
      const t = buildTopology({ widths: [784, 1024, 1024], source, paths: { fanIn: K } });
      topologyStats(t).forEach((s, l) => {
        const c = t.layers[l];
        rows.push([K, source.kind, `${s.inputs}→${s.outputs}`, s.edges,
          `${s.fanIn.min} / ${s.fanIn.mean.toFixed(2)} / ${s.fanIn.max}`, degreeStd(c.targetOffsets).toFixed(2),
          `${s.fanOut.min} / ${s.fanOut.mean.toFixed(2)} / ${s.fanOut.max}`, degreeStd(c.sourceOffsets).toFixed(2),
          s.permutationBlocks ? `${s.permutationBlocks.permutations} / ${s.permutationBlocks.blocks}` : '–']);
      });
    }
  }
  return '## Degree spread and the permutation check\n\n' +
    'Widths 784-1024-1024, seed 1 for the random sources. Fan-in and fan-out as min / mean / max and standard ' +
    'deviation over units. "Balanced blocks": aligned blocks of S = 1024 consecutive paths in which every unit is ' +
    'hit as evenly as S hits allow (a permutation of the 1024 units on the 1024-wide side).\n\n' +
    table(['K', 'source', 'pair', 'edges', 'fan-in min / mean / max', 'fan-in std', 'fan-out min / mean / max',
      'fan-out std', 'balanced blocks'], rows);
}

/** The input pixels (row, column) of the first `units` hidden units of a 784 → 1024 path layer. */
function receptiveFields(spec: TopologySpec, hilbert: boolean, units: number): { unit: number; row: number; col: number }[] {
  const c = buildTopology(spec).layers[0];
  const order = hilbertPixelOrder(28, 28);
  const out: { unit: number; row: number; col: number }[] = [];
  for (let t = 0; t < units; t++) {
    for (let e = c.targetOffsets[t]; e < c.targetOffsets[t + 1]; e++) {
      const pixel = hilbert ? order[c.sources[e]] : c.sources[e];
      out.push({ unit: t, row: Math.floor(pixel / 28), col: pixel % 28 });
    }
  }
  return out;
}

async function receptiveFieldPlot(): Promise<string> {
  const K = 16, units = 6;
  const cases: [string, PathSource, boolean][] = [
    ['sobol, raster', { kind: 'sobol' }, false], ['sobol, hilbert', { kind: 'sobol' }, true],
    ['sobol-owen, raster', { kind: 'sobol-owen', seed: 1 }, false], ['random-walk, raster', { kind: 'random-walk', seed: 1 }, false],
  ];
  const values = cases.flatMap(([name, source, hilbert]) =>
    receptiveFields({ widths: [784, 1024], source, paths: { fanIn: K } }, hilbert, units).map((p) => ({ ...p, case: name })));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Input pixels of hidden units 0-${units - 1} (784 → 1024, fan-in ${K})`,
    data: { values },
    facet: { row: { field: 'case', type: 'nominal', sort: cases.map((c) => c[0]), title: null },
      column: { field: 'unit', type: 'ordinal', title: 'hidden unit' } },
    spec: {
      width: 84, height: 84,
      mark: { type: 'square', size: 9, color: '#222222' },
      encoding: {
        x: { field: 'col', type: 'quantitative', scale: { domain: [0, 27] }, axis: null },
        y: { field: 'row', type: 'quantitative', scale: { domain: [27, 0] }, axis: null },
      },
    },
    config: { font: PLOT_FONT, background: 'white', view: { stroke: '#999999' } },
  };
  const { svg } = await writePlot(join(outDir, 'receptive-fields'), spec);
  return svg;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await receptiveFieldPlot();
  const text = '# Structure of path topologies\n\nGenerated by `npm run study:structure` (scripts/structure-study.ts).\n\n' +
    duplicatesSection() + '\n' + degreeSection() + '\n## Which pixels a hidden unit sees\n\n' +
    '![Input pixels of single hidden units](receptive-fields.svg)\n';
  writeFileAtomic(join(outDir, 'structure.md'), new TextEncoder().encode(text));
  process.stdout.write(`wrote ${join(outDir, 'structure.md')} and receptive-fields.{svg,png}\n`);
}

await main();
