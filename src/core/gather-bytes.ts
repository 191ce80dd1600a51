/**
 * The plain loop of batching: rows of bytes (samples) to floats in the unit-major layout, through
 * one 256-entry table per channel. The reference kernel `gatherBatch` (kernels/reference-kernels.ts)
 * runs it, and data/batch.ts falls back to it when no kernels are given.
 *
 * Shape legend: B batch, D features, C channels, S = D / C features per channel.
 */
import type { Floats } from './floats.js';

/**
 * x[D,B]: x[d * B + b] = table[c * 256 + pixels[rows[b] * D + d]] with c = floor(d / S), S = D / C.
 * One sample at a time: contiguous reads, stride-B writes.
 */
export function gatherBytes(x: Floats, pixels: Uint8Array, rows: Int32Array | Uint32Array, table: Floats,
  D: number, C: number, B: number): void {
  const S = D / C;
  for (let b = 0; b < B; b++) {
    const base = rows[b] * D;
    let o = b;
    for (let c = 0; c < C; c++) {
      const t = c * 256, from = base + c * S;
      for (let k = 0; k < S; k++, o += B) x[o] = table[t + pixels[from + k]];
    }
  }
}
