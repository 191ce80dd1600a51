/**
 * Weight gradients of the convolutions: for an edge (output channel plane R of dy, input channel
 * plane X of x) and tap (i, j),
 *
 *   dW[i, j] = sum over ho, wo, b of R[ho, wo, b] * X[ho*s + i - p, wo*s + j - p, b]
 *
 * a dot product of long contiguous runs: at stride 1 the positions of an output row whose tap
 * column j is inside the image form one flat run of R and one of X (shifted by (j - p)·B floats).
 *
 * 3×3, stride 1, B >= 4 (`slide*`): one batch vector walks the positions of a row; the three taps
 * (i, 0..2) of a tap row meet x at positions wo-1, wo, wo+1, a sliding window, so per position one
 * dy vector and one new x vector feed 3 multiply-adds. Two edges share a load: the path kernel
 * pairs two edges into the same target (one dy vector, two x windows: 3 loads for 6 multiply-adds,
 * 13 registers), the dense kernel pairs two output channels of one input channel (two dy vectors,
 * one x window: 3 loads for 6). The overlapping last vector of a batch that is not a multiple of 4
 * is masked to its new lanes (the old lanes add 0). Each tap's 4 lanes are summed with `hsum` at
 * the end. Napkin: per edge pair and tap row, Ho·Wo·B/4 steps of 3 loads and 6 multiply-adds; the
 * planes (Ho·Wo·B floats, 64 KB at 16×16×64) stream from L2 three times per edge (once per tap row).
 *
 * The interior loops come twice, with and without the mask: for whole vectors (every one when B
 * is a multiple of 4) the `and` is one vector op of 13 per step: path bwdW at the issue-10 target
 * shape 1.06x faster (plain and FMA builds, paired round-robin), dense 1.02-1.03x.
 *
 * Anything else (`tapDot`): one tap at a time, flat runs at stride 1 and per-position runs
 * otherwise, vectors then the masked overlapping tail, scalar runs below 4 floats.
 *
 * Order: a tap's terms are summed in a fixed order given by the shapes (rows, batch vectors,
 * positions), whichever pair or range an edge falls in: results do not depend on thread counts.
 *
 * Shape legend: B batch, k kernel, s stride, p padding; x H×W ("in"), dy Ho×Wo ("out"). Pointers
 * are byte addresses.
 */
import { hsum, madd, madd1, tailMask } from './simd';

let wK: i32 = 0;
let wS: i32 = 0;
let wP: i32 = 0;
let wIH: i32 = 0;
let wIW: i32 = 0;
let wOH: i32 = 0;
let wOW: i32 = 0;
let wB: i32 = 0;
let wPos: usize = 0;
let wIRow: usize = 0;
let wIPlane: usize = 0;
let wORow: usize = 0;
let wOPlane: usize = 0;

export function setWeightGeometry(H: i32, W: i32, Ho: i32, Wo: i32, k: i32, s: i32, p: i32, B: i32): void {
  wK = k;
  wS = s;
  wP = p;
  wIH = H;
  wIW = W;
  wOH = Ho;
  wOW = Wo;
  wB = B;
  wPos = <usize>B << 2;
  wIRow = <usize>W * wPos;
  wIPlane = <usize>H * wIRow;
  wORow = <usize>Wo * wPos;
  wOPlane = <usize>Ho * wORow;
}

export function inPlaneBytes(): usize {
  return wIPlane;
}

export function outPlaneBytes(): usize {
  return wOPlane;
}

/** Whether `slide*` run (depends on the shapes only). */
export function useSlides(): bool {
  return wK == 3 && wS == 1 && wB >= 4;
}

/** floor(a / s) for s > 0. */
function floorDiv(a: i32, s: i32): i32 {
  return a >= 0 ? a / s : -((s - 1 - a) / s);
}

/** The output indices o in [0, n) with 0 <= o*s + t - p < inN (t a tap index): lo << 16 | hi. */
function outRange(t: i32, n: i32, inN: i32): i32 {
  const s = wS;
  const lo = max(0, floorDiv(wP - t + s - 1, s));
  const hi = min(n, floorDiv(inN - 1 + wP - t, s) + 1);
  return hi > lo ? (lo << 16) | hi : 0;
}

