/**
 * Small SIMD helpers shared by the kernels. Every kernel works on f32x4 vectors over the
 * contiguous batch; a batch B that is not a multiple of 4 ends with one vector loaded at B - 4
 * (overlapping the previous one): write kernels recompute the overlapped lanes identically, and
 * reductions keep only its last B % 4 lanes with `tailMask`.
 *
 * No data segments, no allocation: many instances share one memory. (asconfig.json silences
 * warning AS112 "exchange of v128 values": these helpers take and return v128 between modules,
 * but they are internal, never exported from the .wasm.)
 */

/**
 * c + a * b per lane, the multiply-add of every matrix kernel. The FMA build (asc --enable
 * relaxed-simd, build/sobolnet-kernels-fma.wasm) uses f32x4.relaxed_madd, which the engine runs
 * as one fused multiply-add where the CPU has one (one rounding); the plain build multiplies, then
 * adds (two roundings). A given build on a given machine always rounds the same way.
 */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * v's bytes picked by the byte indices in `mask`, each < 16 or 0x80 (a zero byte): the quad kernels'
 * lane moves. The FMA build uses i8x16.relaxed_swizzle, one pshufb on x86 (the plain swizzle adds a
 * saturating add that maps indices >= 16 to zero first); on such masks both give the same bytes.
 */
export function swizzle(v: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i8x16.relaxed_swizzle(v, mask);
  return i8x16.swizzle(v, mask);
}

/** The scalar `madd`, through lane 0 of the vector one, so that scalar and vector paths round alike. */
export function madd1(a: f32, b: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
  }
  return c + a * b;
}

/** bias[k], or 0 where there is no bias (pointer 0). */
export function biasAt(bias: usize, k: i32): f32 {
  return bias != 0 ? load<f32>(bias + (<usize>k << 2)) : 0;
}

/** Lanes 4 - r .. 3 all ones (r = B % 4 in 1..3): the lanes of the overlapping last vector that are new. */
export function tailMask(r: i32): v128 {
  return i32x4.gt_s(i32x4(0, 1, 2, 3), i32x4.splat(3 - r));
}

/** (v0 + v1) + (v2 + v3), a fixed order so that every path reduces the same way. */
export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * The four `hsum`s of a, c, d, f as one vector, in the same order per lane: lane 0 is
 * (a0 + a1) + (a2 + a3), and so on (two rounds of pairwise shuffles and adds).
 */
export function hsum4(a: v128, c: v128, d: v128, f: v128): v128 {
  const ac = f32x4.add(f32x4.shuffle(a, c, 0, 2, 4, 6), f32x4.shuffle(a, c, 1, 3, 5, 7)); // a0+a1 a2+a3 c0+c1 c2+c3
  const df = f32x4.add(f32x4.shuffle(d, f, 0, 2, 4, 6), f32x4.shuffle(d, f, 1, 3, 5, 7));
  return f32x4.add(f32x4.shuffle(ac, df, 0, 2, 4, 6), f32x4.shuffle(ac, df, 1, 3, 5, 7));
}

/** Sum of the B floats at p: one vector accumulator, masked tail, `hsum`; scalar for B < 4. */
export function sumRow(p: usize, B: i32): f32 {
  if (B < 4) {
    let s: f32 = 0;
    for (let b = 0; b < B; b++) s += load<f32>(p + (<usize>b << 2));
    return s;
  }
  let acc = f32x4.splat(0);
  let b = 0;
  for (; b + 4 <= B; b += 4) acc = f32x4.add(acc, v128.load(p + (<usize>b << 2)));
  if (b < B) acc = f32x4.add(acc, v128.and(v128.load(p + (<usize>(B - 4) << 2)), tailMask(B - b)));
  return hsum(acc);
}

