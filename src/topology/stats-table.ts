/**
 * The statistics of a topology as an aligned plain-text table for the command line.
 *
 * Shape legend: L layers.
 */
import type { DegreeStats, LayerStats } from './stats.js';

const HEADER = ['pair', 'I -> O', 'paths', 'edges', 'density', 'dups', 'fan-in min/mean/max',
  'fan-out min/mean/max', 'perm blocks', 'dense blocks'] as const;

/**
 * One row per layer pair [L] -> a table with a header line, columns separated by two spaces.
 * `layers` [L], when given, names the model layer of each pair (a convolution's units are channels).
 */
export function formatStatsTable(stats: readonly LayerStats[], layers?: readonly string[]): string {
  const header = layers ? [...HEADER.slice(0, 1), 'layer', ...HEADER.slice(1)] : HEADER.slice();
  const rows: string[][] = [header];
  for (const s of stats) {
    const pb = s.permutationBlocks;
    rows.push([
      `${s.layer}-${s.layer + 1}`,
      ...(layers ? [layers[s.layer]] : []),
      `${s.inputs} -> ${s.outputs}`,
      String(s.paths),
      String(s.edges),
      formatPercent(s.density),
      String(s.duplicates),
      formatDegrees(s.fanIn),
      formatDegrees(s.fanOut),
      pb === null ? '-' : `${pb.permutations}/${pb.blocks} of ${pb.blockSize}`,
      s.denseBlocks === null ? '-' : `${s.denseBlocks.count} of ${s.denseBlocks.targets}x${s.denseBlocks.sources}`,
    ]);
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  // Names left-aligned, the rest (numbers) right-aligned.
  const left = layers ? 2 : 1;
  return rows.map((r) => r.map((cell, c) => (c < left ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
    .join('  ').trimEnd()).join('\n');
}

function formatDegrees(d: DegreeStats): string {
  return `${d.min}/${formatMean(d.mean)}/${d.max}`;
}

function formatMean(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

function formatPercent(x: number): string {
  const p = x * 100;
  return `${p >= 10 ? p.toFixed(1) : p >= 1 ? p.toFixed(2) : p.toPrecision(2)} %`;
}