/** One tap of one edge (see the file comment). */
export function tapDot(R: usize, X: usize, i: i32, j: i32): f32 {
  const hr = outRange(i, wOH, wIH);
  const wr = outRange(j, wOW, wIW);
  if (hr == 0 || wr == 0) return 0;
  const ho0 = hr >> 16, ho1 = hr & 0xffff, wo0 = wr >> 16, wo1 = wr & 0xffff;
  const s = wS, pos = wPos, B = wB;
  const flat = s == 1;
  // a flat run per row at stride 1 (its positions are contiguous in R and X), else one per position
  const runs = flat ? 1 : wo1 - wo0;
  const len = flat ? (wo1 - wo0) * B : B;
  const step: usize = flat ? 0 : pos;
  const xStep: usize = flat ? 0 : <usize>s * pos;
  let acc = f32x4.splat(0);
  let sacc: f32 = 0;
  for (let ho = ho0; ho < ho1; ho++) {
    let r = R + <usize>ho * wORow + <usize>wo0 * pos;
    let x = X + <usize>((ho * s + i - wP) * <i32>wIRow) + <usize>((wo0 * s + j - wP) * <i32>pos);
    for (let k = 0; k < runs; k++) {
      if (len < 4) {
        for (let b = 0; b < len; b++) sacc = madd1(load<f32>(r + (<usize>b << 2)), load<f32>(x + (<usize>b << 2)), sacc);
      } else {
        let b = 0;
        for (; b + 4 <= len; b += 4) acc = madd(v128.load(r + (<usize>b << 2)), v128.load(x + (<usize>b << 2)), acc);
        if (b < len) {
          const o = <usize>(len - 4) << 2;
          acc = f32x4.add(acc, v128.and(f32x4.mul(v128.load(r + o), v128.load(x + o)), tailMask(len - b)));
        }
      }
      r += step;
      x += xStep;
    }
  }
  return hsum(acc) + sacc;
}

/** The k² taps of one edge into dW (k² floats), one `tapDot` each. */
export function edgeDots(dW: usize, R: usize, X: usize): void {
  const k = wK;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) store<f32>(dW + (<usize>(i * k + j) << 2), tapDot(R, X, i, j));
  }
}

/**
 * Rows of one tap row i: the output rows ho whose input row ho + i - p is inside, as lo << 16 | hi;
 * and the interior positions [L, R) of a row, where all three tap columns are inside.
 */
function interiorLo(): i32 {
  return min(wP, wOW);
}

function interiorHi(L: i32): i32 {
  return max(L, min(wOW, wIW + wP - 2));
}

/** The all-ones mask, or the new lanes of the overlapping last vector at b = B - 4. */
function laneMask(b: i32, B: i32): v128 {
  return b + 4 <= B ? i32x4.splat(-1) : tailMask(B - b);
}

/**
 * Taps (i, 0..2) of two edges with one dy plane R and x planes Xa, Xb: 3 floats each to da, db.
 */
