/**
 * The gather engine of the convolutions. For output channels ("units") u it computes
 *
 *   y[u, oh, ow, b] = bias[u] + sum over the edges m of u, tap rows i, tap columns j of
 *                     w_m[i, j] * x[c_m, oh*s + i - p, ow*s + j - p, b]
 *
 * with taps that fall outside the input skipped (x is zero there). An edge m of a unit names an
 * input channel c_m and a k×k block of weights. This one engine runs
 * - the path convolution forward (units: output channels, edges: the gather CSR by target);
 * - the path convolution backward input at stride 1 (units: input channels, edges: the transpose by
 *   source, weights through edgeOf): at stride 1, dx is the forward convolution of dy with every
 *   kernel flipped (tap (i, j) -> (k-1-i, k-1-j)) and padding k-1-p, so it is this same gather;
 * - the dense convolution forward and backward input at stride 1 (every channel an edge), four
 *   units at a time so that each x vector loaded feeds four accumulators.
 *
 * Layout x[C][H][W][B] (src/kernels/conv-shape.ts): a tap meets a contiguous run of B values per
 * position, and at stride 1 the positions of an output row whose taps are all inside the image
 * ("interior") form one flat run of (interior positions) × B floats whose x run is the same flat
 * run shifted by a constant per tap. So the engine cuts every output row into interior runs
 * (flat, cut into chunks of 6, 4 and 1 vectors regardless of where positions start: no waste for
 * B = 5) and border positions (one chunk run per position, tap range clipped per position).
 * Padding is never tested per element: tap ranges are clipped per chunk, rows per output row.
 *
 * The 3×3 stride-1 single-unit kernel (path units; B >= 16 or a multiple of 4) gets a sliding
 * strip (`slide8`): one batch vector at 8 consecutive output positions. A row of taps (w0, w1, w2)
 * meets the 10 x vectors at positions -1..8 of the strip, and each x vector feeds up to 3 sums:
 * per edge and tap row, 3 weight splats and 10 x loads for 24 multiply-adds (0.54 loads per
 * multiply-add, against 1.17 for the flat chunk of 6 vectors: 6 x loads and a splat per 6).
 * Registers: 8 sums, 3 weights and the x vector in flight, 12 of the 15 xmm registers V8 hands out.
 *
 * Loop order (callers: conv-kernels.ts): output rows, then blocks of 16 samples (one 64-byte line
 * per position), then units, then the block's vectors and the row's strips. The units of one row
 * and block read a band of k input rows × 16 lines of every channel (Ci = 64, W = 16, B = 64:
 * 192 KB, in L2); unit-major order streamed a unit's K input channels from L3 per unit (32 MB per
 * call at that shape) and ran 1.6x slower.
 *
 * Measured and dropped (npm run build:wasm variants, timed round-robin against the SIMD ceiling in
 * one process; 64 -> 64 channels, 16×16, K = 8, B = 64, on a 2-core Zen 3 VM): with all K·3 input
 * rows of a strip in one L1 set (rows of 4 KB) a line's other 3 vectors are evicted before their
 * turn, but passes over 2-4 edges with partial sums in y (6-12 rows live) cost more than they
 * saved; 2-position × 4-vector tiles that use whole lines (19 loads per 24 multiply-adds), 6-position
 * strips, summing a tap row into a temporary before the accumulator (shorter dependency chains),
 * unrolling the tap rows and compile-time batch strides were all 5-20 % slower or no faster. The
 * strip reaches ~50 % of the ceiling on data that stays in L1 and ~35 % at the shape above.
 *
 * Measured and dropped in a second round (same shape, paired round-robin: per round each variant's
 * CPU time over the baseline's, median of 11-15 rounds; 2-core Zen 3 VM at load average 3-5):
 * - Packing the input (blocks of 16 samples as [C][H+2p][W+2p][16] with a zero ring, channel
 *   strides an odd number of lines, so no two rows share L1 sets, and constant load offsets, no
 *   clipped strips): no faster, forward or backward input, plain or FMA. So the 4 KB aliasing is
 *   not what costs: with packing or without, 64 -> 64 at K = 8 runs ~25 % slower per multiply-add
 *   than 8 -> 64 at K = 8 (whose band stays in L1), i.e. what costs is refilling each unit's K·3
 *   input rows (27 KB per unit, row and block) from L2, not conflicts. On the packed blocks,
 *   passes of 2 or 4 output rows per unit (K·(r + 2) input rows read instead of K·3·r) were
 *   0.88-0.96x (slower).
 * - V8 (TurboFan, Node 20) schedules the 10 x loads of a tap row ahead of the arithmetic, so 21
 *   vector values are live and 3-6 of them (accumulators among them) are spilled every tap row;
 *   a spilled accumulator's chain goes through a store and a reload (--print-wasm-code). Pinning
 *   each accumulator with a store after its last multiply-add of the row removes every vector
 *   spill but was 4-7 % slower (14 % when the pin store 4 KB-aliased the x loads); 4-position
 *   strips (13 live values, no spills) were 1.3-1.4x slower (4 chains: latency-bound).
 *
 * Order: every element sums bias, then edges in list order, tap rows ascending, tap columns
 * ascending, one `madd` each, on every path (flat chunk, border chunk, sliding strip, scalar),
 * and which path computes a position depends on the shapes only: a unit's values do not depend on
 * the range it falls in, so results are bit-identical for any thread count.
 *
 * Shape legend: B batch, k kernel, s stride, p padding; "in" H×W (x), "out" Ho×Wo (y).
 * Pointers are byte addresses.
 */
