/**
 * Dense layer kernels, register-tiled. Forward and backward input are one kernel, `denseGather`:
 *
 *   y[u, b] = bias[u] + sum over k < K of W[u * laneStride + k * stepStride] * x[k, b]
 *
 * forward: K = I, laneStride = I, stepStride = 1 (rows of W); backward input: K = O, laneStride = 1,
 * stepStride = I (columns of W). A tile holds 4 units × 2 vectors (8 samples) in registers over
 * all k; units left over from the groups of 4 go in pairs × 4 vectors (16 samples), so that a
 * small output layer (1024 -> 10) keeps 8 accumulators in flight. Backward weight is a 2 × 4
 * tile of dot products over the batch.
 *
 * Every element is reduced in the same order on every path (tile or remainder), so results do not
 * depend on how units are split between threads.
 *
 * Shape legend: B batch, I inputs, O outputs, U units, K reduction length. Pointers are bytes.
 */
import { maskRows } from './elementwise-kernels';
import { biasAt, dotRow, dots2x4, madd, madd1, madd2x4, sumRow } from './simd';

/** Four units u..u+3, two vectors at sample offset xp / yp (bytes into a row). */
function tile4x2(yp: usize, xp: usize, wp: usize, lane: usize, step: usize, K: i32, rowBytes: usize, bias: usize): void {
  let a00 = f32x4.splat(biasAt(bias, 0));
  let a01 = a00;
  let a10 = f32x4.splat(biasAt(bias, 1));
  let a11 = a10;
  let a20 = f32x4.splat(biasAt(bias, 2));
  let a21 = a20;
  let a30 = f32x4.splat(biasAt(bias, 3));
  let a31 = a30;
  let w = wp;
  let s = xp;
  for (let k = 0; k < K; k++) {
    const x0 = v128.load(s);
    const x1 = v128.load(s, 16);
    const w0 = v128.load32_splat(w);
    const w1 = v128.load32_splat(w + lane);
    const w2 = v128.load32_splat(w + 2 * lane);
    const w3 = v128.load32_splat(w + 3 * lane);
    a00 = madd(w0, x0, a00);
    a01 = madd(w0, x1, a01);
    a10 = madd(w1, x0, a10);
    a11 = madd(w1, x1, a11);
    a20 = madd(w2, x0, a20);
    a21 = madd(w2, x1, a21);
    a30 = madd(w3, x0, a30);
    a31 = madd(w3, x1, a31);
    w += step;
    s += rowBytes;
  }
  v128.store(yp, a00);
  v128.store(yp, a01, 16);
  v128.store(yp + rowBytes, a10);
  v128.store(yp + rowBytes, a11, 16);
  v128.store(yp + 2 * rowBytes, a20);
  v128.store(yp + 2 * rowBytes, a21, 16);
  v128.store(yp + 3 * rowBytes, a30);
  v128.store(yp + 3 * rowBytes, a31, 16);
}

/** Four units, one vector. */
function tile4x1(yp: usize, xp: usize, wp: usize, lane: usize, step: usize, K: i32, rowBytes: usize, bias: usize): void {
  let a0 = f32x4.splat(biasAt(bias, 0));
  let a1 = f32x4.splat(biasAt(bias, 1));
  let a2 = f32x4.splat(biasAt(bias, 2));
  let a3 = f32x4.splat(biasAt(bias, 3));
  let w = wp;
  let s = xp;
  for (let k = 0; k < K; k++) {
    const x0 = v128.load(s);
    a0 = madd(v128.load32_splat(w), x0, a0);
    a1 = madd(v128.load32_splat(w + lane), x0, a1);
    a2 = madd(v128.load32_splat(w + 2 * lane), x0, a2);
    a3 = madd(v128.load32_splat(w + 3 * lane), x0, a3);
    w += step;
    s += rowBytes;
  }
  v128.store(yp, a0);
  v128.store(yp + rowBytes, a1);
  v128.store(yp + 2 * rowBytes, a2);
  v128.store(yp + 3 * rowBytes, a3);
}

/** Two units u, u+1, four vectors (16 samples): the units left over from the groups of 4 (a 1024 -> 10 layer's last 2). */
function tile2x4(yp: usize, xp: usize, wp: usize, lane: usize, step: usize, K: i32, rowBytes: usize, bias: usize): void {
  madd2x4(yp, yp + rowBytes, xp, rowBytes, wp, lane, step, K, biasAt(bias, 0), biasAt(bias, 1));
}