export function slideR2(da: usize, db: usize, R: usize, Xa: usize, Xb: usize, i: i32): void {
  const hr = outRange(i, wOH, wIH);
  const zero = f32x4.splat(0);
  let a0 = zero;
  let a1 = zero;
  let a2 = zero;
  let b0 = zero;
  let b1 = zero;
  let b2 = zero;
  if (hr != 0) {
    const ho0 = hr >> 16, ho1 = hr & 0xffff;
    const pos = wPos, B = wB, p = wP, OW = wOW, IW = wIW;
    const L = interiorLo();
    const Rr = interiorHi(L);
    for (let ho = ho0; ho < ho1; ho++) {
      const rRow = R + <usize>ho * wORow;
      const xOff = <usize>((ho + i - p) * <i32>wIRow);
      for (let b = 0; b < B; b += 4) {
        const bo = <usize>min(b, B - 4) << 2;
        const mask = laneMask(b, B);
        const r = rRow + bo;
        const xa = Xa + xOff + bo;
        const xb = Xb + xOff + bo;
        // borders: positions with a tap column outside, each tap tested
        for (let wo = 0; wo < OW; wo++) {
          if (wo == L) wo = Rr;
          if (wo >= OW) break;
          const rv = v128.and(v128.load(r + <usize>wo * pos), mask);
          const c = wo - p;
          if (c >= 0 && c < IW) {
            a0 = madd(rv, v128.load(xa + <usize>c * pos), a0);
            b0 = madd(rv, v128.load(xb + <usize>c * pos), b0);
          }
          if (c + 1 >= 0 && c + 1 < IW) {
            a1 = madd(rv, v128.load(xa + <usize>(c + 1) * pos), a1);
            b1 = madd(rv, v128.load(xb + <usize>(c + 1) * pos), b1);
          }
          if (c + 2 >= 0 && c + 2 < IW) {
            a2 = madd(rv, v128.load(xa + <usize>(c + 2) * pos), a2);
            b2 = madd(rv, v128.load(xb + <usize>(c + 2) * pos), b2);
          }
        }
        if (Rr > L) {
          // interior: the window x[wo - p .. wo - p + 2] slides one position per step
          let pa = xa + <usize>((L - p) * <i32>pos);
          let pb = xb + <usize>((L - p) * <i32>pos);
          let xa0 = v128.load(pa);
          let xa1 = v128.load(pa + pos);
          let xb0 = v128.load(pb);
          let xb1 = v128.load(pb + pos);
          pa += 2 * pos;
          pb += 2 * pos;
          let rp = r + <usize>L * pos;
          const rEnd = r + <usize>Rr * pos;
          if (b + 4 <= B) {
            for (; rp < rEnd; rp += pos) {
              const rv = v128.load(rp);
              const xa2 = v128.load(pa);
              const xb2 = v128.load(pb);
              a0 = madd(rv, xa0, a0);
              a1 = madd(rv, xa1, a1);
              a2 = madd(rv, xa2, a2);
              b0 = madd(rv, xb0, b0);
              b1 = madd(rv, xb1, b1);
              b2 = madd(rv, xb2, b2);
              xa0 = xa1;
              xa1 = xa2;
              xb0 = xb1;
              xb1 = xb2;
              pa += pos;
              pb += pos;
            }
          } else {
            for (; rp < rEnd; rp += pos) {
              const rv = v128.and(v128.load(rp), mask);
              const xa2 = v128.load(pa);
              const xb2 = v128.load(pb);
              a0 = madd(rv, xa0, a0);
              a1 = madd(rv, xa1, a1);
              a2 = madd(rv, xa2, a2);
              b0 = madd(rv, xb0, b0);
              b1 = madd(rv, xb1, b1);
              b2 = madd(rv, xb2, b2);
              xa0 = xa1;
              xa1 = xa2;
              xb0 = xb1;
              xb1 = xb2;
              pa += pos;
              pb += pos;
            }
          }
        }
      }
    }
  }
  store<f32>(da, hsum(a0));
  store<f32>(da, hsum(a1), 4);
  store<f32>(da, hsum(a2), 8);
  store<f32>(db, hsum(b0));
  store<f32>(db, hsum(b1), 4);
  store<f32>(db, hsum(b2), 8);
}

/**
 * Taps (i, 0..2) of two edges with dy planes Ra, Rb and one x plane X (dense: two output channels
 * of one input channel): 3 floats each to da, db.
 */
export function slideX2(da: usize, db: usize, Ra: usize, Rb: usize, X: usize, i: i32): void {
  const hr = outRange(i, wOH, wIH);
  const zero = f32x4.splat(0);
  let a0 = zero;
  let a1 = zero;
  let a2 = zero;
  let b0 = zero;
  let b1 = zero;
  let b2 = zero;
  if (hr != 0) {
    const ho0 = hr >> 16, ho1 = hr & 0xffff;
    const pos = wPos, B = wB, p = wP, OW = wOW, IW = wIW;
    const L = interiorLo();
    const Rr = interiorHi(L);
    for (let ho = ho0; ho < ho1; ho++) {
      const rOff = <usize>ho * wORow;
      const xRow = X + <usize>((ho + i - p) * <i32>wIRow);
      for (let b = 0; b < B; b += 4) {
        const bo = <usize>min(b, B - 4) << 2;
        const mask = laneMask(b, B);
        const ra = Ra + rOff + bo;
        const rb = Rb + rOff + bo;
        const x = xRow + bo;
        for (let wo = 0; wo < OW; wo++) {
          if (wo == L) wo = Rr;
          if (wo >= OW) break;
          const rva = v128.load(ra + <usize>wo * pos);
          const rvb = v128.load(rb + <usize>wo * pos);
          const c = wo - p;
          if (c >= 0 && c < IW) {
            const xv = v128.and(v128.load(x + <usize>c * pos), mask);
            a0 = madd(rva, xv, a0);
            b0 = madd(rvb, xv, b0);
          }
          if (c + 1 >= 0 && c + 1 < IW) {
            const xv = v128.and(v128.load(x + <usize>(c + 1) * pos), mask);
            a1 = madd(rva, xv, a1);
            b1 = madd(rvb, xv, b1);
          }
          if (c + 2 >= 0 && c + 2 < IW) {
            const xv = v128.and(v128.load(x + <usize>(c + 2) * pos), mask);
            a2 = madd(rva, xv, a2);
            b2 = madd(rvb, xv, b2);
          }
        }
        if (Rr > L) {
          let px = x + <usize>((L - p) * <i32>pos);
          let x0 = v128.and(v128.load(px), mask);
          let x1 = v128.and(v128.load(px + pos), mask);
          px += 2 * pos;
          let pa = ra + <usize>L * pos;
          let pb = rb + <usize>L * pos;
          const aEnd = ra + <usize>Rr * pos;
          if (b + 4 <= B) {
            for (; pa < aEnd; pa += pos) {
              const rva = v128.load(pa);
              const rvb = v128.load(pb);
              const x2 = v128.load(px);
              a0 = madd(rva, x0, a0);
              a1 = madd(rva, x1, a1);
              a2 = madd(rva, x2, a2);
              b0 = madd(rvb, x0, b0);
              b1 = madd(rvb, x1, b1);
              b2 = madd(rvb, x2, b2);
              x0 = x1;
              x1 = x2;
              pb += pos;
              px += pos;
            }
          } else {
            for (; pa < aEnd; pa += pos) {
              const rva = v128.load(pa);
              const rvb = v128.load(pb);
              const x2 = v128.and(v128.load(px), mask);
              a0 = madd(rva, x0, a0);
              a1 = madd(rva, x1, a1);
              a2 = madd(rva, x2, a2);
              b0 = madd(rvb, x0, b0);
              b1 = madd(rvb, x1, b1);
              b2 = madd(rvb, x2, b2);
              x0 = x1;
              x1 = x2;
              pb += pos;
              px += pos;
            }
          }
        }
      }
    }
  }
  store<f32>(da, hsum(a0));
  store<f32>(da, hsum(a1), 4);
  store<f32>(da, hsum(a2), 8);
  store<f32>(db, hsum(b0));
  store<f32>(db, hsum(b1), 4);
  store<f32>(db, hsum(b2), 8);
}