import { biasAt, madd, madd1 } from './simd';

// ---- The running call. Module globals belong to one instance and every thread runs its own
// instance, so these are thread-local; `setGeometry` and `setEdges` fill them, loops copy them
// into locals.
let gK: i32 = 0;
let gS: i32 = 0;
let gP: i32 = 0;
let gIH: i32 = 0;
let gIW: i32 = 0;
let gOH: i32 = 0;
let gOW: i32 = 0;
let gB: i32 = 0;
let gPos: usize = 0;    // bytes of one position (B floats), in x and y alike
let gIRow: usize = 0;   // bytes of one input row
let gIPlane: usize = 0; // bytes of one input channel
let gORow: usize = 0;
let gOPlane: usize = 0;
let gTap: i32 = 4;      // bytes from weight tap (i, j) to (i, j+1): 4, or -4 for flipped kernels
let gTapRow: i32 = 0;   // bytes from tap (i, j) to (i+1, j): 4k, or -4k
let gTap0: usize = 0;   // byte offset of tap (0, 0) in a block: 0, or 4(k² - 1) flipped

// ---- The edges of the running unit (or group of 4 units).
let gRows: usize = 0;   // Int32 [n]: the channel of edge m, or 0: edge m reads channel m
let gEdgeOf: usize = 0; // Int32 [n]: the weight block of edge m, or 0: block m
let gW: usize = 0;      // edge m's block starts at gW + block(m) * gWStep
let gWStep: usize = 0;
let gN: i32 = 0;        // edges
let gLane: usize = 0;   // groups: bytes between the weight blocks of consecutive units
let gGroupBias: usize = 0; // groups: bias of the group's first unit, or 0

/** Sets the geometry of a gather from x (inH×inW) to y (outH×outW); `flip` reads every kernel flipped. */
export function setGeometry(inH: i32, inW: i32, outH: i32, outW: i32, k: i32, s: i32, p: i32, B: i32, flip: bool): void {
  gK = k;
  gS = s;
  gP = p;
  gIH = inH;
  gIW = inW;
  gOH = outH;
  gOW = outW;
  gB = B;
  gPos = <usize>B << 2;
  gIRow = <usize>inW * gPos;
  gIPlane = <usize>inH * gIRow;
  gORow = <usize>outW * gPos;
  gOPlane = <usize>outH * gORow;
  gTap = flip ? -4 : 4;
  gTapRow = flip ? -4 * k : 4 * k;
  gTap0 = flip ? <usize>(k * k - 1) << 2 : 0;
}

/** Sets the edges of the next unit (see the globals above). */
export function setEdges(rows: usize, edgeOf: usize, W: usize, wStep: usize, n: i32): void {
  gRows = rows;
  gEdgeOf = edgeOf;
  gW = W;
  gWStep = wStep;
  gN = n;
}

/** Byte offset of the first x element of channel c_m (rows 0: channel m). */
function channelOffset(rows: usize, m: i32, plane: usize): usize {
  return (rows != 0 ? <usize>load<i32>(rows + (<usize>m << 2)) : <usize>m) * plane;
}

/** Address of tap (0, 0) of edge m's block (edgeOf 0: block m). */
function blockOf(edgeOf: usize, W: usize, wStep: usize, tap0: usize, m: i32): usize {
  return W + (edgeOf != 0 ? <usize>load<i32>(edgeOf + (<usize>m << 2)) : <usize>m) * wStep + tap0;
}

// ---- Chunks of one unit: y at yp; xa is x + the byte offset of tap (0, 0) of the chunk's first
// element within a channel (it may point outside the channel: only valid taps are added to it).

