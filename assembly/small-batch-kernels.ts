/**
 * The sparse layer's kernels for batches of 1 to 3 (src/layers/path-linear.ts chooses them; the
 * backend runs the regular kernels for B >= 4).
 *
 * The regular kernels (gather-rows.ts, sparse-kernels.ts) run their SIMD lanes over the batch; below
 * B = 4 they go scalar, one sample at a time and one multiply-add chain per sample, so batch 1 runs
 * at a few percent of the SIMD ceiling. Here the lanes run over 4 edges of one unit instead. A unit's
 * edges are contiguous in gather order (the weights and the row indices alike), so a step is one
 * vector load of 4 weights, 4 row indices, 4 scalar loads into the lanes of x (wasm has no gather
 * instruction) and one multiply-add per sample; one horizontal sum per (unit, sample) at the end. No
 * second weight layout is needed, and fan-ins that differ per unit cost only a last partial step
 * (lanes past the unit's last edge are zero, never loaded).
 *
 * - Forward (`gatherEdges` by target): at B = 1 units go by fours, each with two accumulators
 *   (alternate 4-edge steps, so each chain waits half as long), and the four sums are reduced and
 *   stored as one vector (`hsum4`). At B = 2, 3 a step's 4 row addresses serve every sample.
 * - Backward input is the same gather over the transpose (by source), its weights gathered through
 *   edgeOf into the lanes: no transposed copy of W is written and read back. At B = 1 on layers whose
 *   quads cut into blocks the backend runs quad-kernels.ts' `sparseBackwardInputQuads` instead
 *   (4.2× faster at n = 4096, K = 32).
 * - Backward weight (dW[e] = sum over b of dy[t, b] * x[src(e), b]) runs 4 edges of a target per
 *   vector, one multiply-add per sample, and stores 4 gradients at once.
 *
 * Measured and dropped: for 4 <= B < 16, batch lanes with four units' multiply-add chains advancing
 * together (so that four are in flight instead of one) were no faster than the regular kernels at
 * n = 4096, K = 32; the batch fills the lanes there, and the loads bound the time.
 *
 * A unit's result never depends on the range [u0, u1) it is computed in (the groups of four units at
 * B = 1 reduce lane by lane as `hsum` does), so results are bit-identical for any thread count.
 *
 * Shape legend: B batch (1..3), I inputs, O outputs, E edges, U units (rows of y), R rows of x.
 * Pointers are byte addresses; edgeOf = 0 means the weights are in the units' own edge order.
 */
import { biasAt, hsum, hsum4, madd } from './simd';

/** x at p0 .. p3 (each + o), one lane each. */
function lanes4(p0: usize, p1: usize, p2: usize, p3: usize, o: usize): v128 {
  let v = v128.load32_zero(p0 + o);
  v = v128.load32_lane(p1 + o, v, 1);
  v = v128.load32_lane(p2 + o, v, 2);
  return v128.load32_lane(p3 + o, v, 3);
}

/** Row address x + row(e+j) * rowBytes for j = 0..3 of the 4 row indices at r, gathered at byte o. */
function gather4(x: usize, r: usize, rowBytes: usize, o: usize): v128 {
  return lanes4(x + <usize>load<i32>(r) * rowBytes, x + <usize>load<i32>(r, 4) * rowBytes,
    x + <usize>load<i32>(r, 8) * rowBytes, x + <usize>load<i32>(r, 12) * rowBytes, o);
}

/** The first n (1..3) lanes of `gather4`; the others zero. */
function gatherPart(x: usize, r: usize, rowBytes: usize, o: usize, n: i32): v128 {
  let v = v128.load32_zero(x + <usize>load<i32>(r) * rowBytes + o);
  if (n > 1) v = v128.load32_lane(x + <usize>load<i32>(r, 4) * rowBytes + o, v, 1);
  if (n > 2) v = v128.load32_lane(x + <usize>load<i32>(r, 8) * rowBytes + o, v, 2);
  return v;
}

