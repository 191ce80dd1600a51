/**
 * The sparse layer's three kernels on dense blocks (src/kernels/dense-blocks.ts): where every
 * target of a block gathers the same K sources in the same order, a block is a small dense product.
 *
 *   forward         y[T_i]  = bias + sum_k W[T_i][k] · x[S_k]     (i < M targets, k < K sources)
 *   input gradient  dx[S_k] =        sum_i W[T_i][k] · dy[T_i]
 *   weight gradient W'[T_i][k] =     sum_b dy[T_i][b] · x[S_k][b]
 *
 * A block first copies the rows it reads many times into a tile (x's K rows; for the input
 * gradient dy's M rows): 4·K·B bytes, 16 KiB at K = 32, B = 128, that stay in L1 while the block
 * runs and sit at consecutive addresses (the block's rows of x lie at strides that map them to few
 * L1 sets: Sobol' blocks differ in the high bits of a row index). Then two output rows advance
 * together over a chunk of 4 vectors: per step, two weights (packed side by side for the pair) and
 * 4 vectors of the tile feed 8 multiply-adds into 8 independent sums, where the gather
 * (gather-rows.ts) loads a row index, its address and 6 vectors for 6 multiply-adds. Each x row is
 * read from memory once per call, not once per target that gathers it. The weight gradient runs
 * 2 targets × 4 sources of dot products on a vector-major tile (at B = 512 that tile, 64 KiB at a
 * 512-byte stride per source quad, no longer stays in L1, and it runs at about the gather's speed).
 * Which batches run which kernel: BLOCK_BATCHES in src/kernels/wasm/create-wasm-kernels.ts.
 *
 * The tile copies and the weight packing move four vectors an iteration (a chunk; the packing as two
 * shuffles per four steps): TurboFan pays a fixed cost per loop iteration (the back edge's
 * interrupt check, the induction update), which one vector an iteration did not hide. Against the
 * same kernels with one vector an iteration, both builds in one process (n → n, K = 32, one
 * thread, 2026-11-30): forward 1.07-1.23× at B = 128 (n = 1024, 4096, 16384; two runs), 1.33× at
 * B = 32; input gradient 1.09-1.18×; weight gradient 1.01-1.13×; 0.97-1.06× at B = 5 and 16.
 * Copying four rows side by side (four streams of misses in flight) was 0.94-1.01× at n = 4096 -
 * 65536. Where the time goes at n = 16384 (one thread, B = 128, a throwaway copy-only kernel in one
 * process): the copies take 1.7 of the forward's 8.2 ms (x read at ~5 GB/s), against 0.09 of 0.99
 * ms at 4096, and the rest runs at half 4096's rate. Not the scattered y rows (a coset's targets
 * lie all over y): writing each block's rows contiguously instead (wrong results, same work) was
 * 1.01-1.08× at n = 4096-65536. The scattered rows of W are: reading each block's weights from
 * contiguous rows instead (wrong results again) made the forward 1.27× at 4096, 1.37× at 16384 and
 * 1.13× at 65536 (the weight gradient 1.06-1.10×). The `blocks` unit order (src/topology/unit-order.ts,
 * not train's default: it relabels the hidden units, so W's order, the sums' order and the model
 * bytes change) stores each block's targets contiguously and gives that for real. In that order, touching the next block's rows of
 * x between this block's pairs (one word a line) was again no faster (0.86-1.04× at n = 4096-65536;
 * the untouched kernels of the same run moved by 0.96-1.28×).
 *
 * Every element sums exactly what the gather kernels sum, in the same order (bias, then the edges
 * in gather order; the input gradient over the transpose's order; the weight gradient one vector
 * accumulator over the batch, the masked tail, then the pairwise `hsum4`), so the results are
 * bit-identical to sparse-kernels.ts on every build, and each block is computed whole by one call:
 * the same bits for any thread count.
 *
 * Measured and dropped (n → n, K = 32, B = 128, one thread, FMA build): loading a word of every
 * line of the block's rows before the copy, a software prefetch in a burst, timed in one process
 * against the kernels as they are: 1.00 ± 0.05× at n = 4096, 16384 and 65536; the same for the next
 * block's rows between this block's pairs: 0.9-1.0×; the weight gradient on the chunk-major tile of
 * the other two kernels: no faster than the gather's weight gradient, where the vector-major tile
 * gives 1.4-1.6× it. Its dot products are simd.ts's `dots2x4`, which the dense weight gradient
 * runs on x in place (one loop, the strides as arguments; the tile's rows 16 bytes apart). Tried in separate runs, so on this VM's moving states not a clean A/B: two
 * steps per iteration in `madd2x4` (slower), and a first version that read the weights in place
 * from W's rows and kept the tile in row order (about 22 GFLOP/s for the 1024 forward, where this
 * one reached 26-30 in other runs).
 *
 * Threads: a call runs parts [p0, p1) of T; part p takes blocks [G·p/T, G·(p+1)/T) and the
 * tile at tiles + p·tileBytes (so T tiles must fit).
 *
 * Shape legend: G blocks, M targets and K sources per block, B batch (>= 4), O = G·M, I = G·K,
 * E = O·K. blockTargets[G·M] and blockSources[G·K] are Int32. Pointers are byte addresses.
 */
