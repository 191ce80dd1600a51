/**
 * The backward input of a strided convolution (s >= 2), as a gather by input position: for input
 * channels ("units") u, with x = dy (Ho×Wo) and y = dx (H×W),
 *
 *   dx[u, h, w, b] = sum over the edges m of u, taps (i, j) with h + p - i and w + p - j
 *                    multiples of s and inside dy, of w_m[i, j] * dy[c_m, (h+p-i)/s, (w+p-j)/s, b]
 *
 * Each dx element is written once (no scatter, no atomics). Per position, the valid taps are an
 * arithmetic progression of step s in each direction, so tap ranges are clipped per position as
 * in the forward engine. Stride 1 does not come here: it is the forward gather with flipped kernels
 * (conv-gather.ts), which runs flat and sliding tiles.
 *
 * Order: edges in list order, tap rows ascending, tap columns ascending, one `madd` each, on every
 * path: results do not depend on the range a unit falls in.
 *
 * Shape legend: B batch, k kernel, s stride, p padding; dy Ho×Wo, dx H×W. Pointers are bytes.
 */
import { madd, madd1 } from './simd';

let tK: i32 = 0;
let tS: i32 = 0;
let tP: i32 = 0;
let tIH: i32 = 0;       // dy height Ho
let tIW: i32 = 0;       // dy width Wo
let tOH: i32 = 0;       // dx height H
let tOW: i32 = 0;       // dx width W
let tB: i32 = 0;
let tPos: usize = 0;
let tIRow: usize = 0;
let tIPlane: usize = 0;
let tORow: usize = 0;

let tRows: usize = 0;   // Int32 [n]: the dy channel of edge m, or 0: channel m
let tEdgeOf: usize = 0; // Int32 [n]: the weight block of edge m, or 0: block m
let tW: usize = 0;
let tWStep: usize = 0;
let tN: i32 = 0;

/** dx is H×W, dy is Ho×Wo. */
export function setTransposedGeometry(H: i32, W: i32, Ho: i32, Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  tK = k;
  tS = s;
  tP = p;
  tIH = Ho;
  tIW = Wo;
  tOH = H;
  tOW = W;
  tB = B;
  tPos = <usize>B << 2;
  tIRow = <usize>Wo * tPos;
  tIPlane = <usize>Ho * tIRow;
  tORow = <usize>W * tPos;
}

export function setTransposedEdges(rows: usize, edgeOf: usize, W: usize, wStep: usize, n: i32): void {
  tRows = rows;
  tEdgeOf = edgeOf;
  tW = W;
  tWStep = wStep;
  tN = n;
}

/** Byte offset of the dy channel of edge m. */
function channelOffset(rows: usize, m: i32, plane: usize): usize {
  return (rows != 0 ? <usize>load<i32>(rows + (<usize>m << 2)) : <usize>m) * plane;
}

function blockOf(edgeOf: usize, W: usize, wStep: usize, m: i32): usize {
  return W + (edgeOf != 0 ? <usize>load<i32>(edgeOf + (<usize>m << 2)) : <usize>m) * wStep;
}

/**
 * Four vectors at yp. xa: dy at the first tap (ia, ja) without the channel; tap rows ia, ia + s, ..
 * (ni of them) step back one dy row each, tap columns one dy position each.
 */
function tchunk4(yp: usize, xa: usize, ia: i32, ni: i32, ja: i32, nj: i32): void {
  const rows = tRows, edgeOf = tEdgeOf, W = tW, wStep = tWStep, n = tN;
  const plane = tIPlane, iRow = tIRow, pos = tPos;
  const first = <usize>(ia * tK + ja) << 2;
  const rowStep = <usize>(tS * tK) << 2;
  const colStep = <usize>tS << 2;
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  for (let m = 0; m < n; m++) {
    const xm = xa + channelOffset(rows, m, plane);
    const wm = blockOf(edgeOf, W, wStep, m) + first;
    for (let a = 0; a < ni; a++) {
      const xi = xm - <usize>a * iRow;
      const wi = wm + <usize>a * rowStep;
      for (let c = 0; c < nj; c++) {
        const w = v128.load32_splat(wi + <usize>c * colStep);
        const s = xi - <usize>c * pos;
        a0 = madd(w, v128.load(s), a0);
        a1 = madd(w, v128.load(s, 16), a1);
        a2 = madd(w, v128.load(s, 32), a2);
        a3 = madd(w, v128.load(s, 48), a3);
      }
    }
  }
  v128.store(yp, a0);
  v128.store(yp, a1, 16);
  v128.store(yp, a2, 32);
  v128.store(yp, a3, 48);
}

