/**
 * The sparse layer's three kernels over one range each (see src/kernels/kernels.ts for the gather
 * form). Forward is `gatherRows` by target; backward input is the same gather over the transpose
 * (by source), after copying the weights into source-major order; backward weight is one dot
 * product over the batch per edge; `sparseBackward` computes both backward results in one pass.
 *
 * Shape legend: B batch, I inputs, O outputs, E edges. Pointers are byte addresses.
 */
import { gatherRows } from './gather-rows';
import { dotRow, hsum, hsum4, madd, tailMask } from './simd';

// y[O,B] <- x[I,B], W[E], bias[O] | 0, targetOffsets[O+1], sources[E]; targets [t0, t1)
export function sparseForward(t0: i32, t1: i32, y: usize, x: usize, W: usize, bias: usize, targetOffsets: usize,
  sources: usize, B: i32): void {
  gatherRows(t0, t1, y, x, W, bias, targetOffsets, sources, B);
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
 * One 4-vector chunk of the fused backward for one source: dxp / xp / dyo are offset to the chunk
 * (dyo = dy + chunk offset). dx[s] chunk = sum over edges j of Wt[j] * dy[t_j] chunk (in registers,
 * as `gatherRows` sums); P[j] += the chunk's dot-product terms dy[t_j] * x[s], one `madd` per vector
 * in order, which is the order `dot4` accumulates in. 4 x vectors, 4 sums, 4 dy loads, the weight
 * and the partial: 14 registers.
 */
function backwardChunk4(dxp: usize, xp: usize, dyo: usize, Wt: usize, targets: usize, P: usize, j0: i32, j1: i32,
  rowBytes: usize): void {
  const x0 = v128.load(xp);
  const x1 = v128.load(xp, 16);
  const x2 = v128.load(xp, 32);
  const x3 = v128.load(xp, 48);
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  for (let j = j0; j < j1; j++) {
    const w = v128.load32_splat(Wt + (<usize>j << 2));
    const d = dyo + <usize>load<i32>(targets + (<usize>j << 2)) * rowBytes;
    const d0 = v128.load(d);
    const d1 = v128.load(d, 16);
    const d2 = v128.load(d, 32);
    const d3 = v128.load(d, 48);
    a0 = madd(w, d0, a0);
    a1 = madd(w, d1, a1);
    a2 = madd(w, d2, a2);
    a3 = madd(w, d3, a3);
    const pp = P + (<usize>j << 4);
    v128.store(pp, madd(d3, x3, madd(d2, x2, madd(d1, x1, madd(d0, x0, v128.load(pp))))));
  }
  v128.store(dxp, a0);
  v128.store(dxp, a1, 16);
  v128.store(dxp, a2, 32);
  v128.store(dxp, a3, 48);
}

/**
 * One vector of the fused backward at dxp / xp / dyo. `newLanes` 0: a whole vector; 1..3: the
 * overlapping last vector, whose dot-product terms keep only its last `newLanes` lanes (masked, as
 * `dot4` adds its tail) and whose dx lanes are recomputed alike.
 */
function backwardChunk1(dxp: usize, xp: usize, dyo: usize, Wt: usize, targets: usize, P: usize, j0: i32, j1: i32,
  rowBytes: usize, newLanes: i32): void {
  const x0 = v128.load(xp);
  const mask = tailMask(newLanes);
  let a0 = f32x4.splat(0);
  for (let j = j0; j < j1; j++) {
    const d0 = v128.load(dyo + <usize>load<i32>(targets + (<usize>j << 2)) * rowBytes);
    a0 = madd(v128.load32_splat(Wt + (<usize>j << 2)), d0, a0);
    const pp = P + (<usize>j << 4);
    const sum = newLanes != 0 ? f32x4.add(v128.load(pp), v128.and(f32x4.mul(d0, x0), mask)) : madd(d0, x0, v128.load(pp));
    v128.store(pp, sum);
  }
  v128.store(dxp, a0);
}

/**
 * Both gradients in one pass over the transpose, sources [s0, s1): dx exactly as
 * `sparseBackwardInput` and dW exactly as `sparseBackwardWeight` compute them (bit for bit), but a
 * source's row x[s] is read once and every dy row it gathers feeds both its dx sum and its edge's
 * dot product, which halves the loads of the two passes. P[4E] is scratch: the running dot
 * product of edge j (source-major) as one vector, reduced with `hsum` at the end.
 */
export function sparseBackward(s0: i32, s1: i32, dx: usize, dW: usize, dy: usize, x: usize, W: usize, Wt: usize, P: usize,
  sourceOffsets: usize, targets: usize, edgeOf: usize, B: i32): void {
  transposeWeights(s0, s1, W, Wt, sourceOffsets, edgeOf);
  const rowBytes = <usize>B << 2;
  if (B < 4) {
    gatherRows(s0, s1, dx, dy, Wt, 0, sourceOffsets, targets, B);
    for (let s = s0; s < s1; s++) {
      const j1 = load<i32>(sourceOffsets + (<usize>s << 2), 4);
      for (let j = load<i32>(sourceOffsets + (<usize>s << 2)); j < j1; j++) {
        const dyRow = dy + <usize>load<i32>(targets + (<usize>j << 2)) * rowBytes;
        store<f32>(dW + (<usize>load<i32>(edgeOf + (<usize>j << 2)) << 2), dotRow(dyRow, x + <usize>s * rowBytes, B));
      }
    }
    return;
  }
  const zero = f32x4.splat(0);
  const last = <usize>(B - 4) << 2;
  for (let s = s0; s < s1; s++) {
    const j0 = load<i32>(sourceOffsets + (<usize>s << 2));
    const j1 = load<i32>(sourceOffsets + (<usize>s << 2), 4);
    for (let j = j0; j < j1; j++) v128.store(P + (<usize>j << 4), zero);
    const xr = x + <usize>s * rowBytes;
    const dxr = dx + <usize>s * rowBytes;
    let b = 0;
    for (; b + 16 <= B; b += 16) {
      const o = <usize>b << 2;
      backwardChunk4(dxr + o, xr + o, dy + o, Wt, targets, P, j0, j1, rowBytes);
    }
    for (; b + 4 <= B; b += 4) {
      const o = <usize>b << 2;
      backwardChunk1(dxr + o, xr + o, dy + o, Wt, targets, P, j0, j1, rowBytes, 0);
    }
    if (b < B) backwardChunk1(dxr + last, xr + last, dy + last, Wt, targets, P, j0, j1, rowBytes, B - b);
    for (let j = j0; j < j1; j++) {
      store<f32>(dW + (<usize>load<i32>(edgeOf + (<usize>j << 2)) << 2), hsum(v128.load(P + (<usize>j << 4))));
    }
  }
}

/**
 * out[0..3] = dot(g, x_k) over b < B for the four rows a, c, d, f, each reduced as `dotRow` does.
 * One vector per iteration with walking pointers: 4 sums, 5 loads; measured faster than 2 vectors
 * (8 sums spill) or index arithmetic in the loop.
 */
function dot4(out: usize, g: usize, a: usize, c: usize, d: usize, f: usize, B: i32): void {
  if (B < 4) {
    store<f32>(out, dotRow(g, a, B));
    store<f32>(out, dotRow(g, c, B), 4);
    store<f32>(out, dotRow(g, d, B), 8);
    store<f32>(out, dotRow(g, f, B), 12);
    return;
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
  v128.store(out, hsum4(a0, c0, d0, f0));
}

// dW[E] <- dy[O,B], x[I,B], targetOffsets[O+1], sources[E]; targets [t0, t1)
export function sparseBackwardWeight(t0: i32, t1: i32, dW: usize, dy: usize, x: usize, targetOffsets: usize,
  sources: usize, B: i32): void {
  const rowBytes = <usize>B << 2;
  for (let t = t0; t < t1; t++) {
    const g = dy + <usize>t * rowBytes;
    const e1 = load<i32>(targetOffsets + (<usize>t << 2), 4);
    let e = load<i32>(targetOffsets + (<usize>t << 2));
    for (; e + 4 <= e1; e += 4) {
      const s = sources + (<usize>e << 2);
      dot4(dW + (<usize>e << 2), g,
        x + <usize>load<i32>(s) * rowBytes, x + <usize>load<i32>(s, 4) * rowBytes,
        x + <usize>load<i32>(s, 8) * rowBytes, x + <usize>load<i32>(s, 12) * rowBytes, B);
    }
    for (; e < e1; e++) {
      store<f32>(dW + (<usize>e << 2), dotRow(g, x + <usize>load<i32>(sources + (<usize>e << 2)) * rowBytes, B));
    }
  }
}