import { maskRows } from './elementwise-kernels';
import { biasAt, dots2x4, hsum, hsum4, madd, madd2x4, packPairs, sumRow } from './simd';

/** Blocks [G·p/T, G·(p+1)/T) of part p (the conv block kernels split the same way). */
export function firstBlock(G: i32, p: i32, T: i32): i32 {
  return <i32>((<i64>G * p) / T);
}

/** Vectors per tile row: B / 4 whole ones, plus the overlapping tail (lanes B-4 .. B-1) where B % 4 != 0. */
function tileVectors(B: i32): i32 {
  return (B >> 2) + ((B & 3) != 0 ? 1 : 0);
}

/**
 * The B floats of each of the n rows listed at `rows` (Int32) into the tile: vector v of row r at
 * tile + r·rowStride + (v / 4)·n·64 + (v % 4)·laneStride, the overlapping tail vector (B % 4 != 0)
 * as vector B / 4. Four vectors (a 64-byte chunk of the row) an iteration. B >= 4. Two layouts:
 * - chunk-major (`copyRows`: rowStride 64, laneStride 16): a chunk of 4 vectors of consecutive rows
 *   lies 64 bytes apart, so the forward and input gradient step through it at constant offsets;
 * - vector-major (`copyRowsByVector`: rowStride 16, laneStride n·16): vector v of 4 consecutive
 *   rows is one 64-byte line, the weight gradient's layout.
 * Inlined, so that the chunk-major strides fold into store offsets.
 */
@inline function copyRowsStrided(tile: usize, src: usize, rows: usize, n: i32, B: i32, rowStride: usize, laneStride: usize): void {
  const rowBytes = <usize>B << 2;
  const V = B >> 2;
  const chunkBytes = <usize>n << 6;
  for (let r = 0; r < n; r++) {
    const from = src + <usize>load<i32>(rows + (<usize>r << 2)) * rowBytes;
    const to = tile + <usize>r * rowStride;
    let v = 0;
    for (; v + 4 <= V; v += 4) {
      const f = from + (<usize>v << 4);
      const t = to + <usize>(v >> 2) * chunkBytes;
      const x0 = v128.load(f);
      const x1 = v128.load(f, 16);
      const x2 = v128.load(f, 32);
      const x3 = v128.load(f, 48);
      v128.store(t, x0);
      v128.store(t + laneStride, x1);
      v128.store(t + 2 * laneStride, x2);
      v128.store(t + 3 * laneStride, x3);
    }
    for (; v < V; v++) v128.store(to + <usize>(v >> 2) * chunkBytes + <usize>(v & 3) * laneStride, v128.load(from + (<usize>v << 4)));
    if ((B & 3) != 0) v128.store(to + <usize>(V >> 2) * chunkBytes + <usize>(V & 3) * laneStride, v128.load(from + (<usize>(B - 4) << 2)));
  }
}

/** The chunk-major tile of the forward and input gradient (see `copyRowsStrided`). */
function copyRows(tile: usize, src: usize, rows: usize, n: i32, B: i32): void {
  copyRowsStrided(tile, src, rows, n, B, 64, 16);
}

/** The vector-major tile of the weight gradient: vector v of row r at tile + v·n·16 + r·16 (see `copyRowsStrided`). */
function copyRowsByVector(tile: usize, src: usize, rows: usize, n: i32, B: i32): void {
  copyRowsStrided(tile, src, rows, n, B, 16, <usize>n << 4);
}