/** The n (1..3) floats at p in the first n lanes; the others zero. */
function loadPart(p: usize, n: i32): v128 {
  let v = v128.load32_zero(p);
  if (n > 1) v = v128.load32_lane(p, v, 1, 4);
  if (n > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

/** Stores the first n (1..3) lanes of v at p. */
function storePart(p: usize, v: v128, n: i32): void {
  v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p, v, 1, 4);
  if (n > 2) v128.store32_lane(p, v, 2, 8);
}

/**
 * The weights of edges e .. e+3: W[e .. e+3] (edgeOf = 0), or W[edgeOf[e+j]], one lane each. The
 * branch is the same for every step of a call.
 */
function weights4(W: usize, edgeOf: usize, e: i32): v128 {
  if (edgeOf == 0) return v128.load(W + (<usize>e << 2));
  return gather4(W, edgeOf + (<usize>e << 2), 4, 0);
}

/** The first n (1..3) lanes of `weights4`; the others zero. */
function weightsPart(W: usize, edgeOf: usize, e: i32, n: i32): v128 {
  if (edgeOf == 0) return loadPart(W + (<usize>e << 2), n);
  return gatherPart(W, edgeOf + (<usize>e << 2), 4, 0, n);
}

/**
 * B = 1: the vector whose `hsum` is the sum over edges e0..e1-1 of w(e) * x[row(e)]. Two accumulators
 * take alternate 4-edge steps; a last partial step goes to the second.
 */
function dotEdges1(x: usize, W: usize, edgeOf: usize, rows: usize, e0: i32, e1: i32): v128 {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let e = e0;
  for (; e + 8 <= e1; e += 8) {
    const r = rows + (<usize>e << 2);
    a0 = madd(weights4(W, edgeOf, e), gather4(x, r, 4, 0), a0);
    a1 = madd(weights4(W, edgeOf, e + 4), gather4(x, r + 16, 4, 0), a1);
  }
  if (e + 4 <= e1) {
    a0 = madd(weights4(W, edgeOf, e), gather4(x, rows + (<usize>e << 2), 4, 0), a0);
    e += 4;
  }
  if (e < e1) a1 = madd(weightsPart(W, edgeOf, e, e1 - e), gatherPart(x, rows + (<usize>e << 2), 4, 0, e1 - e), a1);
  return f32x4.add(a0, a1);
}

/** B = 1: rows u in [u0, u1), by fours (one `hsum4` and one vector store), then one at a time. */
function gatherEdges1(u0: i32, u1: i32, y: usize, x: usize, W: usize, edgeOf: usize, bias: usize, offsets: usize,
  rows: usize): void {
  let u = u0;
  for (; u + 4 <= u1; u += 4) {
    const off = offsets + (<usize>u << 2);
    const e0 = load<i32>(off);
    const e1 = load<i32>(off, 4);
    const e2 = load<i32>(off, 8);
    const e3 = load<i32>(off, 12);
    const e4 = load<i32>(off, 16);
    let s = hsum4(dotEdges1(x, W, edgeOf, rows, e0, e1), dotEdges1(x, W, edgeOf, rows, e1, e2),
      dotEdges1(x, W, edgeOf, rows, e2, e3), dotEdges1(x, W, edgeOf, rows, e3, e4));
    if (bias != 0) s = f32x4.add(s, v128.load(bias + (<usize>u << 2)));
    v128.store(y + (<usize>u << 2), s);
  }
  for (; u < u1; u++) {
    const off = offsets + (<usize>u << 2);
    const s = hsum(dotEdges1(x, W, edgeOf, rows, load<i32>(off), load<i32>(off, 4)));
    store<f32>(y + (<usize>u << 2), s + biasAt(bias, u));
  }
}

/**
 * B = 2, 3: lane b of the result is the sum over edges e0..e1-1 of w(e) * x[row(e), b], lanes b >= B
 * zero. One accumulator per sample; a step's 4 row addresses serve every sample.
 */
function dotEdgesFew(x: usize, W: usize, edgeOf: usize, rows: usize, e0: i32, e1: i32, B: i32): v128 {
  const rowBytes = <usize>B << 2;
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let e = e0;
  for (; e + 4 <= e1; e += 4) {
    const r = rows + (<usize>e << 2);
    const w = weights4(W, edgeOf, e);
    const p0 = x + <usize>load<i32>(r) * rowBytes;
    const p1 = x + <usize>load<i32>(r, 4) * rowBytes;
    const p2 = x + <usize>load<i32>(r, 8) * rowBytes;
    const p3 = x + <usize>load<i32>(r, 12) * rowBytes;
    a0 = madd(w, lanes4(p0, p1, p2, p3, 0), a0);
    a1 = madd(w, lanes4(p0, p1, p2, p3, 4), a1);
    if (B > 2) a2 = madd(w, lanes4(p0, p1, p2, p3, 8), a2);
  }
  if (e < e1) {
    const m = e1 - e;
    const r = rows + (<usize>e << 2);
    const w = weightsPart(W, edgeOf, e, m);
    a0 = madd(w, gatherPart(x, r, rowBytes, 0, m), a0);
    a1 = madd(w, gatherPart(x, r, rowBytes, 4, m), a1);
    if (B > 2) a2 = madd(w, gatherPart(x, r, rowBytes, 8, m), a2);
  }
  return hsum4(a0, a1, a2, f32x4.splat(0));
}

/**
 * y[U,B] = bias[U] (or 0) + sum over e in offsets[u] .. offsets[u+1]-1 of w(e) * x[rows[e], B], where
 * w(e) = W[e], or W[edgeOf[e]] when edgeOf != 0; rows u in [u0, u1). y must not alias x. B = 1..3.
 */
function gatherEdges(u0: i32, u1: i32, y: usize, x: usize, W: usize, edgeOf: usize, bias: usize, offsets: usize,
  rows: usize, B: i32): void {
  if (B == 1) {
    gatherEdges1(u0, u1, y, x, W, edgeOf, bias, offsets, rows);
    return;
  }
  const rowBytes = <usize>B << 2;
  for (let u = u0; u < u1; u++) {
    const off = offsets + (<usize>u << 2);
    const s = dotEdgesFew(x, W, edgeOf, rows, load<i32>(off), load<i32>(off, 4), B);
    storePart(y + <usize>u * rowBytes, f32x4.add(s, f32x4.splat(biasAt(bias, u))), B);
  }
}

// y[O,B] <- x[I,B], W[E], bias[O] | 0, targetOffsets[O+1], sources[E]; targets [t0, t1); B = 1..3
export function sparseForwardSmallBatch(t0: i32, t1: i32, y: usize, x: usize, W: usize, bias: usize, targetOffsets: usize,
  sources: usize, B: i32): void {
  gatherEdges(t0, t1, y, x, W, 0, bias, targetOffsets, sources, B);
}

// dx[I,B] <- dy[O,B], W[E], sourceOffsets[I+1], targets[E], edgeOf[E]; sources [s0, s1); B = 1..3
export function sparseBackwardInputSmallBatch(s0: i32, s1: i32, dx: usize, dy: usize, W: usize, sourceOffsets: usize,
  targets: usize, edgeOf: usize, B: i32): void {
  gatherEdges(s0, s1, dx, dy, W, edgeOf, 0, sourceOffsets, targets, B);
}

/**
 * The dot products over b < B of dy[b] (at g) and x[row(e+j), b] for the 4 edges j whose row indices
 * are at r (n = 1..3: only the first n edges; the other lanes zero). A multiply-add per sample, in order.
 */
function edgeDots(g: usize, x: usize, r: usize, B: i32, n: i32): v128 {
  const rowBytes = <usize>B << 2;
  let a = f32x4.mul(v128.load32_splat(g), n == 4 ? gather4(x, r, rowBytes, 0) : gatherPart(x, r, rowBytes, 0, n));
  for (let b = 1; b < B; b++) {
    const o = <usize>b << 2;
    a = madd(v128.load32_splat(g + o), n == 4 ? gather4(x, r, rowBytes, o) : gatherPart(x, r, rowBytes, o, n), a);
  }
  return a;
}

// dW[E] <- dy[O,B], x[I,B], targetOffsets[O+1], sources[E]; targets [t0, t1); B = 1..3
export function sparseBackwardWeightSmallBatch(t0: i32, t1: i32, dW: usize, dy: usize, x: usize, targetOffsets: usize,
  sources: usize, B: i32): void {
  const rowBytes = <usize>B << 2;
  for (let t = t0; t < t1; t++) {
    const g = dy + <usize>t * rowBytes;
    const e1 = load<i32>(targetOffsets + (<usize>t << 2), 4);
    let e = load<i32>(targetOffsets + (<usize>t << 2));
    if (B == 1) {
      const d = v128.load32_splat(g);
      for (; e + 4 <= e1; e += 4) v128.store(dW + (<usize>e << 2), f32x4.mul(d, gather4(x, sources + (<usize>e << 2), 4, 0)));
    } else {
      for (; e + 4 <= e1; e += 4) v128.store(dW + (<usize>e << 2), edgeDots(g, x, sources + (<usize>e << 2), B, 4));
    }
    if (e < e1) storePart(dW + (<usize>e << 2), edgeDots(g, x, sources + (<usize>e << 2), B, e1 - e), e1 - e);
  }
}
