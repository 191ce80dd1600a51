/**
 * The path drawing: one column of units per layer, each path a polyline through its unit in every
 * layer (the units as the sequence generates them, before the hidden units' storage order). One
 * aligned permutation block is highlighted: S consecutive paths, S the power of two at or above
 * the widest layer of a pair, which Sobol' paths spread over every unit evenly. A big network is
 * drawn from an even sample of its paths, and the caption says so; the canvas carries the counts
 * as data attributes (data-paths, data-paths-drawn) for the tests.
 */
import { pathUnitLayers, resolveTopologySpec, type TopologySpec } from '../../src/index.js';

/** The most paths drawn; a bigger network shows every k-th path. */
export const MAX_DRAWN_PATHS = 3000;

export interface DrawnPaths { readonly paths: number; readonly drawn: number; readonly blockSize: number }

export function drawPaths(canvas: HTMLCanvasElement, spec: TopologySpec, block: number): DrawnPaths {
  const resolved = resolveTopologySpec(spec);
  const layers = [...pathUnitLayers(resolved)];
  const P = resolved.pathCount, widths = resolved.widths;
  const stride = Math.ceil(P / MAX_DRAWN_PATHS);
  let S = 1;
  while (S < Math.max(...widths)) S *= 2;
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width, H = canvas.height, pad = 24;
  ctx.clearRect(0, 0, W, H);
  const xOf = (l: number): number => pad + ((W - 2 * pad) * l) / (widths.length - 1);
  const yOf = (l: number, u: number): number => pad + ((H - 2 * pad) * (u + 0.5)) / widths[l];
  const line = (p: number): void => {
    ctx.beginPath();
    for (let l = 0; l < layers.length; l++) {
      const x = xOf(l), y = yOf(l, layers[l][p]);
      if (l === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
  };
  let drawn = 0;
  ctx.lineWidth = 1;
  ctx.strokeStyle = `rgba(90, 110, 140, ${Math.min(0.6, Math.max(0.04, 40 / Math.sqrt(Math.ceil(P / stride))) )})`;
  for (let p = 0; p < P; p += stride) { line(p); drawn++; }
  const first = block * S;
  if (first < P) {
    // Fainter as the block grows, so that a block of a thousand paths still shows its spread.
    ctx.strokeStyle = `rgba(220, 60, 30, ${Math.min(0.9, 6 / Math.sqrt(Math.min(S, P - first)))})`;
    ctx.lineWidth = S <= 64 ? 1.5 : 1;
    for (let p = first; p < Math.min(P, first + S); p++) line(p);
  }
  ctx.fillStyle = '#223';
  widths.forEach((n, l) => {
    const r = Math.max(0.8, Math.min(3, (H - 2 * pad) / n / 3));
    for (let u = 0; u < n; u++) { ctx.beginPath(); ctx.arc(xOf(l), yOf(l, u), r, 0, 2 * Math.PI); ctx.fill(); }
  });
  canvas.dataset.paths = String(P);
  canvas.dataset.pathsDrawn = String(drawn);
  return { paths: P, drawn, blockSize: S };
}