/** `madd2x4` on one vector: two output rows, n steps of two weights side by side (wp, 8 bytes a step) and a tile vector (xp, 64 bytes a step). */
function pair1(out0: usize, out1: usize, xp: usize, wp: usize, n: i32, c0: f32, c1: f32): void {
  let a = f32x4.splat(c0);
  let b = f32x4.splat(c1);
  for (let s = 0; s < n; s++) {
    const x = v128.load(xp);
    a = madd(v128.load32_splat(wp), x, a);
    b = madd(v128.load32_splat(wp, 4), x, b);
    wp += 8;
    xp += 64;
  }
  v128.store(out0, a);
  v128.store(out1, b);
}

/**
 * Two whole output rows of B floats (B >= 4) from a tile of n rows (copyRows) and n weight pairs at
 * wp: whole chunks of 4 vectors, then the single vectors left, the overlapping tail last.
 */
function pairRows(out0: usize, out1: usize, tile: usize, n: i32, wp: usize, B: i32, c0: f32, c1: f32): void {
  const V = B >> 2;
  const chunkBytes = <usize>n << 6;
  let v = 0;
  for (; v + 4 <= V; v += 4) {
    const o = <usize>v << 4;
    madd2x4(out0 + o, out1 + o, tile + <usize>(v >> 2) * chunkBytes, 64, wp, 4, 8, n, c0, c1); // the chunk's rows 64 bytes apart
  }
  const vt = tileVectors(B);
  for (; v < vt; v++) {
    const o = v < V ? <usize>v << 4 : <usize>(B - 4) << 2;
    pair1(out0 + o, out1 + o, tile + <usize>(v >> 2) * chunkBytes + (<usize>(v & 3) << 4), wp, n, c0, c1);
  }
}

/** Bytes of the tile of n rows: whole chunks of 4 vectors. */
function tileBytesOf(n: i32, B: i32): usize {
  return <usize>((tileVectors(B) + 3) >> 2) * (<usize>n << 6);
}

// y[O,B] <- x[I,B], W[E] (gather order), bias[O] | 0, then y = m > 0 ? y : +0 where m != 0 (m = y: the fused
// ReLU, see elementwise-kernels.ts maskRows); blocks of parts [p0, p1) of T. Tile: 64·K·ceil(B/16) + 8·K bytes.
export function blockForward(p0: i32, p1: i32, T: i32, G: i32, M: i32, K: i32, y: usize, x: usize, W: usize, bias: usize,
  blockTargets: usize, blockSources: usize, tiles: usize, tileBytes: i32, B: i32, m: usize): void {
  const rowBytes = <usize>B << 2;
  const wRow = <usize>K << 2;
  for (let p = p0; p < p1; p++) {
    const tile = tiles + <usize>p * tileBytes;
    const wp = tile + tileBytesOf(K, B); // the two targets' weights side by side, K pairs
    for (let g = firstBlock(G, p, T), g1 = firstBlock(G, p + 1, T); g < g1; g++) {
      copyRows(tile, x, blockSources + <usize>g * wRow, K, B);
      const targets = blockTargets + (<usize>g * M << 2);
      for (let i = 0; i < M; i += 2) {
        const t0 = load<i32>(targets + (<usize>i << 2));
        const t1 = i + 1 < M ? load<i32>(targets + (<usize>i << 2), 4) : t0; // an odd M computes its last row twice
        const w0 = W + <usize>t0 * wRow;
        const w1 = W + <usize>t1 * wRow;
        packPairs(wp, w0, w1, K);
        pairRows(y + <usize>t0 * rowBytes, y + <usize>t1 * rowBytes, tile, K, wp, B, biasAt(bias, t0), biasAt(bias, t1));
        maskRows(y, m, t0, t0 + 1, rowBytes, B);
        maskRows(y, m, t1, t1 + 1, rowBytes, B); // twice for an odd M's last row: idempotent
      }
    }
  }
}