/** Six vectors (24 outputs). */
function chunk6(yp: usize, xa: usize, i0: i32, i1: i32, j0: i32, j1: i32, b0: f32): void {
  const rows = gRows, edgeOf = gEdgeOf, W = gW, wStep = gWStep, n = gN, tap0 = gTap0;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  let a0 = f32x4.splat(b0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let a4 = a0;
  let a5 = a0;
  for (let m = 0; m < n; m++) {
    const xm = xa + channelOffset(rows, m, plane);
    const wm = blockOf(edgeOf, W, wStep, tap0, m);
    for (let i = i0; i < i1; i++) {
      const xi = xm + <usize>i * iRow;
      const wi = wm + <usize>(i * tapRow);
      for (let j = j0; j < j1; j++) {
        const w = v128.load32_splat(wi + <usize>(j * tap));
        const s = xi + <usize>j * pos;
        a0 = madd(w, v128.load(s), a0);
        a1 = madd(w, v128.load(s, 16), a1);
        a2 = madd(w, v128.load(s, 32), a2);
        a3 = madd(w, v128.load(s, 48), a3);
        a4 = madd(w, v128.load(s, 64), a4);
        a5 = madd(w, v128.load(s, 80), a5);
      }
    }
  }
  v128.store(yp, a0);
  v128.store(yp, a1, 16);
  v128.store(yp, a2, 32);
  v128.store(yp, a3, 48);
  v128.store(yp, a4, 64);
  v128.store(yp, a5, 80);
}

/** Four vectors (16 outputs). */
function chunk4(yp: usize, xa: usize, i0: i32, i1: i32, j0: i32, j1: i32, b0: f32): void {
  const rows = gRows, edgeOf = gEdgeOf, W = gW, wStep = gWStep, n = gN, tap0 = gTap0;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  let a0 = f32x4.splat(b0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  for (let m = 0; m < n; m++) {
    const xm = xa + channelOffset(rows, m, plane);
    const wm = blockOf(edgeOf, W, wStep, tap0, m);
    for (let i = i0; i < i1; i++) {
      const xi = xm + <usize>i * iRow;
      const wi = wm + <usize>(i * tapRow);
      for (let j = j0; j < j1; j++) {
        const w = v128.load32_splat(wi + <usize>(j * tap));
        const s = xi + <usize>j * pos;
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

/** One vector (4 outputs). */
function chunk1(yp: usize, xa: usize, i0: i32, i1: i32, j0: i32, j1: i32, b0: f32): void {
  const rows = gRows, edgeOf = gEdgeOf, W = gW, wStep = gWStep, n = gN, tap0 = gTap0;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  let a0 = f32x4.splat(b0);
  for (let m = 0; m < n; m++) {
    const xm = xa + channelOffset(rows, m, plane);
    const wm = blockOf(edgeOf, W, wStep, tap0, m);
    for (let i = i0; i < i1; i++) {
      const xi = xm + <usize>i * iRow;
      const wi = wm + <usize>(i * tapRow);
      for (let j = j0; j < j1; j++) {
        a0 = madd(v128.load32_splat(wi + <usize>(j * tap)), v128.load(xi + <usize>j * pos), a0);
      }
    }
  }
  v128.store(yp, a0);
}

/** One output, with the unit's weights at W (groups call it per unit). */
function chunkScalar(yp: usize, xa: usize, W: usize, i0: i32, i1: i32, j0: i32, j1: i32, b0: f32): void {
  const rows = gRows, edgeOf = gEdgeOf, wStep = gWStep, n = gN, tap0 = gTap0;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  let a = b0;
  for (let m = 0; m < n; m++) {
    const xm = xa + channelOffset(rows, m, plane);
    const wm = blockOf(edgeOf, W, wStep, tap0, m);
    for (let i = i0; i < i1; i++) {
      const xi = xm + <usize>i * iRow;
      const wi = wm + <usize>(i * tapRow);
      for (let j = j0; j < j1; j++) a = madd1(load<f32>(wi + <usize>(j * tap)), load<f32>(xi + <usize>j * pos), a);
    }
  }
  store<f32>(yp, a);
}

// ---- Chunks of a group of 4 units (dense): units u..u+3 at yp + k*outPlane, weights of edge m of
// unit k at gW + k*gLane + m*gWStep. Each x vector loaded feeds 4 sums: per tap, 2 x loads and 4
// weight splats for 8 multiply-adds (0.75 loads each); 8 sums + 2 x + 4 weights = 14 registers.

/** Four units × two vectors (8 outputs each). */
function group4x2(yp: usize, xa: usize, i0: i32, i1: i32, j0: i32, j1: i32): void {
  const W = gW + gTap0, wStep = gWStep, lane = gLane, n = gN, oPlane = gOPlane, bias = gGroupBias;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  let a00 = f32x4.splat(biasAt(bias, 0));
  let a01 = a00;
  let a10 = f32x4.splat(biasAt(bias, 1));
  let a11 = a10;
  let a20 = f32x4.splat(biasAt(bias, 2));
  let a21 = a20;
  let a30 = f32x4.splat(biasAt(bias, 3));
  let a31 = a30;
  for (let m = 0; m < n; m++) {
    const xm = xa + <usize>m * plane;
    const wm = W + <usize>m * wStep;
    for (let i = i0; i < i1; i++) {
      const xi = xm + <usize>i * iRow;
      const wi = wm + <usize>(i * tapRow);
      for (let j = j0; j < j1; j++) {
        const s = xi + <usize>j * pos;
        const wt = wi + <usize>(j * tap);
        const x0 = v128.load(s);
        const x1 = v128.load(s, 16);
        const w0 = v128.load32_splat(wt);
        const w1 = v128.load32_splat(wt + lane);
        const w2 = v128.load32_splat(wt + 2 * lane);
        const w3 = v128.load32_splat(wt + 3 * lane);
        a00 = madd(w0, x0, a00);
        a01 = madd(w0, x1, a01);
        a10 = madd(w1, x0, a10);
        a11 = madd(w1, x1, a11);
        a20 = madd(w2, x0, a20);
        a21 = madd(w2, x1, a21);
        a30 = madd(w3, x0, a30);
        a31 = madd(w3, x1, a31);
      }
    }
  }
  v128.store(yp, a00);
  v128.store(yp, a01, 16);
  v128.store(yp + oPlane, a10);
  v128.store(yp + oPlane, a11, 16);
  v128.store(yp + 2 * oPlane, a20);
  v128.store(yp + 2 * oPlane, a21, 16);
  v128.store(yp + 3 * oPlane, a30);
  v128.store(yp + 3 * oPlane, a31, 16);
}

/** Four units × one vector. */
function group4x1(yp: usize, xa: usize, i0: i32, i1: i32, j0: i32, j1: i32): void {
  const W = gW + gTap0, wStep = gWStep, lane = gLane, n = gN, oPlane = gOPlane, bias = gGroupBias;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  let a0 = f32x4.splat(biasAt(bias, 0));
  let a1 = f32x4.splat(biasAt(bias, 1));
  let a2 = f32x4.splat(biasAt(bias, 2));
  let a3 = f32x4.splat(biasAt(bias, 3));
  for (let m = 0; m < n; m++) {
    const xm = xa + <usize>m * plane;
    const wm = W + <usize>m * wStep;
    for (let i = i0; i < i1; i++) {
      const xi = xm + <usize>i * iRow;
      const wi = wm + <usize>(i * tapRow);
      for (let j = j0; j < j1; j++) {
        const wt = wi + <usize>(j * tap);
        const x0 = v128.load(xi + <usize>j * pos);
        a0 = madd(v128.load32_splat(wt), x0, a0);
        a1 = madd(v128.load32_splat(wt + lane), x0, a1);
        a2 = madd(v128.load32_splat(wt + 2 * lane), x0, a2);
        a3 = madd(v128.load32_splat(wt + 3 * lane), x0, a3);
      }
    }
  }
  v128.store(yp, a0);
  v128.store(yp + oPlane, a1);
  v128.store(yp + 2 * oPlane, a2);
  v128.store(yp + 3 * oPlane, a3);
}

// ---- Runs: n contiguous outputs at yp whose x anchors are contiguous from xa (a flat interior
// run, or the B samples of one position).

let gUnitBias: f32 = 0; // single units: the running unit's bias
let gGroup: bool = false;

function runUnit(yp: usize, xa: usize, n: i32, i0: i32, i1: i32, j0: i32, j1: i32): void {
  const b0 = gUnitBias;
  if (n < 4) {
    for (let t = 0; t < n; t++) chunkScalar(yp + (<usize>t << 2), xa + (<usize>t << 2), gW, i0, i1, j0, j1, b0);
    return;
  }
  // 6-vector chunks, but 8 remaining vectors go as 4 + 4 (B = 64 per position is 6 + 6 + 4)
  let q = 0;
  for (; n - q >= 24 && (n - q) >> 2 != 8; q += 24) chunk6(yp + (<usize>q << 2), xa + (<usize>q << 2), i0, i1, j0, j1, b0);
  for (; q + 16 <= n; q += 16) chunk4(yp + (<usize>q << 2), xa + (<usize>q << 2), i0, i1, j0, j1, b0);
  for (; q + 4 <= n; q += 4) chunk1(yp + (<usize>q << 2), xa + (<usize>q << 2), i0, i1, j0, j1, b0);
  if (q < n) chunk1(yp + (<usize>(n - 4) << 2), xa + (<usize>(n - 4) << 2), i0, i1, j0, j1, b0);
}

function runGroup(yp: usize, xa: usize, n: i32, i0: i32, i1: i32, j0: i32, j1: i32): void {
  if (n < 4) {
    const W = gW, lane = gLane, oPlane = gOPlane, bias = gGroupBias;
    for (let u = 0; u < 4; u++) {
      const b0 = biasAt(bias, u);
      for (let t = 0; t < n; t++) {
        chunkScalar(yp + <usize>u * oPlane + (<usize>t << 2), xa + (<usize>t << 2), W + <usize>u * lane, i0, i1, j0, j1, b0);
      }
    }
    return;
  }
  let q = 0;
  for (; q + 8 <= n; q += 8) group4x2(yp + (<usize>q << 2), xa + (<usize>q << 2), i0, i1, j0, j1);
  for (; q + 4 <= n; q += 4) group4x1(yp + (<usize>q << 2), xa + (<usize>q << 2), i0, i1, j0, j1);
  if (q < n) group4x1(yp + (<usize>(n - 4) << 2), xa + (<usize>(n - 4) << 2), i0, i1, j0, j1);
}

function run(yp: usize, xa: usize, n: i32, i0: i32, i1: i32, j0: i32, j1: i32): void {
  if (gGroup) runGroup(yp, xa, n, i0, i1, j0, j1);
  else runUnit(yp, xa, n, i0, i1, j0, j1);
}

/** One output position: its B samples, taps clipped to the image. */
function position(yRow: usize, xRow: usize, wo: i32, i0: i32, i1: i32): void {
  const xw = wo * gS - gP; // input column of tap column 0
  const j0 = max(0, -xw);
  const j1 = min(gK, gIW - xw);
  run(yRow + <usize>wo * gPos, xRow + <usize>(xw * <i32>gPos), gB, i0, i1, j0, j1);
}

/** One output row by runs: border positions one by one, at stride 1 the interior as one flat run. */
function rowRuns(yRow: usize, xRow: usize, i0: i32, i1: i32): void {
  const OW = gOW;
  if (gS != 1) {
    for (let wo = 0; wo < OW; wo++) position(yRow, xRow, wo, i0, i1);
    return;
  }
  // interior: every tap column inside, i.e. wo - p >= 0 and wo - p + k - 1 <= W - 1
  const L = min(gP, OW);
  const R = max(L, min(OW, gIW + gP - gK + 1));
  for (let wo = 0; wo < L; wo++) position(yRow, xRow, wo, i0, i1);
  if (R > L) run(yRow + <usize>L * gPos, xRow + <usize>((L - gP) * <i32>gPos), (R - L) * gB, i0, i1, 0, gK);
  for (let wo = R; wo < OW; wo++) position(yRow, xRow, wo, i0, i1);
}

// ---- Sliding strips (k = 3, stride 1, one unit): one batch vector at 8 (or 4) consecutive output
// positions wo0.. of a row; xa = x + offset of position wo0 - p, tap row 0, the strip's vector. The
// strip's x positions q = 0 .. n+1 are wo0 - p + q; only q < 2 can lie left of the image and only
// q >= n can lie right of it (p <= 2), which the flags say (Clip: i32, some may be false; f32: all
// inside, tested at compile time).

function slide8<Clip>(yp0: usize, xa0: usize, i0: i32, i1: i32, l0: bool, l1: bool, r8: bool, r9: bool, nv: i32): void {
  const clip = isInteger<Clip>();
  const rows = gRows, edgeOf = gEdgeOf, W = gW, wStep = gWStep, n = gN, tap0 = gTap0;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  for (let v = 0; v < nv; v++) {
    const yp = yp0 + (<usize>v << 4);
    const xa = xa0 + (<usize>v << 4);
    let a0 = f32x4.splat(gUnitBias);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let a4 = a0;
    let a5 = a0;
    let a6 = a0;
    let a7 = a0;
    for (let m = 0; m < n; m++) {
      const xm = xa + channelOffset(rows, m, plane);
      const wm = blockOf(edgeOf, W, wStep, tap0, m);
      for (let i = i0; i < i1; i++) {
        let s = xm + <usize>i * iRow;
        const wi = wm + <usize>(i * tapRow);
        const w0 = v128.load32_splat(wi);
        const w1 = v128.load32_splat(wi + <usize>tap);
        const w2 = v128.load32_splat(wi + <usize>(2 * tap));
        if (!clip || l0) a0 = madd(w0, v128.load(s), a0);
        s += pos;
        if (!clip || l1) {
          const x = v128.load(s);
          a1 = madd(w0, x, a1);
          a0 = madd(w1, x, a0);
        }
        s += pos;
        let x = v128.load(s);
        a2 = madd(w0, x, a2);
        a1 = madd(w1, x, a1);
        a0 = madd(w2, x, a0);
        s += pos;
        x = v128.load(s);
        a3 = madd(w0, x, a3);
        a2 = madd(w1, x, a2);
        a1 = madd(w2, x, a1);
        s += pos;
        x = v128.load(s);
        a4 = madd(w0, x, a4);
        a3 = madd(w1, x, a3);
        a2 = madd(w2, x, a2);
        s += pos;
        x = v128.load(s);
        a5 = madd(w0, x, a5);
        a4 = madd(w1, x, a4);
        a3 = madd(w2, x, a3);
        s += pos;
        x = v128.load(s);
        a6 = madd(w0, x, a6);
        a5 = madd(w1, x, a5);
        a4 = madd(w2, x, a4);
        s += pos;
        x = v128.load(s);
        a7 = madd(w0, x, a7);
        a6 = madd(w1, x, a6);
        a5 = madd(w2, x, a5);
        s += pos;
        if (!clip || r8) {
          x = v128.load(s);
          a7 = madd(w1, x, a7);
          a6 = madd(w2, x, a6);
        }
        s += pos;
        if (!clip || r9) a7 = madd(w2, v128.load(s), a7);
      }
    }
    v128.store(yp, a0);
    v128.store(yp + pos, a1);
    v128.store(yp + 2 * pos, a2);
    v128.store(yp + 3 * pos, a3);
    v128.store(yp + 4 * pos, a4);
    v128.store(yp + 5 * pos, a5);
    v128.store(yp + 6 * pos, a6);
    v128.store(yp + 7 * pos, a7);
  }
}

function slide4<Clip>(yp0: usize, xa0: usize, i0: i32, i1: i32, l0: bool, l1: bool, r4: bool, r5: bool, nv: i32): void {
  const clip = isInteger<Clip>();
  const rows = gRows, edgeOf = gEdgeOf, W = gW, wStep = gWStep, n = gN, tap0 = gTap0;
  const plane = gIPlane, iRow = gIRow, pos = gPos, tap = gTap, tapRow = gTapRow;
  for (let v = 0; v < nv; v++) {
    const yp = yp0 + (<usize>v << 4);
    const xa = xa0 + (<usize>v << 4);
    let a0 = f32x4.splat(gUnitBias);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    for (let m = 0; m < n; m++) {
      const xm = xa + channelOffset(rows, m, plane);
      const wm = blockOf(edgeOf, W, wStep, tap0, m);
      for (let i = i0; i < i1; i++) {
        let s = xm + <usize>i * iRow;
        const wi = wm + <usize>(i * tapRow);
        const w0 = v128.load32_splat(wi);
        const w1 = v128.load32_splat(wi + <usize>tap);
        const w2 = v128.load32_splat(wi + <usize>(2 * tap));
        if (!clip || l0) a0 = madd(w0, v128.load(s), a0);
        s += pos;
        if (!clip || l1) {
          const x = v128.load(s);
          a1 = madd(w0, x, a1);
          a0 = madd(w1, x, a0);
        }
        s += pos;
        let x = v128.load(s);
        a2 = madd(w0, x, a2);
        a1 = madd(w1, x, a1);
        a0 = madd(w2, x, a0);
        s += pos;
        x = v128.load(s);
        a3 = madd(w0, x, a3);
        a2 = madd(w1, x, a2);
        a1 = madd(w2, x, a1);
        s += pos;
        if (!clip || r4) {
          x = v128.load(s);
          a3 = madd(w1, x, a3);
          a2 = madd(w2, x, a2);
        }
        s += pos;
        if (!clip || r5) a3 = madd(w2, v128.load(s), a3);
      }
    }
    v128.store(yp, a0);
    v128.store(yp + pos, a1);
    v128.store(yp + 2 * pos, a2);
    v128.store(yp + 3 * pos, a3);
  }
}

/** One strip of n = 8 or 4 positions from wo0, batch vector at byte offset bo. */
function strip(yRow: usize, xRow: usize, wo0: i32, n: i32, bo: usize, nv: i32, i0: i32, i1: i32): void {
  const x0 = wo0 - gP; // input column of strip position q = 0
  const W = gIW;
  const yp = yRow + <usize>wo0 * gPos + bo;
  const xa = xRow + <usize>(x0 * <i32>gPos) + bo;
  const l0 = x0 >= 0;
  const l1 = x0 + 1 >= 0;
  const ra = x0 + n < W;
  const rb = x0 + n + 1 < W;
  const inside = l0 && rb;
  if (n == 8) {
    if (inside) slide8<f32>(yp, xa, i0, i1, true, true, true, true, nv);
    else slide8<i32>(yp, xa, i0, i1, l0, l1, ra, rb, nv);
  } else {
    if (inside) slide4<f32>(yp, xa, i0, i1, true, true, true, true, nv);
    else slide4<i32>(yp, xa, i0, i1, l0, l1, ra, rb, nv);
  }
}

/** The strips of one row for nv consecutive batch vectors from byte offset bo (the last strip overlaps). */
function stripsOfRow(yRow: usize, xRow: usize, bo: usize, nv: i32, i0: i32, i1: i32): void {
  const OW = gOW;
  if (OW >= 4) {
    const n = OW >= 8 ? 8 : 4;
    for (let wo0 = 0; wo0 < OW; wo0 += n) strip(yRow, xRow, min(wo0, OW - n), n, bo, nv, i0, i1);
    return;
  }
  for (let v = 0; v < nv; v++) {
    const bv = bo + (<usize>v << 4);
    for (let wo = 0; wo < OW; wo++) {
      const xw = wo - gP;
      chunk1(yRow + <usize>wo * gPos + bv, xRow + <usize>(xw * <i32>gPos) + bv, i0, i1, max(0, -xw), min(gK, gIW - xw),
        gUnitBias);
    }
  }
}

/**
 * One output row by sliding strips (k = 3, stride 1, B >= 4, one unit) for the batch vectors
 * [v0, v1): each strip call runs the block's vectors one after the other (a call and its loop
 * set-up cost about as much as 4 tap rows of work: K = 1..2 channels ran at half speed with one
 * vector per call), and the last vector at B - 4 when B % 4 != 0.
 */
function rowStrips(yRow: usize, xRow: usize, i0: i32, i1: i32, v0: i32, v1: i32): void {
  const B = gB;
  const full = min(v1, B & ~3);
  if (full > v0) stripsOfRow(yRow, xRow, <usize>v0 << 2, (full - v0) >> 2, i0, i1);
  if (full < v1) stripsOfRow(yRow, xRow, <usize>(B - 4) << 2, 1, i0, i1);
}

/** Whether single units run by sliding strips (depends on the shapes only). */
function useStrips(): bool {
  // a batch that is not a multiple of 4 wastes lanes in the overlapping last vector of each
  // position: below 16 the flat runs (which cross positions) waste less
  return gK == 3 && gS == 1 && gB >= 4 && ((gB & 3) == 0 || gB >= 16);
}

/** Output row oh of the unit (or group) whose output channel starts at yu; x is the whole input. */
function unitRow(yu: usize, x: usize, oh: i32, strips: bool, v0: i32, v1: i32): void {
  const ih = oh * gS - gP; // input row of tap row 0
  const i0 = max(0, -ih);
  const i1 = min(gK, gIH - ih);
  const yRow = yu + <usize>oh * gORow;
  const xRow = x + <usize>(ih * <i32>gIRow);
  if (strips) rowStrips(yRow, xRow, i0, i1, v0, v1);
  else rowRuns(yRow, xRow, i0, i1);
}

/**
 * Output row oh of one unit: output channel at yu, edges set by `setEdges`, bias b0. Callers loop
 * rows outside units: the units of a row read a band of k input rows of their channels, which
 * stays in L2 while every unit that reads it passes (a unit's rows one after the other would
 * stream all its K input channels from L3 per unit: Ci = 64, 16×16, B = 64 is 4 MB of x).
 */
export function gatherRow(yu: usize, x: usize, b0: f32, oh: i32, v0: i32, v1: i32): void {
  gGroup = false;
  gUnitBias = b0;
  const strips = useStrips();
  unitRow(yu, x, oh, strips, strips ? v0 : 0, strips ? v1 : gB);
}

/**
 * Samples per batch block of `gatherRow`: callers loop blocks outside units, so that a row's band
 * of input rows is one 64-byte line per position and channel (Ci = 64, 3 rows, W = 16: 192 KB, not
 * 768 KB) while the units pass. Only sliding strips run a block at a time; others take the batch.
 */
export function batchBlock(): i32 {
  return useStrips() ? 16 : gB;
}

/** Output rows of the running geometry. */
export function outRows(): i32 {
  return gOH;
}

/**
 * Output row oh of the group at yu for samples [b0, b1) only: one run per position (taps clipped
 * per position), since a block's samples of consecutive positions are not contiguous.
 */
function groupRowBlock(yu: usize, x: usize, oh: i32, b0: i32, b1: i32): void {
  const ih = oh * gS - gP;
  const i0 = max(0, -ih);
  const i1 = min(gK, gIH - ih);
  const off = <usize>b0 << 2;
  const yRow = yu + <usize>oh * gORow + off;
  const xRow = x + <usize>(ih * <i32>gIRow) + off;
  const OW = gOW, pos = gPos, K = gK, IW = gIW, s = gS, p = gP;
  for (let wo = 0; wo < OW; wo++) {
    const xw = wo * s - p;
    runGroup(yRow + <usize>wo * pos, xRow + <usize>(xw * <i32>pos), b1 - b0, i0, i1, max(0, -xw), min(K, IW - xw));
  }
}

/** Bands of input rows (n channels × k rows) up to this size run whole rows. */
const DENSE_ROWS_BYTES = 2 << 20;
/** Otherwise, the band of one block of samples stays within this. */
const DENSE_BAND_BYTES = 256 << 10;

/**
 * Samples per block of `gatherDense`: B when the band of k input rows of all n channels at the
 * whole batch is at most DENSE_ROWS_BYTES, else the most (a multiple of 16, at least 16) whose
 * band fits DENSE_BAND_BYTES.
 */
function denseBlock(n: i32): i32 {
  const perSample = <i64>n * gK * gIW * 4;
  if (perSample * gB <= DENSE_ROWS_BYTES) return gB;
  const nb = max<i64>(16, (<i64>DENSE_BAND_BYTES / perSample) & ~15);
  return nb * 2 > <i64>gB ? gB : <i32>nb;
}

/**
 * Dense units [u0, u1) from y: unit u's edge m reads channel m with weights at
 * W + u * lane + m * wStep (n edges), in groups of 4 and single units for the rest; rows
 * outermost (see `gatherRow`). When the band of k input rows of all n channels that the groups
 * of one row read is large (`denseBlock`), the groups run blocks of samples (the last block takes
 * the rest) between rows and groups, one run per position. Measured (paired round-robin, 1
 * thread, loaded 2-core Zen 3): the cnn preset's 32 -> 64 (14×14) and 64 -> 64 (7×7) at
 * B = 1000 have 5.4 MB bands, streamed from L3 or memory once per group: blocks of 48 ran them
 * 2.4x and 3.5x faster (plain; FMA 1.9x, 3.1x). At B = 128 (0.7 MB bands) the same blocks were
 * 6-13 % slower than whole rows, hence the 2 MB threshold.
 */
export function gatherDense(u0: i32, u1: i32, y: usize, x: usize, W: usize, bias: usize, lane: usize, wStep: usize,
  n: i32): void {
  gLane = lane;
  const OH = gOH, B = gB;
  const nb = denseBlock(n);
  const blocks = B / nb;
  for (let oh = 0; oh < OH; oh++) {
    for (let k = 0; k < blocks; k++) {
      const b0 = k * nb;
      const b1 = k == blocks - 1 ? B : b0 + nb;
      for (let u = u0; u + 4 <= u1; u += 4) {
        setEdges(0, 0, W + <usize>u * lane, wStep, n);
        gGroup = true;
        gGroupBias = bias != 0 ? bias + (<usize>u << 2) : 0;
        if (blocks > 1) groupRowBlock(y + <usize>u * gOPlane, x, oh, b0, b1);
        else unitRow(y + <usize>u * gOPlane, x, oh, false, 0, B);
      }
    }
    for (let u = u0 + ((u1 - u0) & ~3); u < u1; u++) {
      setEdges(0, 0, W + <usize>u * lane, wStep, n);
      gatherRow(y + <usize>u * gOPlane, x, biasAt(bias, u), oh, 0, B);
    }
  }
}

/** Bytes of one output channel (for callers that walk units). */
export function outPlaneBytes(): usize {
  return gOPlane;
}
