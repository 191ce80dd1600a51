/**
 * A plain canvas line chart of the training: the running loss (left axis, from 0 to its largest
 * value) and the training and test accuracy (right axis, 0 to 1) against the training step.
 */
export interface Series { readonly label: string; readonly color: string; readonly axis: 'loss' | 'accuracy'; readonly points: [number, number][] }

export function drawChart(canvas: HTMLCanvasElement, series: readonly Series[], steps: number): void {
  const ctx = canvas.getContext('2d')!;
  const W = canvas.width, H = canvas.height, left = 40, right = 40, top = 10, bottom = 22;
  ctx.clearRect(0, 0, W, H);
  const maxLoss = Math.max(1e-6, ...series.filter((s) => s.axis === 'loss').flatMap((s) => s.points.map((p) => p[1])));
  const x = (step: number): number => left + ((W - left - right) * step) / Math.max(1, steps);
  const y = (v: number, axis: Series['axis']): number => top + (H - top - bottom) * (1 - v / (axis === 'loss' ? maxLoss : 1));
  ctx.strokeStyle = '#ccd';
  ctx.strokeRect(left, top, W - left - right, H - top - bottom);
  ctx.fillStyle = '#556';
  ctx.font = '11px sans-serif';
  ctx.fillText(maxLoss.toFixed(2), 2, top + 10);
  ctx.fillText('0', 2, H - bottom);
  ctx.fillText('100%', W - right + 4, top + 10);
  ctx.fillText('0%', W - right + 4, H - bottom);
  ctx.fillText(`step ${steps}`, W - right - 50, H - 6);
  let legend = left;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach(([step, v], i) => (i === 0 ? ctx.moveTo(x(step), y(v, s.axis)) : ctx.lineTo(x(step), y(v, s.axis))));
    ctx.stroke();
    for (const [step, v] of s.points.length < 20 ? s.points : []) ctx.fillRect(x(step) - 2, y(v, s.axis) - 2, 4, 4);
    ctx.fillText(s.label, legend, H - 6);
    legend += ctx.measureText(s.label).width + 14;
  }
}