// dx[I,B] <- dy[O,B], W[E] (gather order), then dx = m > 0 ? dx : +0 where m != 0 (m[I,B] the output of a ReLU
// below: its gradient fused); blocks of parts [p0, p1) of T. Tile: 64·M·ceil(B/16) + 8·M bytes.
export function blockBackwardInput(p0: i32, p1: i32, T: i32, G: i32, M: i32, K: i32, dx: usize, dy: usize, W: usize,
  blockTargets: usize, blockSources: usize, tiles: usize, tileBytes: i32, B: i32, m: usize): void {
  const rowBytes = <usize>B << 2;
  const wRow = <usize>K << 2;
  for (let p = p0; p < p1; p++) {
    const tile = tiles + <usize>p * tileBytes;
    const wp = tile + tileBytesOf(M, B); // the two sources' weights from each target, M pairs
    for (let g = firstBlock(G, p, T), g1 = firstBlock(G, p + 1, T); g < g1; g++) {
      const targets = blockTargets + (<usize>g * M << 2);
      copyRows(tile, dy, targets, M, B);
      const sources = blockSources + <usize>g * wRow;
      for (let k = 0; k < K; k += 2) {
        const k1 = k + 1 < K ? k + 1 : k; // an odd K computes its last row twice
        for (let i = 0; i < M; i++) {
          const w = W + <usize>load<i32>(targets + (<usize>i << 2)) * wRow;
          store<f32>(wp + (<usize>i << 3), load<f32>(w + (<usize>k << 2)));
          store<f32>(wp + (<usize>i << 3), load<f32>(w + (<usize>k1 << 2)), 4);
        }
        const s0 = load<i32>(sources + (<usize>k << 2));
        const s1 = load<i32>(sources + (<usize>k1 << 2));
        pairRows(dx + <usize>s0 * rowBytes, dx + <usize>s1 * rowBytes, tile, M, wp, B, 0, 0);
        maskRows(dx, m, s0, s0 + 1, rowBytes, B);
        maskRows(dx, m, s1, s1 + 1, rowBytes, B);
      }
    }
  }
}

// dW[E] (gather order) <- dy[O,B], x[I,B]; and db[O] = sum_b dy (biasBackward's `sumRow`, fused) where db != 0;
// blocks of parts [p0, p1) of T; K a multiple of 4. Tile: 64·K·ceil(B/16) bytes.
export function blockBackwardWeight(p0: i32, p1: i32, T: i32, G: i32, M: i32, K: i32, dW: usize, dy: usize, x: usize,
  blockTargets: usize, blockSources: usize, tiles: usize, tileBytes: i32, B: i32, db: usize): void {
  const rowBytes = <usize>B << 2;
  const wRow = <usize>K << 2;
  const vectorBytes = <usize>K << 4;
  for (let p = p0; p < p1; p++) {
    const tile = tiles + <usize>p * tileBytes;
    for (let g = firstBlock(G, p, T), g1 = firstBlock(G, p + 1, T); g < g1; g++) {
      copyRowsByVector(tile, x, blockSources + <usize>g * wRow, K, B);
      const targets = blockTargets + (<usize>g * M << 2);
      for (let i = 0; i < M; i += 2) {
        const t0 = load<i32>(targets + (<usize>i << 2));
        const t1 = i + 1 < M ? load<i32>(targets + (<usize>i << 2), 4) : t0;
        const g0 = dy + <usize>t0 * rowBytes;
        const g1r = dy + <usize>t1 * rowBytes;
        if (db != 0) {
          store<f32>(db + (<usize>t0 << 2), sumRow(g0, B));
          store<f32>(db + (<usize>t1 << 2), sumRow(g1r, B));
        }
        for (let k = 0; k < K; k += 4) {
          const o = <usize>k << 2;
          const xp = tile + (<usize>k << 4); // vector v of sources k .. k+3: one 64-byte line at xp + v·vectorBytes
          dots2x4(dW + <usize>t0 * wRow + o, dW + <usize>t1 * wRow + o, g0, g1r, xp, xp + <usize>(B >> 2) * vectorBytes, 16,
            vectorBytes, B);
        }
      }
    }
  }
}

// ---- Batch 1 (K a multiple of 4). The forward and the weight gradient first gather x block by
// block (`blockGatherOne`: xt[g·K + k] = x[S_gk], I floats, on the calling thread). The forward then
// runs four consecutive targets at a time, W read in storage order (one stream): per target one
// vector accumulator over its row of W times its block's K-vector, then `hsum4` and the bias. The
// weight gradient writes each target's row of dW, dy[t] times its block's K-vector, targets in
// storage order (dW streams in order). Both compute the quad kernels' products in the quads' order
// (lane j of a target's accumulator sums slots j, j + 4, ... ascending, then (0 + 1) + (2 + 3)), so
// the same bits. The input gradient runs block by block (its sums need a block's targets
// together): per block one K-vector, the sum over the block's targets in ascending order of W's row
// times dy, a plain multiply-add chain per source, then stored to the block's sources.
//
// Measured on 4096 → 4096, K = 32, one thread, FMA build, against the quad kernels in the same
// process (medians of 15, six runs at 1024, 4096 and 16384): input gradient 1.3-2.7× as fast (39-41
// against 71-73 µs at 4096), weight gradient 1.0-1.1×. The forward (medians of 21, eight runs at
// 4096, 2026-11-30): the kernel 19.5-23.7 µs against the quads' 25.9-30.3, plus the gather's 1.5 µs
// against the copies' 3.7-4.0. What made it faster is the inner loop unrolled four steps (16
// multiply-adds an iteration, constant offsets): with one step an iteration it took as long as the
// quads (26.1 against 28.2 µs), with two 31 against 41 (a slow VM state), with eight 22.6-23.7
// against four's 19.5-21.6. V8 pays a fixed cost per loop iteration (the back edge's interrupt check
// and the induction update) that the short rows (K = 32: 8 vectors) do not hide. The first block
// forward (in block order, W's rows in four streams) ran at 0.87-1.12× the quads.

