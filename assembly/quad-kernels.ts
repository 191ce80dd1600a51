/**
 * Batch-1 path kernels on the quad structure of a layer (src/kernels/quad-index.ts): when the K edges
 * of every target are in the same order for the four targets 4a .. 4a+3 of a quad, and edge slot k of
 * the four reads four rows of x inside one aligned group of four rows 4b .. 4b+3, the quad's four sums
 * advance together as one vector: per slot, one vector of x's group with row 4b + lane(j) in lane j
 * (one load from the pattern copies below), one multiply-add. The weights W[4a+j][k] of four slots are
 * four row vectors, transposed in registers to four slot vectors. No scalar gathers at all: the
 * edge-lane kernels (small-batch-kernels.ts) insert x one lane at a time.
 *
 * Where a layer is also block-dense with a fan-in that is a multiple of 4 (plain Sobol' paths between
 * power-of-two widths with a power-of-two fan-in), the wasm backend runs the batch-1 block kernels
 * instead (block-kernels.ts: 1.3-1.45× as fast; the forward and weight gradient with these kernels'
 * bits). The quads serve the layers with quad structure and no such blocks, fan-ins like 12 or 24.
 *
 * Plain Sobol' paths have this structure wherever both layers' units are stored bit-reversed and the
 * widths are powers of two (quad-index.ts derives it): an aligned block of 4 consecutive paths has
 * fixed unit bits above the lowest two in every layer.
 *
 * A quad word is (b << 8) | lanes, lanes holding lane(j) in bits 2j, 2j+1; `masks` holds the 256
 * swizzle masks, entry `lanes` picking float lane(j) into lane j.
 *
 * The forward and the weight gradient read x through its pattern copies (quad-index.ts
 * `quadCopies`): a layer's slots use only a few lanes bytes (4 on every plain or shifted Sobol'
 * layer: lane(j) = j XOR p, one p per block of paths and quad), so `quadCopies` first writes, for
 * every group b of x and every pattern d, the group with its lanes already picked (D·I floats, a few
 * microseconds), and a slot is then one vector load at a byte offset its copy word names: no
 * swizzle, no mask load, no word decoding. Measured on 4096 → 4096, K = 32, one thread, the FMA
 * build, round-robin (throwaway harness, medians of 31; the VM loaded or not between runs): forward
 * 31.6-48.9 µs against the swizzling quads' 51.8-73.6 (0.61-0.66×), weight gradient 35.0-55.3
 * against 49.6-75.9 (0.71-0.73×), the copies 1.5-2.0 µs of that. Copy words as 16-bit vector
 * indices (half the bytes, one shift more) and the weights pre-transposed per quad were no faster.
 *
 * The forward and the weight gradient: a target's result never depends on the range of quads it is
 * computed in, bit-identical for any thread count.
 *
 * The input gradient (`sparseBackwardInputQuads`) runs over the same quads in W's own order, rows of
 * W read as vectors, and adds each quad's products into dx's groups: every quad's slots are cut into
 * blocks of R = 1, 2 or 4 slots that read one group b of x (quad-index.ts `quadBlocks`), whose 4·R
 * products W[4a+j][k]·dy[4a+j] sum to one vector of four distinct rows of b:
 * - R = 4 (all four targets of a slot read one row; n = 16384, K = 32): sum over j of row j of W
 *   times dy[4a+j], four slots at once, no transpose;
 * - R = 2 (blocks of paths meet in pairs on a group, slots like (0, 0, 2, 2) and (1, 1, 3, 3);
 *   n = 4096, K = 32): rows 0 + 1 and rows 2 + 3, each times its dy, then one shuffle per block;
 * - R = 1 (each slot a permutation; n = 1024, the MLP's hidden pairs): the forward's transpose, one
 *   column per slot, times the quad's dy group.
 * One swizzle (the block word's mask) puts the vector into row order and one load-add-store adds it
 * to dx's group. A block word is (b << 8) | inverse, as a quad word. dx's rows sum in the order of
 * the quads, so the kernel runs whole on one thread (dx zeroed first): bit-identical for any thread
 * count. Layers without blocks (other pairings of targets, fan-ins not a multiple of 4) run the edge
 * lanes. Measured (one thread, FMA build, round-robin, medians of 15; the noisy 2-core VM):
 * 69 µs against the edge lanes' 261 at n = 4096 (R = 2), 260 against 1024 at 16384 (R = 4), 91
 * against 275 on the 4096 hidden pair (components 1, 2; R = 1), 20 against 44 at 1024 (R = 1).
 *
 * Measured and dropped for the input gradient (round-robin):
 * - the forward over the transpose (quads of four sources, slots in target order), on the weights
 *   copied into source-major order first: 267 µs against the edge lanes' 238 at n = 4096, 933
 *   against 767 at 16384 (the copy, a scalar gather through edgeOf, costs what the quads save);
 * - the same over the transposed quads with the weights gathered one lane each through edgeOf
 *   (no copy): 259 against 249 µs at n = 4096, 46 against 51 at 1024, 756 against 803 at 16384;
 * - a scatter of one vector per slot of the forward's quads into dx's group (lane by lane where a
 *   slot's lanes are no permutation, which at n = 4096, K = 32 is every slot: blocks of paths meet in
 *   pairs on one group and sorting by source splits them into slots like (0, 0, 2, 2) and
 *   (1, 1, 3, 3)): 344 µs against the edge lanes' 187 at n = 4096 and 64 against 53 at n = 1024
 *   (where every slot is a permutation); the read-modify-write of dx's groups serialises;
 * - one vector per slot, its lanes summed into rows by up to 4 zeroing swizzles (a 16 KB table of
 *   masks per lanes byte), for any quad layer: 104 µs against the blocks' 69 at n = 4096, 603 against
 *   260 at 16384; R = 1 the same as the blocks;
 * - the input and the weight gradient fused into one pass over the quads (quad words read once):
 *   107.5 against 114.5 µs for the two kernels one after the other (medians of 21; fastest samples
 *   88 and 87 µs), within this VM's noise.
 *
 * Shape legend: O targets (a multiple of 4), A = O / 4 quads, K edges per target, I inputs.
 */