function tchunk1(yp: usize, xa: usize, ia: i32, ni: i32, ja: i32, nj: i32): void {
  const rows = tRows, edgeOf = tEdgeOf, W = tW, wStep = tWStep, n = tN;
  const plane = tIPlane, iRow = tIRow, pos = tPos;
  const first = <usize>(ia * tK + ja) << 2;
  const rowStep = <usize>(tS * tK) << 2;
  const colStep = <usize>tS << 2;
  let a0 = f32x4.splat(0);
  for (let m = 0; m < n; m++) {
    const xm = xa + channelOffset(rows, m, plane);
    const wm = blockOf(edgeOf, W, wStep, m) + first;
    for (let a = 0; a < ni; a++) {
      const xi = xm - <usize>a * iRow;
      const wi = wm + <usize>a * rowStep;
      for (let c = 0; c < nj; c++) {
        a0 = madd(v128.load32_splat(wi + <usize>c * colStep), v128.load(xi - <usize>c * pos), a0);
      }
    }
  }
  v128.store(yp, a0);
}

function tchunkScalar(yp: usize, xa: usize, ia: i32, ni: i32, ja: i32, nj: i32): void {
  const rows = tRows, edgeOf = tEdgeOf, W = tW, wStep = tWStep, n = tN;
  const plane = tIPlane, iRow = tIRow, pos = tPos;
  const first = <usize>(ia * tK + ja) << 2;
  const rowStep = <usize>(tS * tK) << 2;
  const colStep = <usize>tS << 2;
  let acc: f32 = 0;
  for (let m = 0; m < n; m++) {
    const xm = xa + channelOffset(rows, m, plane);
    const wm = blockOf(edgeOf, W, wStep, m) + first;
    for (let a = 0; a < ni; a++) {
      const xi = xm - <usize>a * iRow;
      const wi = wm + <usize>a * rowStep;
      for (let c = 0; c < nj; c++) acc = madd1(load<f32>(wi + <usize>c * colStep), load<f32>(xi - <usize>c * pos), acc);
    }
  }
  store<f32>(yp, acc);
}

/**
 * The taps i of one dx coordinate t = h + p (or w + p) along one axis with (t - i) / s a whole dy
 * index in [0, n): (first << 16) | count, an arithmetic progression of step s (count 0: none).
 */
function taps(t: i32, n: i32): i32 {
  const s = tS;
  let first = t % s;
  const least = t - s * (n - 1); // dy index (t - i) / s <= n - 1
  if (first < least) first += (least - first + s - 1) / s * s;
  const last = min(tK - 1, t);
  return first <= last ? (first << 16) | ((last - first) / s + 1) : 0;
}

/** Every dx element of the unit at yu; x is dy. */
export function transposedUnit(yu: usize, x: usize): void {
  const H = tOH, Wd = tOW, B = tB, p = tP, s = tS, pos = tPos;
  for (let h = 0; h < H; h++) {
    const ti = taps(h + p, tIH);
    const ia = ti >> 16;
    const ni = ti & 0xffff;
    const xRow = x + <usize>((h + p - ia) / s) * tIRow;
    const yRow = yu + <usize>h * tORow;
    for (let w = 0; w < Wd; w++) {
      const tj = taps(w + p, tIW);
      const ja = tj >> 16;
      const nj = ni != 0 ? tj & 0xffff : 0;
      const yp = yRow + <usize>w * pos;
      const xa = xRow + <usize>((w + p - ja) / s) * pos;
      if (B < 4) {
        for (let b = 0; b < B; b++) tchunkScalar(yp + (<usize>b << 2), xa + (<usize>b << 2), ia, ni, ja, nj);
        continue;
      }
      let b = 0;
      for (; b + 16 <= B; b += 16) tchunk4(yp + (<usize>b << 2), xa + (<usize>b << 2), ia, ni, ja, nj);
      for (; b + 4 <= B; b += 4) tchunk1(yp + (<usize>b << 2), xa + (<usize>b << 2), ia, ni, ja, nj);
      if (b < B) tchunk1(yp + (<usize>(B - 4) << 2), xa + (<usize>(B - 4) << 2), ia, ni, ja, nj);
    }
  }
}