/** Sum over b < B of a[b] * c[b]: one vector accumulator (vectors in order), masked tail, `hsum`. */
export function dotRow(a: usize, c: usize, B: i32): f32 {
  if (B < 4) {
    let s: f32 = 0;
    for (let b = 0; b < B; b++) s = madd1(load<f32>(a + (<usize>b << 2)), load<f32>(c + (<usize>b << 2)), s);
    return s;
  }
  let acc = f32x4.splat(0);
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    const o = <usize>b << 2;
    acc = madd(v128.load(a + o), v128.load(c + o), acc);
  }
  if (b < B) {
    const o = <usize>(B - 4) << 2;
    acc = f32x4.add(acc, v128.and(f32x4.mul(v128.load(a + o), v128.load(c + o)), tailMask(B - b)));
  }
  return hsum(acc);
}

/**
 * Two output rows of 4 vectors: out_r = c_r + sum over n steps s of w_r[s] · x[s], where step s reads
 * its 4 vectors of x at xp + s·xStep and the two weights at wp + s·wStep and wLane bytes further. Sums in
 * step order, one `madd` each; 8 independent sums, one step an iteration (two steps an iteration
 * ran slower in the block kernels). The dense layer runs its leftover pairs of units on it (x's
 * rows in place, weights a lane apart), the block kernels two target rows on a chunk of their tile
 * (rows 64 bytes apart, the weight pairs packed side by side). Inlined, so that the block kernels'
 * constant strides fold into load offsets: called through a function with the strides as values,
 * the block forward and input gradient ran at 0.88-0.94×.
 */