/** One unit, one vector. */
function tile1x1(yp: usize, xp: usize, wp: usize, step: usize, K: i32, rowBytes: usize, bias: usize): void {
  let a0 = f32x4.splat(biasAt(bias, 0));
  let w = wp;
  let s = xp;
  for (let k = 0; k < K; k++) {
    a0 = madd(v128.load32_splat(w), v128.load(s), a0);
    w += step;
    s += rowBytes;
  }
  v128.store(yp, a0);
}

/** n < 4: one unit, one sample at a time. */
function unitScalar(yp: usize, x: usize, wp: usize, step: usize, K: i32, rowBytes: usize, n: i32, bias: usize): void {
  for (let b = 0; b < n; b++) {
    let a: f32 = biasAt(bias, 0);
    let w = wp;
    let s = x + (<usize>b << 2);
    for (let k = 0; k < K; k++) {
      a = madd1(load<f32>(w), load<f32>(s), a);
      w += step;
      s += rowBytes;
    }
    store<f32>(yp + (<usize>b << 2), a);
  }
}

/**
 * Units [u0, u1) of `denseGather` on the n samples that start at y and x (rows rowBytes apart), then
 * the mask epilogue (`maskRows`, m = 0: none) on each group of units as it is finished.
 */
function gatherUnits(u0: i32, u1: i32, y: usize, x: usize, W: usize, bias: usize, K: i32, lane: usize, step: usize,
  rowBytes: usize, n: i32, m: usize): void {
  const last = <usize>(n - 4) << 2;
  let u = u0;
  if (n >= 4) {
    for (; u + 4 <= u1; u += 4) {
      const yr = y + <usize>u * rowBytes;
      const wp = W + <usize>u * lane;
      const bp = bias != 0 ? bias + (<usize>u << 2) : 0;
      let b = 0;
      for (; b + 8 <= n; b += 8) tile4x2(yr + (<usize>b << 2), x + (<usize>b << 2), wp, lane, step, K, rowBytes, bp);
      for (; b + 4 <= n; b += 4) tile4x1(yr + (<usize>b << 2), x + (<usize>b << 2), wp, lane, step, K, rowBytes, bp);
      if (b < n) tile4x1(yr + last, x + last, wp, lane, step, K, rowBytes, bp);
      maskRows(y, m, u, u + 4, rowBytes, n);
    }
  }
  // units left over in pairs: 16 samples at a time (the rest below, one unit at a time)
  let b2 = 0;
  const u2 = u;
  if (n >= 16) {
    for (; u + 2 <= u1; u += 2) {
      const yr = y + <usize>u * rowBytes;
      const wp = W + <usize>u * lane;
      const bp = bias != 0 ? bias + (<usize>u << 2) : 0;
      for (b2 = 0; b2 + 16 <= n; b2 += 16) tile2x4(yr + (<usize>b2 << 2), x + (<usize>b2 << 2), wp, lane, step, K, rowBytes, bp);
    }
  }
  // the samples [b2, n) of the pairs, one unit at a time
  if (b2 < n) {
    for (let v = u2; v < u; v++) {
      const yr = y + <usize>v * rowBytes;
      const wp = W + <usize>v * lane;
      const bp = bias != 0 ? bias + (<usize>v << 2) : 0;
      let b = b2;
      for (; b + 4 <= n; b += 4) tile1x1(yr + (<usize>b << 2), x + (<usize>b << 2), wp, step, K, rowBytes, bp);
      if (b < n) tile1x1(yr + last, x + last, wp, step, K, rowBytes, bp);
    }
  }
  maskRows(y, m, u2, u, rowBytes, n);
  for (; u < u1; u++) {
    const yr = y + <usize>u * rowBytes;
    const wp = W + <usize>u * lane;
    const bp = bias != 0 ? bias + (<usize>u << 2) : 0;
    if (n < 4) {
      unitScalar(yr, x, wp, step, K, rowBytes, n, bp);
    } else {
      let b = 0;
      for (; b + 4 <= n; b += 4) tile1x1(yr + (<usize>b << 2), x + (<usize>b << 2), wp, step, K, rowBytes, bp);
      if (b < n) tile1x1(yr + last, x + last, wp, step, K, rowBytes, bp);
    }
    maskRows(y, m, u, u + 1, rowBytes, n);
  }
}

