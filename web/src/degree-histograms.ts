/**
 * Degree histograms: for every layer pair, how many target units have each fan-in (edges in, after
 * merging repeated edges) and how many sources each fan-out. Sobol' paths give every unit nearly
 * the same degree; random walks spread them out, which the bars make plain.
 */
import type { Topology } from '../../src/index.js';

function counts(offsets: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (let u = 0; u + 1 < offsets.length; u++) {
    const d = offsets[u + 1] - offsets[u];
    m.set(d, (m.get(d) ?? 0) + 1);
  }
  return m;
}

function bars(ctx: CanvasRenderingContext2D, m: Map<number, number>, x: number, y: number, w: number, h: number, label: string, color: string): void {
  const degrees = [...m.keys()];
  const lo = Math.min(...degrees), hi = Math.max(...degrees), top = Math.max(...m.values());
  const bw = w / (hi - lo + 1);
  ctx.fillStyle = color;
  for (const [d, n] of m) {
    const bh = ((h - 16) * n) / top;
    ctx.fillRect(x + (d - lo) * bw + 1, y + h - 12 - bh, Math.max(1, bw - 2), bh);
  }
  ctx.fillStyle = '#223';
  ctx.font = '11px sans-serif';
  ctx.fillText(`${label} ${lo === hi ? lo : `${lo}–${hi}`}`, x, y + h);
}

export function drawDegreeHistograms(canvas: HTMLCanvasElement, topology: Topology): void {
  const ctx = canvas.getContext('2d')!;
  const L = topology.layers.length, W = canvas.width, H = canvas.height, cw = W / L;
  ctx.clearRect(0, 0, W, H);
  topology.layers.forEach((c, l) => {
    ctx.fillStyle = '#223';
    ctx.font = '12px sans-serif';
    ctx.fillText(`pair ${l}-${l + 1}: ${c.inputs} → ${c.outputs}, ${c.edges} edges`, l * cw + 4, 12);
    bars(ctx, counts(c.targetOffsets), l * cw + 4, 16, cw / 2 - 12, H - 18, 'fan-in', '#4a7bd0');
    bars(ctx, counts(c.sourceOffsets), l * cw + cw / 2 + 4, 16, cw / 2 - 12, H - 18, 'fan-out', '#d07a4a');
  });
}