@inline export function madd2x4(out0: usize, out1: usize, xp: usize, xStep: usize, wp: usize, wLane: usize, wStep: usize, n: i32,
  c0: f32, c1: f32): void {
  let a0 = f32x4.splat(c0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let b0 = f32x4.splat(c1);
  let b1 = b0;
  let b2 = b0;
  let b3 = b0;
  for (let s = 0; s < n; s++) {
    const wu = v128.load32_splat(wp);
    const wv = v128.load32_splat(wp + wLane);
    const x0 = v128.load(xp);
    const x1 = v128.load(xp, 16);
    const x2 = v128.load(xp, 32);
    const x3 = v128.load(xp, 48);
    a0 = madd(wu, x0, a0);
    a1 = madd(wu, x1, a1);
    a2 = madd(wu, x2, a2);
    a3 = madd(wu, x3, a3);
    b0 = madd(wv, x0, b0);
    b1 = madd(wv, x1, b1);
    b2 = madd(wv, x2, b2);
    b3 = madd(wv, x3, b3);
    wp += wStep;
    xp += xStep;
  }
  v128.store(out0, a0);
  v128.store(out0, a1, 16);
  v128.store(out0, a2, 32);
  v128.store(out0, a3, 48);
  v128.store(out1, b0);
  v128.store(out1, b1, 16);
  v128.store(out1, b2, 32);
  v128.store(out1, b3, 48);
}

/**
 * The 8 dot products over the batch of rows g0, g1 (two rows of dy) with 4 rows of x: vector v of
 * x's row j at xp + j·xRow + v·xVector, and where B % 4 != 0 the overlapping tail vector (lanes
 * B-4 .. B-1) of row j at xTail + j·xRow. Each is reduced as `dotRow` does (one vector sum, vectors
 * in order, then the masked tail, then `hsum4`'s pairwise sum), stored as 4 floats at out0 and at
 * out1. The dense weight gradient reads x in place (xRow = row bytes, xVector = 16); the block
 * weight gradient a vector-major tile (xRow = 16, xVector = K·16). B >= 4. One vector an iteration:
 * two (the same chains, so the same bits) ran the block weight gradient at 0.69-0.82× (2026-12-01,
 * n = 1024-16384, B = 128, one process): 8 sums and 6 loads in flight leave no room for a second step.
 */
export function dots2x4(out0: usize, out1: usize, g0: usize, g1: usize, xp: usize, xTail: usize, xRow: usize, xVector: usize,
  B: i32): void {
  const zero = f32x4.splat(0);
  let a0 = zero;
  let a1 = zero;
  let a2 = zero;
  let a3 = zero;
  let b0 = zero;
  let b1 = zero;
  let b2 = zero;
  let b3 = zero;
  const full = (<usize>B >> 2) << 4;
  const r2 = xRow << 1;
  const r3 = xRow * 3;
  let xo = xp;
  for (let o: usize = 0; o < full; o += 16) {
    const u = v128.load(g0 + o);
    const w = v128.load(g1 + o);
    const x0 = v128.load(xo);
    const x1 = v128.load(xo + xRow);
    const x2 = v128.load(xo + r2);
    const x3 = v128.load(xo + r3);
    a0 = madd(u, x0, a0);
    a1 = madd(u, x1, a1);
    a2 = madd(u, x2, a2);
    a3 = madd(u, x3, a3);
    b0 = madd(w, x0, b0);
    b1 = madd(w, x1, b1);
    b2 = madd(w, x2, b2);
    b3 = madd(w, x3, b3);
    xo += xVector;
  }
  if ((B & 3) != 0) {
    const o = <usize>(B - 4) << 2;
    const m = tailMask(B & 3);
    const u = v128.load(g0 + o);
    const w = v128.load(g1 + o);
    const x0 = v128.load(xTail);
    const x1 = v128.load(xTail + xRow);
    const x2 = v128.load(xTail + r2);
    const x3 = v128.load(xTail + r3);
    a0 = f32x4.add(a0, v128.and(f32x4.mul(u, x0), m));
    a1 = f32x4.add(a1, v128.and(f32x4.mul(u, x1), m));
    a2 = f32x4.add(a2, v128.and(f32x4.mul(u, x2), m));
    a3 = f32x4.add(a3, v128.and(f32x4.mul(u, x3), m));
    b0 = f32x4.add(b0, v128.and(f32x4.mul(w, x0), m));
    b1 = f32x4.add(b1, v128.and(f32x4.mul(w, x1), m));
    b2 = f32x4.add(b2, v128.and(f32x4.mul(w, x2), m));
    b3 = f32x4.add(b3, v128.and(f32x4.mul(w, x3), m));
  }
  v128.store(out0, hsum4(a0, a1, a2, a3));
  v128.store(out1, hsum4(b0, b1, b2, b3));
}

// exp on [-87, 88]: 2^n * p(r), n = round(x / ln 2), r = x - n ln 2 in two parts (Cody–Waite), p the
// degree-7 minimax polynomial of Cephes' expf. About 1 ulp; the vector and scalar forms below run
// the very same operations, so a sample gives the same bits on either path.
const EXP_LO: f32 = -87.0;
const EXP_HI: f32 = 88.0;
const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/** exp of each lane (see above). */
export function exp4(v: v128): v128 {
  const x = f32x4.min(f32x4.max(v, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** The scalar twin of `exp4`, operation for operation. */
export function exp1(v: f32): f32 {
  const x = min(max(v, EXP_LO), EXP_HI);
  const n = nearest<f32>(x * LOG2E);
  const r = (x - n * LN2_HI) - n * LN2_LO;
  let p = P0 * r + P1;
  p = p * r + P2;
  p = p * r + P3;
  p = p * r + P4;
  p = p * r + P5;
  p = (p * (r * r) + r) + 1;
  const scale = reinterpret<f32>((<i32>n + 127) << 23);
  return p * scale;
}

/**
 * The K weights of two rows side by side at wp (w0[k], w1[k], 8 bytes a step), the weight pairs of
 * `madd2x4` and its kin: four steps an iteration, two vector shuffles each. The block kernels pack a
 * target pair's row of W, the conv block kernels an output channel pair's K·k² taps.
 */
export function packPairs(wp: usize, w0: usize, w1: usize, K: i32): void {
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const o = <usize>k << 2;
    const a = v128.load(w0 + o);
    const b = v128.load(w1 + o);
    v128.store(wp + (o << 1), f32x4.shuffle(a, b, 0, 4, 1, 5));
    v128.store(wp + (o << 1), f32x4.shuffle(a, b, 2, 6, 3, 7), 16);
  }
  for (; k < K; k++) {
    const o = <usize>k << 2;
    store<f32>(wp + (o << 1), load<f32>(w0 + o));
    store<f32>(wp + (o << 1), load<f32>(w1 + o), 4);
  }
}
