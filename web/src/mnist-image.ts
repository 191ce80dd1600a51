/**
 * A drawing -> a 28×28 image prepared as MNIST's digits were: the ink's bounding box scaled to fit
 * 20×20 (aspect kept), then placed so that its centre of mass sits at the centre of the 28×28
 * field. Without this a digit drawn small or off-centre is far from anything the model saw.
 */

/** MNIST's side, and the box its digits were scaled into. */
export const SIDE = 28;
const BOX = 20;

/**
 * Ink alpha [h][w] (0..255, row-major) -> 28×28 bytes, row-major, 0 = background (as in MNIST);
 * all zeros when nothing was drawn.
 */
export function mnistImage(ink: Uint8ClampedArray | Uint8Array, w: number, h: number): Uint8Array {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
  }
  const out = new Uint8Array(SIDE * SIDE);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale)), sh = Math.max(1, Math.round(bh * scale));
  // Area average of the box into sw×sh cells.
  const small = new Float64Array(sw * sh);
  const count = new Float64Array(sw * sh);
  for (let y = y0; y <= y1; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y - y0) * sh) / bh));
    for (let x = x0; x <= x1; x++) {
      const sx = Math.min(sw - 1, Math.floor(((x - x0) * sw) / bw));
      small[sy * sw + sx] += ink[y * w + x];
      count[sy * sw + sx]++;
    }
  }
  let mass = 0, mx = 0, my = 0;
  for (let i = 0; i < small.length; i++) {
    small[i] = count[i] > 0 ? small[i] / count[i] : 0;
    mass += small[i];
    mx += small[i] * (i % sw);
    my += small[i] * Math.floor(i / sw);
  }
  const ox = Math.round(SIDE / 2 - 0.5 - mx / mass), oy = Math.round(SIDE / 2 - 0.5 - my / mass);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const tx = x + ox, ty = y + oy;
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = Math.round(small[y * sw + x]);
    }
  }
  return out;
}
