/**
 * Batching: raw dataset bytes -> the activation layout every kernel uses, unit-major with the
 * batch innermost (feature d of batch sample b at `d * B + b`; for images x[C][H][W][B], which a
 * channel-major sample's bytes already are in).
 *
 * Pixel values: plain, a byte p becomes p / 255 in [0, 1], computed in float64 and rounded once
 * into the destination precision; or, when the data set carries a per-channel normalisation
 * (data/normalization.ts), (p / 255 - mean[c]) / std[c], read from a 256-entry float64 table per
 * channel. Training batches may also be cropped and flipped on the way (data/augment.ts).
 *
 * Shape legend: B batch, N samples, D features, C channels, H rows, W columns, S = H · W.
 */
import { check, checkInt } from '../core/errors.js';
import type { Floats } from '../core/floats.js';
import { gatherBytes } from '../core/gather-bytes.js';
import type { CropFlip } from './augment.js';
import type { Dataset } from './dataset.js';
import { normalizationTable } from './normalization.js';

/** The largest pixel byte; pixels are divided by it. */
export const PIXEL_MAX = 255;

/** p / 255 for every byte p: the plain values, as a table (the same doubles the division gives). */
const PLAIN_TABLE = Float64Array.from({ length: 256 }, (_, p) => p / PIXEL_MAX);

/**
 * The value each pixel byte of `data` becomes, by channel: table[c · 256 + p] (one channel, p / 255,
 * without a normalisation). What fillBatch reads; scripts/export-data.ts --pixels writes it out.
 */
export function pixelTable(data: Pick<Dataset, 'normalization'>): Float64Array {
  return data.normalization === undefined ? PLAIN_TABLE : normalizationTable(data.normalization);
}

/**
 * What converts a batch's bytes: `Kernels.gatherBatch` (kernels/kernels.ts) has this shape, so the
 * trainer passes its kernels and the batch is made by the backend (in wasm memory on the wasm
 * backends); without kernels, the plain loop of core/gather-bytes.ts.
 */
export interface BatchGather {
  gatherBatch(x: Floats, pixels: Uint8Array, rows: Int32Array | Uint32Array, table: Floats, D: number, C: number, B: number): void;
}

const PLAIN_GATHER: BatchGather = { gatherBatch: gatherBytes };

/**
 * Copies samples order[start .. start+B) of `data` into x, scaled by 1/255 or normalised per
 * channel (data.normalization), and their labels; with `augment`, each sample cropped and flipped
 * by the augmentation's next draw (training batches only, a host loop here).
 * x: [D][B] (unit-major, batch innermost; length >= D·B), labels: [B] (length >= B),
 * order: [>= start+B] sample indices in [0, N). Without augmentation the values are made by
 * `gather.gatherBatch` through a per-channel table: pass the model's kernels (the trainer and
 * evaluate do), so that a wasm backend makes the batch in wasm.
 *
 * Measured (npm run bench:breakdown --clock cpu: Node 20, 2-core Zen 3 with both cores busy, D=784,
 * B=128, shuffled order): the plain per-sample loop ~530 µs of CPU per batch, the wasm gatherBatch
 * ~230 µs when it staged the 128 samples' bytes on the calling thread. Staging was most of it: on
 * a quiet machine 73 µs for the copy (random samples miss the caches) and 54 µs for the kernel.
 * Since the arena keeps a copy of the dataset and the kernel reads the samples in place, split
 * over the threads: 98 against 166 µs a batch on two threads, where staging ran on the calling thread
 * (medians of 15 alternating rounds).
 */
export function fillBatch(
  x: Floats,
  labels: Int32Array,
  data: Dataset,
  order: Int32Array | Uint32Array,
  start: number,
  B: number,
  augment: CropFlip | null = null,
  gather: BatchGather = PLAIN_GATHER,
): void {
  const D = data.features;
  const N = data.count;
  checkInt(B, 'batch size', 1);
  checkInt(start, 'batch start', 0);
  check(start + B <= order.length, () =>
    `batch [${start}, ${start + B}) runs past the end of the sample order of length ${order.length}`);
  check(x.length >= D * B, () =>
    `batch buffer holds ${x.length} values, expected at least ${D * B} (${D} features × batch ${B})`);
  check(labels.length >= B, () => `batch label buffer holds ${labels.length} values, expected at least ${B}`);
  for (let b = 0; b < B; b++) {
    const s = order[start + b];
    check(s >= 0 && s < N, () => `sample index ${s} at order[${start + b}] is out of range for ${data.name} with ${N} samples`);
  }
  const pixels = data.pixels;
  const src = data.labels;
  const norm = data.normalization;
  if (augment !== null) {
    const { channels: C, height: H, width: W } = augment.shape;
    check(C * H * W === D, () => `augmentation of ${C}×${H}×${W} images does not fit the ${D} features of ${data.name}`);
    check(norm === undefined || norm.mean.length === C, () =>
      `${data.name} carries a normalisation of ${norm?.mean.length} channels, the augmentation has ${C}`);
    const table = pixelTable(data);
    const channelStride = norm === undefined ? 0 : 256;
    for (let b = 0; b < B; b++) {
      const s = order[start + b];
      labels[b] = src[s];
      augment.next();
      copyCropFlipped(x, B, b, pixels, s * D, table, channelStride, C, H, W, augment.offsetY, augment.offsetX, augment.flip);
    }
    return;
  }
  const C = norm === undefined ? 1 : norm.mean.length;
  check(Number.isInteger(D / C), () => `${data.name} carries a normalisation of ${C} channels that does not divide its ${D} features`);
  for (let b = 0; b < B; b++) labels[b] = src[order[start + b]];
  gather.gatherBatch(x, pixels, order.subarray(start, start + B), pixelTable(data), D, C, B);
}

/**
 * Writes one sample, cropped at offset (oy, ox) and flipped when `flip`, into batch column b:
 * out[c][y][x] = in[c][y + oy][flip ? W - 1 - x + ox : x + ox], 0 outside the image.
 * x: [C][H][W][B], pixels: the sample's [C][H][W] bytes from `base`, table: values by channel
 * (c * channelStride + p). Each output row is a run of zeros, a run of copied pixels and a run of
 * zeros, so the inner loops have no bounds tests.
 */
function copyCropFlipped(x: Floats, B: number, b: number, pixels: Uint8Array, base: number, table: Float64Array,
  channelStride: number, C: number, H: number, W: number, oy: number, ox: number, flip: boolean): void {
  // Output columns [x0, x1) read inside the image; the others are padding.
  const x0 = flip ? Math.max(0, ox) : Math.max(0, -ox);
  const x1 = flip ? Math.min(W, W + ox) : Math.min(W, W - ox);
  let o = b;
  for (let c = 0; c < C; c++) {
    const t = c * channelStride;
    for (let y = 0; y < H; y++) {
      const sy = y + oy;
      if (sy < 0 || sy >= H) {
        for (let q = 0; q < W; q++, o += B) x[o] = 0;
        continue;
      }
      const row = base + (c * H + sy) * W;
      let q = 0;
      for (; q < x0; q++, o += B) x[o] = 0;
      if (flip) {
        const from = row + W - 1 + ox;
        for (; q < x1; q++, o += B) x[o] = table[t + pixels[from - q]];
      } else {
        const from = row + ox;
        for (; q < x1; q++, o += B) x[o] = table[t + pixels[from + q]];
      }
      for (; q < W; q++, o += B) x[o] = 0;
    }
  }
}
