/**
 * The path convolution on dense blocks (src/kernels/dense-blocks.ts over channels): where every
 * output channel of a block gathers the same K input channels in the same order, a block is a
 * small dense convolution, M output channels × K input channels × k × k taps.
 *
 * Forward. A block runs per 16-sample chunk and output row: it copies the K·k input rows the row's
 * taps read (every input channel's rows oh·s - p .. oh·s - p + k - 1, each padded to
 * Wp = (Wo-1)·s + k positions with zero lines where a tap falls outside the image) into a tile of
 * 64-byte lines, one line per position (16 samples). Then two output channels advance together
 * along the row: at each output position, per tap, two weights (packed side by side for the pair)
 * and one line of the tile (4 vectors) feed 8 multiply-adds into 8 independent sums, `madd2x4`'s
 * inner step. Every line of the tile meets all M output channels of the block from L1, where the
 * gather engine (conv-gather.ts) refills each output channel's K·k input rows from L2. Padding
 * costs nothing in the inner loop: it is the tile's zero lines. The row tile of K = 8 channels,
 * k = 3, a 16-wide image (Wp = 18) is 27 KiB.
 *
 * Input gradient (stride 1): the forward convolution of dy with every kernel flipped and padding
 * k-1-p, the block's roles swapped (its K sources are the outputs, its M targets the inputs).
 *
 * Weight gradient (3×3, stride 1): the same row tile of x, per output row and chunk; three (or two)
 * output channels walk a tap row's three tile lines sliding one position a step against their dy
 * vectors (conv-weight.ts's slideR2 shares one dy vector between two x planes; here one tile line
 * meets three dy vectors), into vector sums kept in the tile between output rows, summed with
 * `hsum` at the end.
 *
 * Order: every element of y and dx sums bias, then the edges in gather order (the transpose's for
 * dx), tap rows ascending, tap columns ascending, one `madd` each: what conv-gather.ts sums. A
 * weight's sum runs over output rows, then batch vectors, then positions, the border positions
 * first, as slideR2's. So the results are bit-identical to the gather kernels (the zero lines add
 * w·0 where those skip a tap: the same sum, except that a sum of exactly -0 becomes +0 and an
 * infinite weight or input makes NaN), and each block is computed whole by one call: the same bits
 * for any thread count.
 *
 * Measured (64 → 64 channels, K = 8, 16×16, B = 64, one thread, FMA build, against the gather
 * kernels in one process, 2026-12-01, quiet VM): forward 1.8-2.0× (54-61 % of the FMA ceiling),
 * input gradient 1.9-2.0× (54-59 %), weight gradient 1.1-1.2× (48-51 %). Tried and dropped there:
 * unrolling the forward's three taps (spills, see `pairAt`), a ring of input rows (see
 * `fillRows`), two positions an iteration in the weight gradient's slide (0.87×), nine sums of
 * one channel over all three tap rows without a slide (0.55×), output rows outermost (no faster), and
 * tiles of 8 output positions (10 lines a row, 15 KiB: 0.78-0.85× the forward and input gradient).
 * Three channels at a time instead of two in the weight gradient (9 sums, 4 loads for 9 multiply-adds;
 * the pair runs what is left): 1.02-1.03× on the quiet VM, 1.05-1.09× with the other core busy
 * (two runs each, one process), kept.
 *
 * Threads: a call runs parts [p0, p1) of T; part p takes blocks [G·p/T, G·(p+1)/T) and the tile at
 * tiles + p·tileBytes (convBlockTileStrides in src/kernels/wasm/create-wasm-kernels.ts).
 *
 * Shape legend: G blocks, M output and K input channels per block, B batch (a multiple of 16),
 * k kernel, s stride, p padding, x: Ci×H×W, y: Co×Ho×Wo, [C][H][W][B] layout (conv-shape.ts).
 * geometry: Int32 [H, W, Ho, Wo, k, s, p, B]. Pointers are byte addresses.
 */
import { firstBlock } from './block-kernels';
import { biasAt, hsum, madd, packPairs } from './simd';

/** Bytes of the weight pairs of a block: ceil(M/2) pairs of R = K·k² steps of 8 bytes. */
function pairBytes(M: i32, R: i32): usize {
  return <usize>((M + 1) >> 1) * (<usize>R << 3);
}

