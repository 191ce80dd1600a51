/**
 * The gather at the heart of the sparse kernels: for rows u in [u0, u1),
 *
 *   y[u, b] = bias[u] + sum over e in offsets[u] .. offsets[u+1]-1 of W[e] * x[rows[e], b]
 *
 * (bias = 0: no bias). The batch is cut into chunks of 4 vectors and 1 vector; a chunk keeps its
 * sums in registers over all edges of the row and stores once, so y is written once per row. Every
 * element sums bias, then the edges in order, one multiply and one add each, on every path: a
 * row's values do not depend on the chunking or on which thread runs it.
 *
 * Shapes: y[U,B], x[R,B], W[E], bias[U] | 0, offsets[U+1], rows[E] (Int32). y must not alias x.
 */

import { biasAt } from './simd';

/**
 * Chunk of 4 vectors (16 samples) at yp / xp (already offset to the chunk), two edges per
 * iteration. 16 samples keep 4 sums, 2 weights and 8 loads in registers (V8 has 16 xmm
 * registers); 8-vector chunks spill and ran about 20 % slower.
 */
function chunk4(yp: usize, xp: usize, W: usize, rows: usize, e0: i32, e1: i32, rowBytes: usize, b0: f32): void {
  let a0 = f32x4.splat(b0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let e = e0;
  for (; e + 2 <= e1; e += 2) {
    const wp = W + (<usize>e << 2);
    const rp = rows + (<usize>e << 2);
    const w = v128.load32_splat(wp);
    const v = v128.load32_splat(wp, 4);
    const s = xp + <usize>load<i32>(rp) * rowBytes;
    const t = xp + <usize>load<i32>(rp, 4) * rowBytes;
    a0 = f32x4.add(f32x4.add(a0, f32x4.mul(w, v128.load(s))), f32x4.mul(v, v128.load(t)));
    a1 = f32x4.add(f32x4.add(a1, f32x4.mul(w, v128.load(s, 16))), f32x4.mul(v, v128.load(t, 16)));
    a2 = f32x4.add(f32x4.add(a2, f32x4.mul(w, v128.load(s, 32))), f32x4.mul(v, v128.load(t, 32)));
    a3 = f32x4.add(f32x4.add(a3, f32x4.mul(w, v128.load(s, 48))), f32x4.mul(v, v128.load(t, 48)));
  }
  if (e < e1) {
    const w = v128.load32_splat(W + (<usize>e << 2));
    const s = xp + <usize>load<i32>(rows + (<usize>e << 2)) * rowBytes;
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(s)));
    a1 = f32x4.add(a1, f32x4.mul(w, v128.load(s, 16)));
    a2 = f32x4.add(a2, f32x4.mul(w, v128.load(s, 32)));
    a3 = f32x4.add(a3, f32x4.mul(w, v128.load(s, 48)));
  }
  v128.store(yp, a0);
  v128.store(yp, a1, 16);
  v128.store(yp, a2, 32);
  v128.store(yp, a3, 48);
}

/** One vector (4 samples), two edges per iteration. */
function chunk1(yp: usize, xp: usize, W: usize, rows: usize, e0: i32, e1: i32, rowBytes: usize, b0: f32): void {
  let a0 = f32x4.splat(b0);
  let e = e0;
  for (; e + 2 <= e1; e += 2) {
    const wp = W + (<usize>e << 2);
    const rp = rows + (<usize>e << 2);
    const s = xp + <usize>load<i32>(rp) * rowBytes;
    const t = xp + <usize>load<i32>(rp, 4) * rowBytes;
    a0 = f32x4.add(f32x4.add(a0, f32x4.mul(v128.load32_splat(wp), v128.load(s))),
      f32x4.mul(v128.load32_splat(wp, 4), v128.load(t)));
  }
  if (e < e1) {
    const s = xp + <usize>load<i32>(rows + (<usize>e << 2)) * rowBytes;
    a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(W + (<usize>e << 2)), v128.load(s)));
  }
  v128.store(yp, a0);
}

/** B < 4: one sample at a time. */
function rowScalar(yp: usize, x: usize, W: usize, rows: usize, e0: i32, e1: i32, B: i32, b0: f32): void {
  for (let b = 0; b < B; b++) {
    let a = b0;
    const xb = x + (<usize>b << 2);
    for (let e = e0; e < e1; e++) {
      const w = load<f32>(W + (<usize>e << 2));
      a += w * load<f32>(xb + <usize>load<i32>(rows + (<usize>e << 2)) * (<usize>B << 2));
    }
    store<f32>(yp + (<usize>b << 2), a);
  }
}

// y[U,B] <- x[R,B], W[E], bias[U] | 0, offsets[U+1], rows[E]; rows u in [u0, u1)
export function gatherRows(u0: i32, u1: i32, y: usize, x: usize, W: usize, bias: usize, offsets: usize, rows: usize,
  B: i32): void {
  const rowBytes = <usize>B << 2;
  for (let u = u0; u < u1; u++) {
    const e0 = load<i32>(offsets + (<usize>u << 2));
    const e1 = load<i32>(offsets + (<usize>u << 2), 4);
    const b0 = biasAt(bias, u);
    const yr = y + <usize>u * rowBytes;
    if (B < 4) {
      rowScalar(yr, x, W, rows, e0, e1, B, b0);
      continue;
    }
    let b = 0;
    for (; b + 16 <= B; b += 16) chunk4(yr + (<usize>b << 2), x + (<usize>b << 2), W, rows, e0, e1, rowBytes, b0);
    for (; b + 4 <= B; b += 4) chunk1(yr + (<usize>b << 2), x + (<usize>b << 2), W, rows, e0, e1, rowBytes, b0);
    if (b < B) chunk1(yr + (<usize>(B - 4) << 2), x + (<usize>(B - 4) << 2), W, rows, e0, e1, rowBytes, b0);
  }
}