import { madd, swizzle } from './simd';

/**
 * xq[G·D] <- x[4G]: vector b·D + d of xq is x's group b with lane j <- x[4b + lane_d(j)], the lanes of
 * mask d of `patternMasks` (D masks of 16 bytes); groups [b0, b1). B = 1.
 */
export function quadCopies(b0: i32, b1: i32, xq: usize, x: usize, patternMasks: usize, D: i32): void {
  const stride = <usize>D << 4;
  for (let b = b0; b < b1; b++) {
    const v = v128.load(x + (<usize>b << 4));
    const out = xq + <usize>b * stride;
    for (let d = 0; d < D; d++) v128.store(out + (<usize>d << 4), swizzle(v, v128.load(patternMasks + (<usize>d << 4))));
  }
}

/** The four weights W[4a+j][k], j = 0..3, rows rowBytes apart: one lane each. */
function column(w: usize, rowBytes: usize): v128 {
  let v = v128.load32_zero(w);
  v = v128.load32_lane(w + rowBytes, v, 1);
  v = v128.load32_lane(w + 2 * rowBytes, v, 2);
  return v128.load32_lane(w + 3 * rowBytes, v, 3);
}

// y[O] <- xq (quadCopies of x), W[O,K] (gather order), bias[O] | 0, copies[A,K] (byte offsets into
// xq); quads [a0, a1); B = 1
export function sparseForwardQuads(a0: i32, a1: i32, y: usize, xq: usize, W: usize, bias: usize, copies: usize,
  K: i32): void {
  const rowBytes = <usize>K << 2;
  const K4 = K & ~3;
  for (let a = a0; a < a1; a++) {
    const w = W + (<usize>a << 2) * rowBytes;
    const q = copies + <usize>a * rowBytes;
    let s0 = f32x4.splat(0);
    let s1 = s0;
    let s2 = s0;
    let s3 = s0;
    let k = 0;
    for (; k < K4; k += 4) {
      const o = <usize>k << 2;
      const r0 = v128.load(w + o);
      const r1 = v128.load(w + rowBytes + o);
      const r2 = v128.load(w + 2 * rowBytes + o);
      const r3 = v128.load(w + 3 * rowBytes + o);
      // 4×4 transpose: c_i holds slot k+i of the four rows
      const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
      s0 = madd(f32x4.shuffle(t0, t1, 0, 1, 4, 5), v128.load(xq + <usize>load<u32>(q + o)), s0);
      s1 = madd(f32x4.shuffle(t0, t1, 2, 3, 6, 7), v128.load(xq + <usize>load<u32>(q + o, 4)), s1);
      s2 = madd(f32x4.shuffle(t2, t3, 0, 1, 4, 5), v128.load(xq + <usize>load<u32>(q + o, 8)), s2);
      s3 = madd(f32x4.shuffle(t2, t3, 2, 3, 6, 7), v128.load(xq + <usize>load<u32>(q + o, 12)), s3);
    }
    for (; k < K; k++) {
      const o = <usize>k << 2;
      s0 = madd(column(w + o, rowBytes), v128.load(xq + <usize>load<u32>(q + o)), s0);
    }
    let s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    if (bias != 0) s = f32x4.add(s, v128.load(bias + (<usize>a << 4)));
    v128.store(y + (<usize>a << 4), s);
  }
}

