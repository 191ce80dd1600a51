/**
 * The gather at the heart of the sparse kernels: for rows u in [u0, u1),
 *
 *   y[u, b] = bias[u] + sum over e in offsets[u] .. offsets[u+1]-1 of W[e] * x[rows[e], b]
 *
 * (bias = 0: no bias). The batch is cut into chunks of 6, 4 and 1 vectors; a chunk keeps its
 * sums in registers over all edges of the row and stores once, so y is written once per row. Every
 * element sums bias, then the edges in order, one `madd` each, on every path: a
 * row's values do not depend on the chunking or on which thread runs it.
 *
 * Schedule: rows u in storage order. With Sobol' paths on power-of-two widths stored bit-reversed
 * (train's default for hidden units), that order is already the window order of
 * src/topology/window-spread.ts: every aligned window of 2^q rows of y gathers from at most K
 * aligned windows of 2^q rows of x, at every q at once, so the gathers of consecutive rows walk K
 * contiguous runs of x.
 *
 * Measured and dropped (issue #11; n → n, K = 32, B = 128, n = 1024 … 65536, FMA build, one
 * thread, round-robin, machine loaded by two training runs, so ratios only; bit-identical results
 * in both cases, since each element still sums bias, then its edges in ascending source order):
 * - batch tiles (all rows for samples [b, b + 16·m), then the next tile), to keep R × tile × 4
 *   bytes of x cached between the ~K reads of each row: 0.45-0.9× this kernel at n >= 4096 (tiles
 *   of 16-64), ~1.0-1.2× at n = 1024. A row's 6 chunks here read its x rows from L1 after the first
 *   chunk; a tile touches each x line once per pass, from L2 or beyond, and loses that reuse.
 * - window scatter (per window of 16 rows of y, its edges sorted by source: x read as K contiguous
 *   runs, y rows updated in L1): 0.3-0.6× (tiles of 16-128 samples). The load-add-store of y per
 *   edge costs more than the gathers it makes sequential.
 * - two threads splitting the batch (each thread every row, its half of the columns), against the
 *   windowed split of rows (assembly/sparse-kernels.ts; npm run bench:split, three runs, the step
 *   on 2 threads over 1 thread, medians): 1.67 / 1.65 at n = 1024, 1.82 / 1.68 at 4096, 1.32 / 1.97
 *   at 16384, 2.04 / 2.25 at 65536; and the weight gradient cannot split by samples without
 *   changing its sums.
 * - touching the next row's K source rows (every line, a burst of independent loads) before a
 *   row's chunks, as a software prefetch (wasm has no prefetch instruction): 0.70-0.76× at
 *   n = 1024-4096, 0.95-1.38× at 16384, 0.90-1.00× at 65536 (one thread, forward, two runs).
 *
 * What TurboFan makes of chunk6's edge loop (Node 20, FMA build, `node --no-liftoff
 * --print-wasm-code`, 2026-11-30): unrolled 3 times, no spills, about 20 instructions per edge: the
 * weight's vbroadcastss, the index load, imul by the row bytes and two address adds, 6 vmovdqu and
 * 6 vfmadd231ps (no memory operands), the counter and branch, plus a stack check per 3 edges. At
 * Zen 3's 6-wide dispatch that alone allows about 1.2-1.5 FMAs per cycle (60-75 % of the ceiling)
 * beside the 4-cycle FMA chains; the 1024-wide step runs at about 35 %. Memory is not what holds it
 * there: with every target's 32 sources among the same 32 rows (x's rows in L1), the 1024 → 1024
 * forward at B = 128 ran at 17.4-18.0 GFLOP/s (about 0.8 FMAs per cycle, 7.7 cycles per 6-FMA
 * step), among 256 rows (L2) 14.4-15.2, on the Sobol' layer 13.2-13.5 (one thread, two rounds).
 *
 * Where the rest goes (2026-11-30, throwaway AssemblyScript variants of chunk6 timed against a
 * 10-chain FMA loop in one process, 1024 targets, K = 32, B = 128, random rows, the machine lightly
 * loaded): 6 chains of multiply-adds alone, no loads, run at 75-80 % of the ceiling (the 4-cycle
 * chains: 6 in flight allow 75 %); with one x load per multiply-add at a fixed address, 50-60 %
 * (so the loads, not the gather, take the first quarter); the real loop with its index load and
 * address, x in L1, 40-56 %. `npm run bench:width` now times both references in every width group
 * (the load-fed loop as a hand-assembled module: 64-77 % at one step an iteration). Dropped:
 * computing the next edge's row address one step ahead, with the row's byte offset stored in the
 * index (no multiply), by a shift for power-of-two rows, or with the multiply: 0.95-1.05x of this
 * loop at 32 to 32768 random rows. Eight chains (four per edge, two edges a step) spill and run at
 * about half the speed.
 *
 * Shapes: y[U,B], x[R,B], W[E], bias[U] | 0, offsets[U+1], rows[E] (Int32). y must not alias x.
 */

