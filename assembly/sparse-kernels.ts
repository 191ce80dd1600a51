/**
 * The sparse layer's three kernels over one range each (see src/kernels/kernels.ts for the gather
 * form). Forward is `gatherRows` by target; backward input is the same gather over the transpose
 * (by source), after copying the weights into source-major order; backward weight is one dot
 * product over the batch per edge.
 *
 * A fused backward (both results in one pass over the transpose, each dy row feeding the dx sum
 * and its edge's dot product, with a running dot vector per edge in scratch) lived here until
 * issue #11 measured it against these two kernels on an idle machine (n -> n, K = 32, FMA build):
 * 0.88-0.95x at n = 1024-4096 and 0.4-0.6x at n = 8192-16384 (B = 64 and 128, 1 and 2 threads).
 * It gave the same bits; it is gone, and with it its 16 bytes of scratch per edge.
 *
 * The forward (where a ReLU follows) and the weight gradient can skip the edges from rows of x that
 * are zero in every sample (live-rows.ts: about a third of MNIST's pixels in a batch of 128), with
 * the same bits; the backend flags the rows and decides (src/kernels/wasm/create-wasm-kernels.ts).
 *
 * Shape legend: B batch, I inputs, O outputs, E edges. Pointers are byte addresses.
 */
import { gatherRow, gatherRows } from './gather-rows';
import { keepLiveEdges, keepLivePositions } from './live-rows';
import { biasAt, dotRow, hsum4, madd, sumRow, tailMask } from './simd';

// y[O,B] <- x[I,B], W[E], bias[O] | 0, targetOffsets[O+1], sources[E]; targets [t0, t1). With live != 0
// (live-rows.ts: live[I] bytes, B >= 4, a ReLU to follow), only the edges from live rows, copied first
// to keptRows[E] / keptW[E] (scratch) at the target's edge positions.
export function sparseForward(t0: i32, t1: i32, y: usize, x: usize, W: usize, bias: usize, targetOffsets: usize,
  sources: usize, B: i32, live: usize, keptRows: usize, keptW: usize): void {
  if (live == 0) {
    gatherRows(t0, t1, y, x, W, bias, targetOffsets, sources, B);
    return;
  }
  const rowBytes = <usize>B << 2;
  for (let t = t0; t < t1; t++) {
    const e0 = load<i32>(targetOffsets + (<usize>t << 2));
    const end = keepLiveEdges(e0, load<i32>(targetOffsets + (<usize>t << 2), 4), sources, W, live, keptRows, keptW);
    gatherRow(y + <usize>t * rowBytes, x, keptW, keptRows, e0, end, B, biasAt(bias, t));
  }
}

/** Wt[j] = W[edgeOf[j]] for the edges j out of sources [s0, s1): the weights in source-major order. */
function transposeWeights(s0: i32, s1: i32, W: usize, Wt: usize, sourceOffsets: usize, edgeOf: usize): void {
  const j1 = load<i32>(sourceOffsets + (<usize>s1 << 2));
  for (let j = load<i32>(sourceOffsets + (<usize>s0 << 2)); j < j1; j++) {
    store<f32>(Wt + (<usize>j << 2), load<f32>(W + (<usize>load<i32>(edgeOf + (<usize>j << 2)) << 2)));
  }
}

// dx[I,B] <- dy[O,B], W[E]; Wt[E] is scratch (W in source-major order); sources [s0, s1)
export function sparseBackwardInput(s0: i32, s1: i32, dx: usize, dy: usize, W: usize, Wt: usize, sourceOffsets: usize,
  targets: usize, edgeOf: usize, B: i32): void {
  transposeWeights(s0, s1, W, Wt, sourceOffsets, edgeOf);
  gatherRows(s0, s1, dx, dy, Wt, 0, sourceOffsets, targets, B);
}

/**
 * The four dot(g, x_k) over b < B for the four rows a, c, d, f, each reduced as `dotRow` does.
 * One vector per iteration with walking pointers: 4 sums, 5 loads; measured faster than 2 vectors
 * (8 sums spill) or index arithmetic in the loop. Eight rows at once (8 sums, 9 loads an iteration,
 * one offset; the same bits) ran the MNIST input pair's weight gradient at 0.94-0.97× (B = 32 and
 * 128, 2026-12-01): four chains of 4-cycle multiply-adds are not what holds it.
 */
function dot4(g: usize, a: usize, c: usize, d: usize, f: usize, B: i32): v128 {
  if (B < 4) {
    const v = f32x4.replace_lane(f32x4.splat(dotRow(g, a, B)), 1, dotRow(g, c, B));
    return f32x4.replace_lane(f32x4.replace_lane(v, 2, dotRow(g, d, B)), 3, dotRow(g, f, B));
  }
  const zero = f32x4.splat(0);
  let a0 = zero;
  let c0 = zero;
  let d0 = zero;
  let f0 = zero;
  const full = (<usize>B >> 2) << 4; // bytes of the whole vectors
  const gEnd = g + full;
  let ap = a;
  let cp = c;
  let dp = d;
  let fp = f;
  for (let gp = g; gp < gEnd; gp += 16) {
    const g0 = v128.load(gp);
    a0 = madd(g0, v128.load(ap), a0);
    c0 = madd(g0, v128.load(cp), c0);
    d0 = madd(g0, v128.load(dp), d0);
    f0 = madd(g0, v128.load(fp), f0);
    ap += 16;
    cp += 16;
    dp += 16;
    fp += 16;
  }
  if ((B & 3) != 0) {
    const o = <usize>(B - 4) << 2;
    const m = tailMask(B & 3);
    const g1 = v128.load(g + o);
    a0 = f32x4.add(a0, v128.and(f32x4.mul(g1, v128.load(a + o)), m));
    c0 = f32x4.add(c0, v128.and(f32x4.mul(g1, v128.load(c + o)), m));
    d0 = f32x4.add(d0, v128.and(f32x4.mul(g1, v128.load(d + o)), m));
    f0 = f32x4.add(f0, v128.and(f32x4.mul(g1, v128.load(f + o)), m));
  }
  return hsum4(a0, c0, d0, f0);
}