// y[U,B] <- x[K,B], W, bias[U] | 0 (see the file comment), then y = m > 0 ? y : +0 where m != 0
// (m = y: the ReLU that follows the layer; m = the ReLU output below: its gradient); units [u0, u1)
export function denseGather(u0: i32, u1: i32, y: usize, x: usize, W: usize, bias: usize, K: i32, laneStride: i32,
  stepStride: i32, B: i32, m: usize): void {
  gatherUnits(u0, u1, y, x, W, bias, K, <usize>laneStride << 2, <usize>stepStride << 2, <usize>B << 2, B, m);
}

/**
 * `denseGather` on all U units, split by samples: columns [c0, c1) of 16 samples, the last of the
 * C = floor(B / 16) columns taking the B % 16 samples left too (so every part has >= 16). For a
 * layer with too few units to split by unit (a 1024 -> 10 output layer). Every element is summed as
 * in `denseGather`, so the bits do not depend on the split.
 */
export function denseGatherColumns(c0: i32, c1: i32, y: usize, x: usize, W: usize, bias: usize, K: i32, laneStride: i32,
  stepStride: i32, B: i32, m: usize, U: i32): void {
  const C = B >> 4;
  const s0 = c0 << 4;
  const s1 = c1 >= C ? B : c1 << 4; // C = 0 (B < 16): column 0 is the whole batch
  const o = <usize>s0 << 2;
  gatherUnits(0, U, y + o, x + o, W, bias, K, <usize>laneStride << 2, <usize>stepStride << 2, <usize>B << 2, s1 - s0,
    m != 0 ? m + o : 0);
}

/** dW[o, i] for rows [o0, o1) and inputs [i0, i1) (i0 a multiple of 4): 2 rows × 4 inputs of `dots2x4`, the rest `dotRow`. */
function weightBlock(o0: i32, o1: i32, i0: i32, i1: i32, dW: usize, dy: usize, x: usize, I: i32, B: i32): void {
  const rowBytes = <usize>B << 2;
  const dwRow = <usize>I << 2;
  const tail = <usize>(B - 4) << 2; // the overlapping last vector of a row
  let o = o0;
  if (B >= 4) {
    for (; o + 2 <= o1; o += 2) {
      const g = dy + <usize>o * rowBytes;
      const dw = dW + <usize>o * dwRow;
      let i = i0;
      // dW[o, i..i+3] and dW[o+1, i..i+3] from dy's rows o, o+1 and x's rows i..i+3 in place
      for (; i + 4 <= i1; i += 4) {
        const xr = x + <usize>i * rowBytes;
        dots2x4(dw + (<usize>i << 2), dw + dwRow + (<usize>i << 2), g, g + rowBytes, xr, xr + tail, rowBytes, 16, B);
      }
      for (; i < i1; i++) {
        const xr = x + <usize>i * rowBytes;
        store<f32>(dw + (<usize>i << 2), dotRow(g, xr, B));
        store<f32>(dw + dwRow + (<usize>i << 2), dotRow(g + rowBytes, xr, B));
      }
    }
  }
  for (; o < o1; o++) {
    const g = dy + <usize>o * rowBytes;
    const dw = dW + <usize>o * dwRow;
    for (let i = i0; i < i1; i++) store<f32>(dw + (<usize>i << 2), dotRow(g, x + <usize>i * rowBytes, B));
  }
}

// dW[O,I] <- dy[O,B], x[I,B]; rows o in [o0, o1)
export function denseBackwardWeight(o0: i32, o1: i32, dW: usize, dy: usize, x: usize, I: i32, B: i32): void {
  weightBlock(o0, o1, 0, I, dW, dy, x, I, B);
}

/**
 * `denseBackwardWeight` on all O rows, split by inputs: quads [q0, q1) of 4 inputs, the last of the
 * floor(I / 4) quads taking the I % 4 inputs left too. For a layer with too few outputs to split by
 * output. Every element is summed as in `denseBackwardWeight` (an input in a whole quad by `dots2x4`,
 * the I % 4 last by `dotRow`), so the bits do not depend on the split.
 */
export function denseBackwardWeightColumns(q0: i32, q1: i32, dW: usize, dy: usize, x: usize, I: i32, B: i32, O: i32): void {
  weightBlock(0, O, q0 << 2, q1 >= I >> 2 ? I : q1 << 2, dW, dy, x, I, B);
}

// db[O] <- dy[O,B]; rows o in [o0, o1)
export function biasBackward(o0: i32, o1: i32, db: usize, dy: usize, B: i32): void {
  const rowBytes = <usize>B << 2;
  for (let o = o0; o < o1; o++) store<f32>(db + (<usize>o << 2), sumRow(dy + <usize>o * rowBytes, B));
}
