/**
 * Orders of the input features. Path units are intervals of the sequence's unit interval, so the
 * order of the input units decides which pixels consecutive sequence values land on: raster order
 * puts neighbouring units on one image row, a Hilbert curve keeps them in a compact 2-D patch,
 * and a seeded shuffle removes any geometry.
 *
 * Shape legend: N samples, D features, R rows, Q columns, C channels (D = C * R * Q).
 */
import { check, checkInt } from '../core/errors.js';
import { deriveKey } from '../sequences/hash.js';
import { Rng } from '../sequences/rng.js';
import type { Dataset } from './dataset.js';

/** The hash-domain tag of the pixel shuffle ('PIXL'): its own stream of the run's seed. */
const PIXEL_SHUFFLE_TAG = 0x5049584c;

/** (x, y) of the point at distance d along the Hilbert curve filling a side × side square (side a power of two). */
function hilbertPoint(side: number, d: number): [number, number] {
  let x = 0, y = 0, t = d;
  for (let s = 1; s < side; s *= 2) {
    const rx = 1 & (t >> 1);
    const ry = 1 & (t ^ rx);
    if (ry === 0) {
      if (rx === 1) { x = s - 1 - x; y = s - 1 - y; }
      [x, y] = [y, x];
    }
    x += s * rx;
    y += s * ry;
    t >>= 2;
  }
  return [x, y];
}

/**
 * The pixels of an R × Q image along a Hilbert curve: entry k is the raster index (row * Q + col)
 * of the k-th pixel visited. The curve fills the smallest power-of-two square around the image
 * and skips the points outside it. -> [R * Q], a permutation.
 */
export function hilbertPixelOrder(R: number, Q: number): Int32Array {
  checkInt(R, 'image rows', 1, 1 << 14);
  checkInt(Q, 'image columns', 1, 1 << 14);
  let side = 1;
  while (side < Math.max(R, Q)) side *= 2;
  const order = new Int32Array(R * Q);
  let k = 0;
  for (let d = 0; d < side * side; d++) {
    const [col, row] = hilbertPoint(side, d);
    if (row < R && col < Q) order[k++] = row * Q + col;
  }
  return order;
}

/**
 * The data set with its features reordered: new feature k of every sample (and every channel of a
 * [C, R, Q] sample) is old feature `order[k]` of its channel. order: [R * Q] permutation.
 */
export function reorderPixels(data: Dataset, order: Int32Array): Dataset {
  const plane = order.length;
  check(data.features % plane === 0, () =>
    `a pixel order of ${plane} pixels does not fit ${data.name}'s ${data.features} features`);
  const D = data.features, N = data.count, channels = D / plane;
  const pixels = new Uint8Array(data.pixels.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < channels; c++) {
      const base = n * D + c * plane;
      for (let k = 0; k < plane; k++) pixels[base + k] = data.pixels[base + order[k]];
    }
  }
  return { ...data, pixels };
}

/**
 * A uniformly random order of n pixels drawn from `seed` (in its own hash domain): the control
 * that keeps every pixel but destroys any alignment between a topology and the image geometry.
 */
export function shuffledPixelOrder(n: number, seed: number): Int32Array {
  checkInt(n, 'pixels', 1, 1 << 28);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  new Rng(deriveKey(PIXEL_SHUFFLE_TAG, seed, 0)).shuffle(order);
  return order;
}

/** The Hilbert-ordered copy of an image data set whose sample shape ends in [R, Q]. */
export function hilbertOrdered(data: Dataset): Dataset {
  check(data.shape.length >= 2, () => `a Hilbert order needs image samples, ${data.name} has shape [${data.shape.join(', ')}]`);
  const [R, Q] = data.shape.slice(-2);
  return reorderPixels(data, hilbertPixelOrder(R, Q));
}