// dW[E] <- dy[O,B], x[I,B], targetOffsets[O+1], sources[E]; and db[O] = sum_b dy (biasBackward's `sumRow`, fused:
// dy's row is in L1 then) where db != 0; targets [t0, t1). With live != 0 (live-rows.ts: live[I] bytes,
// B >= 4), the edges from rows of zeros get +0 and only the others' positions, copied to kept[E]
// (scratch), run their dot products.
export function sparseBackwardWeight(t0: i32, t1: i32, dW: usize, dy: usize, x: usize, targetOffsets: usize,
  sources: usize, B: i32, db: usize, live: usize, kept: usize): void {
  const rowBytes = <usize>B << 2;
  for (let t = t0; t < t1; t++) {
    const g = dy + <usize>t * rowBytes;
    if (db != 0) store<f32>(db + (<usize>t << 2), sumRow(g, B));
    const e1 = load<i32>(targetOffsets + (<usize>t << 2), 4);
    let e = load<i32>(targetOffsets + (<usize>t << 2));
    if (live != 0) {
      keptDots(dW, g, x, sources, kept, e, keepLivePositions(e, e1, sources, live, kept, dW), B);
      continue;
    }
    for (; e + 4 <= e1; e += 4) {
      const s = sources + (<usize>e << 2);
      v128.store(dW + (<usize>e << 2), dot4(g,
        x + <usize>load<i32>(s) * rowBytes, x + <usize>load<i32>(s, 4) * rowBytes,
        x + <usize>load<i32>(s, 8) * rowBytes, x + <usize>load<i32>(s, 12) * rowBytes, B));
    }
    for (; e < e1; e++) {
      store<f32>(dW + (<usize>e << 2), dotRow(g, x + <usize>load<i32>(sources + (<usize>e << 2)) * rowBytes, B));
    }
  }
}

/** dW[e] = dot(g, x[sources[e]]) for the edge positions e at kept[k0 .. k1), four at a time as above. */
function keptDots(dW: usize, g: usize, x: usize, sources: usize, kept: usize, k0: i32, k1: i32, B: i32): void {
  const rowBytes = <usize>B << 2;
  let k = k0;
  for (; k + 4 <= k1; k += 4) {
    const p = kept + (<usize>k << 2);
    const ea = <usize>load<i32>(p) << 2;
    const ec = <usize>load<i32>(p, 4) << 2;
    const ed = <usize>load<i32>(p, 8) << 2;
    const ef = <usize>load<i32>(p, 12) << 2;
    const v = dot4(g, x + <usize>load<i32>(sources + ea) * rowBytes, x + <usize>load<i32>(sources + ec) * rowBytes,
      x + <usize>load<i32>(sources + ed) * rowBytes, x + <usize>load<i32>(sources + ef) * rowBytes, B);
    store<f32>(dW + ea, f32x4.extract_lane(v, 0));
    store<f32>(dW + ec, f32x4.extract_lane(v, 1));
    store<f32>(dW + ed, f32x4.extract_lane(v, 2));
    store<f32>(dW + ef, f32x4.extract_lane(v, 3));
  }
  for (; k < k1; k++) {
    const e = <usize>load<i32>(kept + (<usize>k << 2)) << 2;
    store<f32>(dW + e, dotRow(g, x + <usize>load<i32>(sources + e) * rowBytes, B));
  }
}

// ---- The windowed split over threads. Rows [0, N) (targets, or sources for the input gradient)
// go in windows of S rows, window w to part w mod T; a call runs parts [p0, p1). With T threads
// each taking one part, the threads work on neighbouring windows at the same time, and with
// Sobol' paths stored bit-reversed neighbouring windows gather from the same coarser source
// windows (src/topology/window-spread.ts): the threads share the lines they bring into L3,
// where contiguous halves of the rows walk disjoint source windows and split L3 between them.
// Every row is computed whole by one call, as above: the same bits for any split.

export function sparseForwardWindows(p0: i32, p1: i32, S: i32, T: i32, N: i32, y: usize, x: usize, W: usize, bias: usize,
  targetOffsets: usize, sources: usize, B: i32, live: usize, keptRows: usize, keptW: usize): void {
  for (let p = p0; p < p1; p++) {
    for (let u = p * S; u < N; u += T * S) sparseForward(u, min(N, u + S), y, x, W, bias, targetOffsets, sources, B, live, keptRows, keptW);
  }
}

export function sparseBackwardInputWindows(p0: i32, p1: i32, S: i32, T: i32, N: i32, dx: usize, dy: usize, W: usize, Wt: usize,
  sourceOffsets: usize, targets: usize, edgeOf: usize, B: i32): void {
  for (let p = p0; p < p1; p++) {
    for (let u = p * S; u < N; u += T * S) sparseBackwardInput(u, min(N, u + S), dx, dy, W, Wt, sourceOffsets, targets, edgeOf, B);
  }
}

export function sparseBackwardWeightWindows(p0: i32, p1: i32, S: i32, T: i32, N: i32, dW: usize, dy: usize, x: usize,
  targetOffsets: usize, sources: usize, B: i32, db: usize, live: usize, kept: usize): void {
  for (let p = p0; p < p1; p++) {
    for (let u = p * S; u < N; u += T * S) sparseBackwardWeight(u, min(N, u + S), dW, dy, x, targetOffsets, sources, B, db, live, kept);
  }
}