import { biasAt, madd, madd1 } from './simd';

/**
 * Chunk of 6 vectors (24 samples) at yp / xp (already offset to the chunk), one edge per step.
 * V8 (TurboFan) issues all loads of a step before its arithmetic, so a step holds its 6 loads, 6
 * sums and the weight in registers: 13 of the 15 xmm registers it hands out. Measured on
 * 1024→1024, fan-in 32: faster than 4 vectors × 2 edges (the previous form), 7 vectors are no
 * faster, and 8 spill. With fused multiply-adds a 4-vector chunk waits on its 4-cycle FMA chains;
 * 6 independent sums hide that.
 */
function chunk6(yp: usize, xp: usize, W: usize, rows: usize, e0: i32, e1: i32, rowBytes: usize, b0: f32): void {
  let a0 = f32x4.splat(b0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let a4 = a0;
  let a5 = a0;
  for (let e = e0; e < e1; e++) {
    const w = v128.load32_splat(W + (<usize>e << 2));
    const s = xp + <usize>load<i32>(rows + (<usize>e << 2)) * rowBytes;
    a0 = madd(w, v128.load(s), a0);
    a1 = madd(w, v128.load(s, 16), a1);
    a2 = madd(w, v128.load(s, 32), a2);
    a3 = madd(w, v128.load(s, 48), a3);
    a4 = madd(w, v128.load(s, 64), a4);
    a5 = madd(w, v128.load(s, 80), a5);
  }
  v128.store(yp, a0);
  v128.store(yp, a1, 16);
  v128.store(yp, a2, 32);
  v128.store(yp, a3, 48);
  v128.store(yp, a4, 64);
  v128.store(yp, a5, 80);
}

/** Chunk of 4 vectors (16 samples), one edge per step. */
function chunk4(yp: usize, xp: usize, W: usize, rows: usize, e0: i32, e1: i32, rowBytes: usize, b0: f32): void {
  let a0 = f32x4.splat(b0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  for (let e = e0; e < e1; e++) {
    const w = v128.load32_splat(W + (<usize>e << 2));
    const s = xp + <usize>load<i32>(rows + (<usize>e << 2)) * rowBytes;
    a0 = madd(w, v128.load(s), a0);
    a1 = madd(w, v128.load(s, 16), a1);
    a2 = madd(w, v128.load(s, 32), a2);
    a3 = madd(w, v128.load(s, 48), a3);
  }
  v128.store(yp, a0);
  v128.store(yp, a1, 16);
  v128.store(yp, a2, 32);
  v128.store(yp, a3, 48);
}

/** One vector (4 samples), one edge per step. */
function chunk1(yp: usize, xp: usize, W: usize, rows: usize, e0: i32, e1: i32, rowBytes: usize, b0: f32): void {
  let a0 = f32x4.splat(b0);
  for (let e = e0; e < e1; e++) {
    const s = xp + <usize>load<i32>(rows + (<usize>e << 2)) * rowBytes;
    a0 = madd(v128.load32_splat(W + (<usize>e << 2)), v128.load(s), a0);
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
      a = madd1(w, load<f32>(xb + <usize>load<i32>(rows + (<usize>e << 2)) * (<usize>B << 2)), a);
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
    gatherRow(y + <usize>u * rowBytes, x, W, rows, e0, e1, B, biasAt(bias, u));
  }
}

// yr[B] <- x[R,B], W[E], rows[E]: one row, b0 + the edges [e0, e1) in order
export function gatherRow(yr: usize, x: usize, W: usize, rows: usize, e0: i32, e1: i32, B: i32, b0: f32): void {
  const rowBytes = <usize>B << 2;
  if (B < 4) {
    rowScalar(yr, x, W, rows, e0, e1, B, b0);
    return;
  }
  // 6-vector chunks, but 8 remaining vectors go as 4 + 4 (not 6 + 1 + 1): B = 128 is 6+6+6+6+4+4.
  let b = 0;
  for (; B - b >= 24 && (B - b) >> 2 != 8; b += 24) chunk6(yr + (<usize>b << 2), x + (<usize>b << 2), W, rows, e0, e1, rowBytes, b0);
  for (; b + 16 <= B; b += 16) chunk4(yr + (<usize>b << 2), x + (<usize>b << 2), W, rows, e0, e1, rowBytes, b0);
  for (; b + 4 <= B; b += 4) chunk1(yr + (<usize>b << 2), x + (<usize>b << 2), W, rows, e0, e1, rowBytes, b0);
  if (b < B) chunk1(yr + (<usize>(B - 4) << 2), x + (<usize>(B - 4) << 2), W, rows, e0, e1, rowBytes, b0);
}