/** xt[g·K + k] = x[S_gk] for blocks [g0, g1): x gathered block by block (K a multiple of 4). */
export function blockGatherOne(g0: i32, g1: i32, xt: usize, x: usize, blockSources: usize, K: i32): void {
  for (let k = g0 * K, k1 = g1 * K; k < k1; k += 4) {
    const s = blockSources + (<usize>k << 2);
    let v = v128.load32_zero(x + (<usize>load<i32>(s) << 2));
    v = v128.load32_lane(x + (<usize>load<i32>(s, 4) << 2), v, 1);
    v = v128.load32_lane(x + (<usize>load<i32>(s, 8) << 2), v, 2);
    v = v128.load32_lane(x + (<usize>load<i32>(s, 12) << 2), v, 3);
    v128.store(xt + (<usize>k << 2), v);
  }
}

// y[O] <- xt (blockGatherOne), W[E] (gather order), bias[O] | 0, blockOf[O]; B = 1, K a multiple of 4; targets [t0, t1),
// t0 a multiple of 4 (the rest one at a time)
export function blockForwardOne(t0: i32, t1: i32, K: i32, y: usize, xt: usize, W: usize, bias: usize, blockOf: usize): void {
  const wRow = <usize>K << 2;
  let t = t0;
  for (; t + 4 <= t1; t += 4) {
    const w0 = W + <usize>t * wRow;
    const w1 = w0 + wRow;
    const w2 = w1 + wRow;
    const w3 = w2 + wRow;
    const b = blockOf + (<usize>t << 2);
    const x0 = xt + <usize>load<i32>(b) * wRow;
    const x1 = xt + <usize>load<i32>(b, 4) * wRow;
    const x2 = xt + <usize>load<i32>(b, 8) * wRow;
    const x3 = xt + <usize>load<i32>(b, 12) * wRow;
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let o: usize = 0;
    for (; o + 64 <= wRow; o += 64) {
      a0 = madd(v128.load(w0 + o), v128.load(x0 + o), a0);
      a1 = madd(v128.load(w1 + o), v128.load(x1 + o), a1);
      a2 = madd(v128.load(w2 + o), v128.load(x2 + o), a2);
      a3 = madd(v128.load(w3 + o), v128.load(x3 + o), a3);
      a0 = madd(v128.load(w0 + o, 16), v128.load(x0 + o, 16), a0);
      a1 = madd(v128.load(w1 + o, 16), v128.load(x1 + o, 16), a1);
      a2 = madd(v128.load(w2 + o, 16), v128.load(x2 + o, 16), a2);
      a3 = madd(v128.load(w3 + o, 16), v128.load(x3 + o, 16), a3);
      a0 = madd(v128.load(w0 + o, 32), v128.load(x0 + o, 32), a0);
      a1 = madd(v128.load(w1 + o, 32), v128.load(x1 + o, 32), a1);
      a2 = madd(v128.load(w2 + o, 32), v128.load(x2 + o, 32), a2);
      a3 = madd(v128.load(w3 + o, 32), v128.load(x3 + o, 32), a3);
      a0 = madd(v128.load(w0 + o, 48), v128.load(x0 + o, 48), a0);
      a1 = madd(v128.load(w1 + o, 48), v128.load(x1 + o, 48), a1);
      a2 = madd(v128.load(w2 + o, 48), v128.load(x2 + o, 48), a2);
      a3 = madd(v128.load(w3 + o, 48), v128.load(x3 + o, 48), a3);
    }
    for (; o < wRow; o += 16) {
      a0 = madd(v128.load(w0 + o), v128.load(x0 + o), a0);
      a1 = madd(v128.load(w1 + o), v128.load(x1 + o), a1);
      a2 = madd(v128.load(w2 + o), v128.load(x2 + o), a2);
      a3 = madd(v128.load(w3 + o), v128.load(x3 + o), a3);
    }
    let s = hsum4(a0, a1, a2, a3);
    if (bias != 0) s = f32x4.add(s, v128.load(bias + (<usize>t << 2)));
    v128.store(y + (<usize>t << 2), s);
  }
  for (; t < t1; t++) {
    const w = W + <usize>t * wRow;
    const x = xt + <usize>load<i32>(blockOf + (<usize>t << 2)) * wRow;
    let a = f32x4.splat(0);
    for (let o: usize = 0; o < wRow; o += 16) a = madd(v128.load(w + o), v128.load(x + o), a);
    store<f32>(y + (<usize>t << 2), hsum(a) + biasAt(bias, t));
  }
}