// dW[O,K] (gather order) <- dy[O], xq (quadCopies of x), copies[A,K]; quads [a0, a1); B = 1
export function sparseBackwardWeightQuads(a0: i32, a1: i32, dW: usize, dy: usize, xq: usize, copies: usize,
  K: i32): void {
  const rowBytes = <usize>K << 2;
  const K4 = K & ~3;
  for (let a = a0; a < a1; a++) {
    const w = dW + (<usize>a << 2) * rowBytes;
    const q = copies + <usize>a * rowBytes;
    const g = v128.load(dy + (<usize>a << 4));
    let k = 0;
    for (; k < K4; k += 4) {
      const o = <usize>k << 2;
      const c0 = f32x4.mul(g, v128.load(xq + <usize>load<u32>(q + o)));
      const c1 = f32x4.mul(g, v128.load(xq + <usize>load<u32>(q + o, 4)));
      const c2 = f32x4.mul(g, v128.load(xq + <usize>load<u32>(q + o, 8)));
      const c3 = f32x4.mul(g, v128.load(xq + <usize>load<u32>(q + o, 12)));
      // 4×4 transpose back: row j holds slots k .. k+3 of target 4a+j
      const t0 = f32x4.shuffle(c0, c1, 0, 4, 1, 5);
      const t1 = f32x4.shuffle(c2, c3, 0, 4, 1, 5);
      const t2 = f32x4.shuffle(c0, c1, 2, 6, 3, 7);
      const t3 = f32x4.shuffle(c2, c3, 2, 6, 3, 7);
      v128.store(w + o, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(w + rowBytes + o, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
      v128.store(w + 2 * rowBytes + o, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
      v128.store(w + 3 * rowBytes + o, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
    }
    for (; k < K; k++) {
      const o = <usize>k << 2;
      const c = f32x4.mul(g, v128.load(xq + <usize>load<u32>(q + o)));
      v128.store32_lane(w + o, c, 0);
      v128.store32_lane(w + rowBytes + o, c, 1);
      v128.store32_lane(w + 2 * rowBytes + o, c, 2);
      v128.store32_lane(w + 3 * rowBytes + o, c, 3);
    }
  }
}

/** Adds v, moved into row order by mask `word & 255` of `masks`, into dx's group `word >> 8`. */
function addBlock(dx: usize, masks: usize, word: u32, v: v128): void {
  const p = dx + (<usize>(word >> 8) << 4);
  v128.store(p, f32x4.add(v128.load(p), swizzle(v, v128.load(masks + (<usize>(word & 255) << 4)))));
}

// dx[I] <- dy[O], W[O,K] (gather order), blocks[A,K/R] (quadBlocks), masks; quads [a0, a1), dx
// zeroed first, so one call over [0, A) on one thread; K a multiple of 4, R = 1, 2 or 4; B = 1
export function sparseBackwardInputQuads(a0: i32, a1: i32, dx: usize, dy: usize, W: usize, blocks: usize, masks: usize,
  K: i32, I: i32, R: i32): void {
  memory.fill(dx, 0, <usize>I << 2);
  const rowBytes = <usize>K << 2;
  for (let a = a0; a < a1; a++) {
    const w = W + (<usize>a << 2) * rowBytes;
    const q = blocks + <usize>a * (rowBytes / <usize>R);
    const gy = dy + (<usize>a << 4);
    const g = v128.load(gy);
    const d0 = v128.load32_splat(gy);
    const d1 = v128.load32_splat(gy, 4);
    const d2 = v128.load32_splat(gy, 8);
    const d3 = v128.load32_splat(gy, 12);
    for (let k = 0; k < K; k += 4) {
      const o = <usize>k << 2;
      const r0 = v128.load(w + o);
      const r1 = v128.load(w + rowBytes + o);
      const r2 = v128.load(w + 2 * rowBytes + o);
      const r3 = v128.load(w + 3 * rowBytes + o);
      if (R == 4) {
        addBlock(dx, masks, load<u32>(q + (o >> 2)), madd(r3, d3, madd(r2, d2, madd(r1, d1, f32x4.mul(r0, d0)))));
      } else if (R == 2) {
        const s01 = madd(r1, d1, f32x4.mul(r0, d0));
        const s23 = madd(r3, d3, f32x4.mul(r2, d2));
        const p = q + (o >> 1);
        addBlock(dx, masks, load<u32>(p), f32x4.shuffle(s01, s23, 0, 1, 4, 5));
        addBlock(dx, masks, load<u32>(p, 4), f32x4.shuffle(s01, s23, 2, 3, 6, 7));
      } else {
        const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const p = q + o;
        addBlock(dx, masks, load<u32>(p), f32x4.mul(f32x4.shuffle(t0, t1, 0, 1, 4, 5), g));
        addBlock(dx, masks, load<u32>(p, 4), f32x4.mul(f32x4.shuffle(t0, t1, 2, 3, 6, 7), g));
        addBlock(dx, masks, load<u32>(p, 8), f32x4.mul(f32x4.shuffle(t2, t3, 0, 1, 4, 5), g));
        addBlock(dx, masks, load<u32>(p, 12), f32x4.mul(f32x4.shuffle(t2, t3, 2, 3, 6, 7), g));
      }
    }
  }
}