/** Taps (i, 0..2) of one edge (dy plane R, x plane X): 3 floats to da. Same sums as the pairs. */
export function slide1(da: usize, R: usize, X: usize, i: i32): void {
  const hr = outRange(i, wOH, wIH);
  const zero = f32x4.splat(0);
  let a0 = zero;
  let a1 = zero;
  let a2 = zero;
  if (hr != 0) {
    const ho0 = hr >> 16, ho1 = hr & 0xffff;
    const pos = wPos, B = wB, p = wP, OW = wOW, IW = wIW;
    const L = interiorLo();
    const Rr = interiorHi(L);
    for (let ho = ho0; ho < ho1; ho++) {
      const rRow = R + <usize>ho * wORow;
      const xRow = X + <usize>((ho + i - p) * <i32>wIRow);
      for (let b = 0; b < B; b += 4) {
        const bo = <usize>min(b, B - 4) << 2;
        const mask = laneMask(b, B);
        const r = rRow + bo;
        const x = xRow + bo;
        for (let wo = 0; wo < OW; wo++) {
          if (wo == L) wo = Rr;
          if (wo >= OW) break;
          const rv = v128.and(v128.load(r + <usize>wo * pos), mask);
          const c = wo - p;
          if (c >= 0 && c < IW) a0 = madd(rv, v128.load(x + <usize>c * pos), a0);
          if (c + 1 >= 0 && c + 1 < IW) a1 = madd(rv, v128.load(x + <usize>(c + 1) * pos), a1);
          if (c + 2 >= 0 && c + 2 < IW) a2 = madd(rv, v128.load(x + <usize>(c + 2) * pos), a2);
        }
        if (Rr > L) {
          let px = x + <usize>((L - p) * <i32>pos);
          let x0 = v128.load(px);
          let x1 = v128.load(px + pos);
          px += 2 * pos;
          let rp = r + <usize>L * pos;
          const rEnd = r + <usize>Rr * pos;
          if (b + 4 <= B) {
            for (; rp < rEnd; rp += pos) {
              const rv = v128.load(rp);
              const x2 = v128.load(px);
              a0 = madd(rv, x0, a0);
              a1 = madd(rv, x1, a1);
              a2 = madd(rv, x2, a2);
              x0 = x1;
              x1 = x2;
              px += pos;
            }
          } else {
            for (; rp < rEnd; rp += pos) {
              const rv = v128.and(v128.load(rp), mask);
              const x2 = v128.load(px);
              a0 = madd(rv, x0, a0);
              a1 = madd(rv, x1, a1);
              a2 = madd(rv, x2, a2);
              x0 = x1;
              x1 = x2;
              px += pos;
            }
          }
        }
      }
    }
  }
  store<f32>(da, hsum(a0));
  store<f32>(da, hsum(a1), 4);
  store<f32>(da, hsum(a2), 8);
}