/** The geometry block: Int32 [H, W, Ho, Wo, k, s, p, B]. */
@inline function geo(geometry: usize, i: i32): i32 {
  return load<i32>(geometry + (<usize>i << 2));
}

/** Four zero vectors (one line) at each of n lines from `to`; returns the address after them. */
@inline function zeroLines(to: usize, n: i32): usize {
  const zero = f32x4.splat(0);
  for (let q = 0; q < n; q++) {
    v128.store(to, zero);
    v128.store(to, zero, 16);
    v128.store(to, zero, 32);
    v128.store(to, zero, 48);
    to += 64;
  }
  return to;
}

/**
 * Input row ih of one channel (`channel`: the channel's plane plus the chunk's byte offset) as Wp
 * lines at `to`: positions -p .. Wp-p-1, zero outside the image (and all zero when ih is outside).
 * One line (four vectors) a step.
 */
function fillRow(to: usize, channel: usize, ih: i32, H: i32, Wd: i32, Wp: i32, p: i32, pos: usize): void {
  if (ih < 0 || ih >= H) {
    zeroLines(to, Wp);
    return;
  }
  const hi = min(Wp, Wd + p);
  to = zeroLines(to, p);
  let from = channel + <usize>ih * (<usize>Wd * pos);
  for (let q = p; q < hi; q++) {
    const x0 = v128.load(from);
    const x1 = v128.load(from, 16);
    const x2 = v128.load(from, 32);
    const x3 = v128.load(from, 48);
    v128.store(to, x0);
    v128.store(to, x1, 16);
    v128.store(to, x2, 32);
    v128.store(to, x3, 48);
    to += 64;
    from += pos;
  }
  zeroLines(to, Wp - hi);
}

/**
 * The row tile of chunk `b` (samples b .. b+15) for output row oh: tap row i of edge m (input
 * channel ins[m]) is input row oh·s + i - p, as Wp lines at tile + (m·k + i)·Wp·64.
 *
 * Measured and dropped: a ring that keeps the k - 1 rows the next output row shares and copies only
 * the new one (slot (oh·s + i) mod k, so the taps walk edges, tap rows and taps in three loops):
 * 0.93-0.94× the forward and input gradient, the same weight gradient (one process, 2026-12-01).
 * Without any copy (wrong results) the forward ran 1.15×: the copies cost about an eighth.
 */
function fillRows(tile: usize, x: usize, ins: usize, K: i32, k: i32, Wp: i32, oh: i32, b: i32,
  H: i32, Wd: i32, s: i32, p: i32, B: i32): void {
  const pos = <usize>B << 2;
  const plane = <usize>(H * Wd) * pos;
  const rowStep = <usize>Wp << 6;
  let to = tile;
  for (let m = 0; m < K; m++) {
    const channel = x + <usize>load<i32>(ins + (<usize>m << 2)) * plane + (<usize>b << 2);
    for (let i = 0; i < k; i++) {
      fillRow(to, channel, oh * s + i - p, H, Wd, Wp, p, pos);
      to += rowStep;
    }
  }
}

/**
 * Two output channels at one position: out_r = c_r + sum over the n = K·k tap rows r (edge m, tap
 * row i) and the k taps j of w_r[r][j] · line(r, j), line (r, j) at xp + r·rowStep + j·64, the
 * weights side by side at wp (8 bytes a tap): `madd2x4`'s step, with a second loop level for the
 * jump between tap rows. One tap an iteration: unrolling the k = 3 taps made V8 hoist their 12 loads
 * and spill (1.13-1.43× the gather engine against 1.67-2.04× like this, 2026-12-01). Written as
 * `madd2x4` with an outer loop over rows (default one row for its other callers), the same bits ran
 * the forward and input gradient at 0.91-0.97× (five runs, one process, 2026-12-01): kept apart.
 */