// dW[E] (gather order) <- dy[O], xt (blockGatherOne), blockOf[O]; B = 1, K a multiple of 4; targets [t0, t1)
export function blockBackwardWeightOne(t0: i32, t1: i32, K: i32, dW: usize, dy: usize, xt: usize, blockOf: usize): void {
  const wRow = <usize>K << 2;
  for (let t = t0; t < t1; t++) {
    const d = v128.load32_splat(dy + (<usize>t << 2));
    const x = xt + <usize>load<i32>(blockOf + (<usize>t << 2)) * wRow;
    const w = dW + <usize>t * wRow;
    let o: usize = 0;
    for (; o + 64 <= wRow; o += 64) { // four vectors an iteration (see the forward)
      v128.store(w + o, f32x4.mul(d, v128.load(x + o)));
      v128.store(w + o, f32x4.mul(d, v128.load(x + o, 16)), 16);
      v128.store(w + o, f32x4.mul(d, v128.load(x + o, 32)), 32);
      v128.store(w + o, f32x4.mul(d, v128.load(x + o, 48)), 48);
    }
    for (; o < wRow; o += 16) v128.store(w + o, f32x4.mul(d, v128.load(x + o)));
  }
}

/** 4 vectors of a block's input gradient, from byte o of the rows: sum over its M targets of W's row times dy, stored to the tile. */
function sumRows4(tile: usize, W: usize, dy: usize, targets: usize, M: i32, wRow: usize, o: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  for (let i = 0; i < M; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    const d = v128.load32_splat(dy + (<usize>t << 2));
    const w = W + <usize>t * wRow + o;
    a0 = madd(v128.load(w), d, a0);
    a1 = madd(v128.load(w, 16), d, a1);
    a2 = madd(v128.load(w, 32), d, a2);
    a3 = madd(v128.load(w, 48), d, a3);
  }
  v128.store(tile + o, a0);
  v128.store(tile + o, a1, 16);
  v128.store(tile + o, a2, 32);
  v128.store(tile + o, a3, 48);
}

/** `sumRows4` on one vector. */
function sumRows1(tile: usize, W: usize, dy: usize, targets: usize, M: i32, wRow: usize, o: usize): void {
  let a = f32x4.splat(0);
  for (let i = 0; i < M; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    a = madd(v128.load(W + <usize>t * wRow + o), v128.load32_splat(dy + (<usize>t << 2)), a);
  }
  v128.store(tile + o, a);
}

// dx[I] <- dy[O], W[E] (gather order); B = 1, K a multiple of 4; blocks of parts [p0, p1) of T. Tile: 4·K bytes.
export function blockBackwardInputOne(p0: i32, p1: i32, T: i32, G: i32, M: i32, K: i32, dx: usize, dy: usize, W: usize,
  blockTargets: usize, blockSources: usize, tiles: usize, tileBytes: i32): void {
  const wRow = <usize>K << 2;
  for (let p = p0; p < p1; p++) {
    const tile = tiles + <usize>p * tileBytes;
    for (let g = firstBlock(G, p, T), g1 = firstBlock(G, p + 1, T); g < g1; g++) {
      const targets = blockTargets + (<usize>g * M << 2);
      // 4 vectors (16 sources) at a time: 4 independent sums; then one vector at a time
      let o: usize = 0;
      for (; o + 64 <= wRow; o += 64) sumRows4(tile, W, dy, targets, M, wRow, o);
      for (; o < wRow; o += 16) sumRows1(tile, W, dy, targets, M, wRow, o);
      const sources = blockSources + <usize>g * wRow;
      for (let k = 0; k < K; k++) store<f32>(dx + (<usize>load<i32>(sources + (<usize>k << 2)) << 2), load<f32>(tile + (<usize>k << 2)));
    }
  }
}