@inline function pairAt(out0: usize, out1: usize, xp: usize, rowStep: usize, wp: usize, n: i32, k: i32, c0: f32, c1: f32): void {
  let a0 = f32x4.splat(c0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let b0 = f32x4.splat(c1);
  let b1 = b0;
  let b2 = b0;
  let b3 = b0;
  for (let r = 0; r < n; r++) {
    let line = xp;
    for (let j = 0; j < k; j++) {
      const wu = v128.load32_splat(wp);
      const wv = v128.load32_splat(wp, 4);
      const x0 = v128.load(line);
      const x1 = v128.load(line, 16);
      const x2 = v128.load(line, 32);
      const x3 = v128.load(line, 48);
      a0 = madd(wu, x0, a0);
      a1 = madd(wu, x1, a1);
      a2 = madd(wu, x2, a2);
      a3 = madd(wu, x3, a3);
      b0 = madd(wv, x0, b0);
      b1 = madd(wv, x1, b1);
      b2 = madd(wv, x2, b2);
      b3 = madd(wv, x3, b3);
      wp += 8;
      line += 64;
    }
    xp += rowStep;
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
 * One block: y's nOut units listed at `outs` (Int32) from x's nIn units listed at `ins`, weight pairs
 * packed at `pairs` (ceil(nOut/2) pairs of nIn·k² steps), the row tile at `rows`. x is inH×inW, y
 * outH×outW; geometry k, s, p; B a multiple of 16.
 */
function convolveBlock(outs: usize, nOut: i32, ins: usize, nIn: i32, y: usize, x: usize, bias: usize, pairs: usize, rows: usize,
  inH: i32, inW: i32, outH: i32, outW: i32, k: i32, s: i32, p: i32, B: i32): void {
  const Wp = (outW - 1) * s + k;
  const pos = <usize>B << 2;
  const plane = <usize>(outH * outW) * pos;
  const rowStep = <usize>Wp << 6;
  const step = <usize>s << 6;
  const pairStep = <usize>(nIn * k * k) << 3;
  for (let b = 0; b < B; b += 16) {
    for (let oh = 0; oh < outH; oh++) {
      fillRows(rows, x, ins, nIn, k, Wp, oh, b, inH, inW, s, p, B);
      const at = <usize>(oh * outW) * pos + (<usize>b << 2);
      for (let i = 0; i < nOut; i += 2) {
        const u0 = load<i32>(outs + (<usize>i << 2));
        const u1 = i + 1 < nOut ? load<i32>(outs + (<usize>i << 2), 4) : u0; // an odd count computes its last unit twice
        const c0 = biasAt(bias, u0);
        const c1 = biasAt(bias, u1);
        const pw = pairs + <usize>(i >> 1) * pairStep;
        let out0 = y + <usize>u0 * plane + at;
        let out1 = y + <usize>u1 * plane + at;
        let xp = rows;
        for (let ow = 0; ow < outW; ow++) {
          pairAt(out0, out1, xp, rowStep, pw, nIn * k, k, c0, c1);
          out0 += pos;
          out1 += pos;
          xp += step;
        }
      }
    }
  }
}

// y[Co,Ho,Wo,B] <- x[Ci,H,W,B], W[E,k,k] (gather order), bias[Co] | 0; blocks of parts [p0, p1) of T.
export function convBlockForward(p0: i32, p1: i32, T: i32, G: i32, M: i32, K: i32, y: usize, x: usize, W: usize, bias: usize,
  blockTargets: usize, blockSources: usize, tiles: usize, tileBytes: i32, geometry: usize): void {
  const k = geo(geometry, 4);
  const R = K * k * k;
  const wRow = <usize>R << 2;
  for (let part = p0; part < p1; part++) {
    const pairs = tiles + <usize>part * tileBytes;
    const rows = pairs + pairBytes(M, R);
    for (let g = firstBlock(G, part, T), g1 = firstBlock(G, part + 1, T); g < g1; g++) {
      const targets = blockTargets + (<usize>(g * M) << 2);
      for (let i = 0; i < M; i += 2) {
        const t0 = load<i32>(targets + (<usize>i << 2));
        const t1 = i + 1 < M ? load<i32>(targets + (<usize>i << 2), 4) : t0;
        packPairs(pairs + <usize>(i >> 1) * (<usize>R << 3), W + <usize>t0 * wRow, W + <usize>t1 * wRow, R);
      }
      convolveBlock(targets, M, blockSources + (<usize>(g * K) << 2), K, y, x, bias, pairs, rows,
        geo(geometry, 0), geo(geometry, 1), geo(geometry, 2), geo(geometry, 3), k, geo(geometry, 5), geo(geometry, 6), geo(geometry, 7));
    }
  }
}

/**
 * The weights of source pair (m0, m1) of a block for the input gradient, side by side at wp: for
 * each target i of the block (ascending: the transpose's order), the k² taps of edge (t_i, m)
 * flipped (tap (a, b) reads W[t_i·K + m][k-1-a][k-1-b]).
 */
function packFlippedPair(wp: usize, W: usize, targets: usize, M: i32, K: i32, m0: i32, m1: i32, k: i32): void {
  const kk = k * k;
  for (let i = 0; i < M; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    const w0 = W + <usize>((t * K + m0) * kk) * 4;
    const w1 = W + <usize>((t * K + m1) * kk) * 4;
    for (let tap = 0; tap < kk; tap++) {
      const o = <usize>(kk - 1 - tap) << 2;
      store<f32>(wp, load<f32>(w0 + o));
      store<f32>(wp, load<f32>(w1 + o), 4);
      wp += 8;
    }
  }
}

// dx[Ci,H,W,B] <- dy[Co,Ho,Wo,B], W[E,k,k] (gather order), stride 1; blocks of parts [p0, p1) of T.
// At stride 1 the input gradient is the forward convolution of dy with every kernel flipped and
// padding k-1-p, the block's roles swapped: its K sources are the outputs, its M targets the inputs.
export function convBlockBackwardInput(p0: i32, p1: i32, T: i32, G: i32, M: i32, K: i32, dx: usize, dy: usize, W: usize,
  blockTargets: usize, blockSources: usize, tiles: usize, tileBytes: i32, geometry: usize): void {
  const k = geo(geometry, 4);
  const R = M * k * k;
  for (let part = p0; part < p1; part++) {
    const pairs = tiles + <usize>part * tileBytes;
    const rows = pairs + pairBytes(K, R);
    for (let g = firstBlock(G, part, T), g1 = firstBlock(G, part + 1, T); g < g1; g++) {
      const targets = blockTargets + (<usize>(g * M) << 2);
      for (let m = 0; m < K; m += 2) {
        packFlippedPair(pairs + <usize>(m >> 1) * (<usize>R << 3), W, targets, M, K, m, m + 1 < K ? m + 1 : m, k);
      }
      convolveBlock(blockSources + (<usize>(g * K) << 2), K, targets, M, dx, dy, 0, pairs, rows,
        geo(geometry, 2), geo(geometry, 3), geo(geometry, 0), geo(geometry, 1), k, 1, k - 1 - geo(geometry, 6), geo(geometry, 7));
    }
  }
}

/**
 * The weight gradient's sums of one tap row for two output channels over one output row and the
 * four batch vectors of a chunk, one after the other: acc0 (3 vectors, taps j = 0..2 of channel
 * u0) += sum over positions wo of r0[wo] · line(wo + j), acc1 likewise with r1; dy vectors `pos`
 * bytes apart from r0 and r1, the tile's lines 64 bytes apart from xp (vector v 16·v bytes on). Positions as conv-weight.ts's slideR2 takes them: the border
 * ones ([0, L) and [Rr, OW), each tap a load) first, then the interior [L, Rr) with the three lines
 * sliding one position a step (3 loads for 6 multiply-adds). One position an iteration, like the
 * triple's: two ran the weight gradient no faster (0.98-1.01×, 2026-12-01).
 */
function weightRowPair(acc0: usize, acc1: usize, r0: usize, r1: usize, xp: usize, pos: usize, OW: i32, L: i32, Rr: i32): void {
  let a0 = v128.load(acc0);
  let a1 = v128.load(acc0, 16);
  let a2 = v128.load(acc0, 32);
  let b0 = v128.load(acc1);
  let b1 = v128.load(acc1, 16);
  let b2 = v128.load(acc1, 32);
  for (let vo: usize = 0; vo < 64; vo += 16) {
    const q0 = r0 + vo;
    const q1 = r1 + vo;
    const xv = xp + vo;
    for (let wo = 0; wo < OW; wo++) {
      if (wo == L) wo = Rr;
      if (wo >= OW) break;
      const u = v128.load(q0 + <usize>wo * pos);
      const v = v128.load(q1 + <usize>wo * pos);
      const line = xv + (<usize>wo << 6);
      const x0 = v128.load(line);
      const x1 = v128.load(line, 64);
      const x2 = v128.load(line, 128);
      a0 = madd(u, x0, a0);
      a1 = madd(u, x1, a1);
      a2 = madd(u, x2, a2);
      b0 = madd(v, x0, b0);
      b1 = madd(v, x1, b1);
      b2 = madd(v, x2, b2);
    }
    if (Rr > L) {
      let line = xv + (<usize>L << 6);
      let x0 = v128.load(line);
      let x1 = v128.load(line, 64);
      line += 128;
      let p0 = q0 + <usize>L * pos;
      let p1 = q1 + <usize>L * pos;
      for (let wo = L; wo < Rr; wo++) {
        const u = v128.load(p0);
        const v = v128.load(p1);
        const x2 = v128.load(line);
        a0 = madd(u, x0, a0);
        a1 = madd(u, x1, a1);
        a2 = madd(u, x2, a2);
        b0 = madd(v, x0, b0);
        b1 = madd(v, x1, b1);
        b2 = madd(v, x2, b2);
        x0 = x1;
        x1 = x2;
        line += 64;
        p0 += pos;
        p1 += pos;
      }
    }
  }
  v128.store(acc0, a0);
  v128.store(acc0, a1, 16);
  v128.store(acc0, a2, 32);
  v128.store(acc1, b0);
  v128.store(acc1, b1, 16);
  v128.store(acc1, b2, 32);
}

/** `weightRowPair` for three output channels (dy vectors from r0, r1, r2; sums at acc0, acc1, acc2): 9 chains, 4 loads for 9 multiply-adds. */
function weightRowTriple(acc0: usize, acc1: usize, acc2: usize, r0: usize, r1: usize, r2: usize, xp: usize, pos: usize,
  OW: i32, L: i32, Rr: i32): void {
  let a0 = v128.load(acc0);
  let a1 = v128.load(acc0, 16);
  let a2 = v128.load(acc0, 32);
  let b0 = v128.load(acc1);
  let b1 = v128.load(acc1, 16);
  let b2 = v128.load(acc1, 32);
  let c0 = v128.load(acc2);
  let c1 = v128.load(acc2, 16);
  let c2 = v128.load(acc2, 32);
  for (let vo: usize = 0; vo < 64; vo += 16) {
    const q0 = r0 + vo;
    const q1 = r1 + vo;
    const q2 = r2 + vo;
    const xv = xp + vo;
    for (let wo = 0; wo < OW; wo++) {
      if (wo == L) wo = Rr;
      if (wo >= OW) break;
      const line = xv + (<usize>wo << 6);
      const x0 = v128.load(line);
      const x1 = v128.load(line, 64);
      const x2 = v128.load(line, 128);
      let u = v128.load(q0 + <usize>wo * pos);
      a0 = madd(u, x0, a0);
      a1 = madd(u, x1, a1);
      a2 = madd(u, x2, a2);
      u = v128.load(q1 + <usize>wo * pos);
      b0 = madd(u, x0, b0);
      b1 = madd(u, x1, b1);
      b2 = madd(u, x2, b2);
      u = v128.load(q2 + <usize>wo * pos);
      c0 = madd(u, x0, c0);
      c1 = madd(u, x1, c1);
      c2 = madd(u, x2, c2);
    }
    if (Rr > L) {
      let line = xv + (<usize>L << 6);
      let x0 = v128.load(line);
      let x1 = v128.load(line, 64);
      line += 128;
      let o = <usize>L * pos;
      for (let wo = L; wo < Rr; wo++) {
        const x2 = v128.load(line);
        let u = v128.load(q0 + o);
        a0 = madd(u, x0, a0);
        a1 = madd(u, x1, a1);
        a2 = madd(u, x2, a2);
        u = v128.load(q1 + o);
        b0 = madd(u, x0, b0);
        b1 = madd(u, x1, b1);
        b2 = madd(u, x2, b2);
        u = v128.load(q2 + o);
        c0 = madd(u, x0, c0);
        c1 = madd(u, x1, c1);
        c2 = madd(u, x2, c2);
        x0 = x1;
        x1 = x2;
        line += 64;
        o += pos;
      }
    }
  }
  v128.store(acc0, a0);
  v128.store(acc0, a1, 16);
  v128.store(acc0, a2, 32);
  v128.store(acc1, b0);
  v128.store(acc1, b1, 16);
  v128.store(acc1, b2, 32);
  v128.store(acc2, c0);
  v128.store(acc2, c1, 16);
  v128.store(acc2, c2, 32);
}

// dW[E,3,3] <- dy[Co,Ho,Wo,B], x[Ci,H,W,B]; k = 3, stride 1; blocks of parts [p0, p1) of T.
// Tile: the row tile (K·3 rows of Wp lines), then M·K·9 vector sums.
export function convBlockBackwardWeight(p0: i32, p1: i32, T: i32, G: i32, M: i32, K: i32, dW: usize, dy: usize, x: usize,
  blockTargets: usize, blockSources: usize, tiles: usize, tileBytes: i32, geometry: usize): void {
  const H = geo(geometry, 0);
  const Wd = geo(geometry, 1);
  const Ho = geo(geometry, 2);
  const Wo = geo(geometry, 3);
  const p = geo(geometry, 6);
  const B = geo(geometry, 7);
  const Wp = Wo + 2;
  const pos = <usize>B << 2;
  const plane = <usize>(Ho * Wo) * pos;
  const rowStep = <usize>Wp << 6;
  const L = min(p, Wo); // slideR2's interior [L, Rr)
  const Rr = max(L, min(Wo, Wd + p - 2));
  const sumsPerTarget = <usize>(K * 9) << 4;
  for (let part = p0; part < p1; part++) {
    const rows = tiles + <usize>part * tileBytes;
    const sums = rows + <usize>(K * 3) * rowStep;
    for (let g = firstBlock(G, part, T), g1 = firstBlock(G, part + 1, T); g < g1; g++) {
      const targets = blockTargets + (<usize>(g * M) << 2);
      memory.fill(sums, 0, <usize>M * sumsPerTarget);
      for (let oh = 0; oh < Ho; oh++) {
        for (let b = 0; b < B; b += 16) {
          fillRows(rows, x, blockSources + (<usize>(g * K) << 2), K, 3, Wp, oh, b, H, Wd, 1, p, B);
          const row = <usize>(oh * Wo) * pos + (<usize>b << 2);
          let i = 0;
          for (; i + 3 <= M; i += 3) {
            const r0 = dy + <usize>load<i32>(targets + (<usize>i << 2)) * plane + row;
            const r1 = dy + <usize>load<i32>(targets + (<usize>i << 2), 4) * plane + row;
            const r2 = dy + <usize>load<i32>(targets + (<usize>i << 2), 8) * plane + row;
            for (let m = 0; m < K; m++) {
              for (let tr = 0; tr < 3; tr++) {
                const acc = sums + <usize>i * sumsPerTarget + (<usize>(m * 9 + tr * 3) << 4);
                weightRowTriple(acc, acc + sumsPerTarget, acc + 2 * sumsPerTarget, r0, r1, r2, rows + <usize>(m * 3 + tr) * rowStep, pos, Wo, L, Rr);
              }
            }
          }
          if (i < M) {
            const i1 = i + 1 < M ? i + 1 : i; // a single channel left is computed twice
            const r0 = dy + <usize>load<i32>(targets + (<usize>i << 2)) * plane + row;
            const r1 = dy + <usize>load<i32>(targets + (<usize>i1 << 2)) * plane + row;
            for (let m = 0; m < K; m++) {
              for (let tr = 0; tr < 3; tr++) {
                const acc0 = sums + <usize>i * sumsPerTarget + (<usize>(m * 9 + tr * 3) << 4);
                const acc1 = sums + <usize>i1 * sumsPerTarget + (<usize>(m * 9 + tr * 3) << 4);
                weightRowPair(acc0, acc1, r0, r1, rows + <usize>(m * 3 + tr) * rowStep, pos, Wo, L, Rr);
              }
            }
          }
        }
      }
      for (let i = 0; i < M; i++) {
        const out = dW + <usize>(load<i32>(targets + (<usize>i << 2)) * K * 9) * 4;
        const from = sums + <usize>i * sumsPerTarget;
        for (let q = 0; q < K * 9; q++) store<f32>(out + (<usize>q << 2), hsum(v128.load(from + (<usize>q << 4))));
      }
    }
  }
}

