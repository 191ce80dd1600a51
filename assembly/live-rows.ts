/**
 * Rows of zeros the gather kernels can skip. A row of x that is ±0 in every sample of the batch
 * (a pixel that is blank in all of a batch's images: about a third of MNIST's 784 at B = 128) adds
 * w · ±0 to every sum it feeds. Such a term leaves a nonzero sum exactly as it was (a multiply-add
 * with a zero factor rounds to the sum itself) and can change only the sign of a zero sum, so:
 * - the forward may drop those edges where a ReLU follows (it maps -0 and +0 alike to +0);
 * - the weight gradient of such an edge is exactly +0 (a vector sum from +0 of ±0 products).
 * Weights that are not finite would make w · 0 a NaN; the layers never hold such weights.
 *
 * `liveRows` flags the rows once per call; the kernels then copy each target's live edges (row and
 * weight, or the edge's position) into a scratch area at the target's own edge positions, so parts
 * on other threads never share a word, and run the usual loops on the copy: the same sums in the
 * same order, minus the zero terms.
 *
 * Shapes: x[R,B] (B >= 4), live[R] bytes (1 live, 0 all zeros), rows[E] Int32, W[E].
 */

/** |lanes| != 0 in any lane of v: the sign bit cleared, so -0 counts as zero and NaN as live. */
function nonzero(v: v128): bool {
  return v128.any_true(v128.and(v, i32x4.splat(0x7fffffff)));
}

// live[r] <- x[r, 0..B) has a value other than ±0; rows r in [r0, r1); returns how many do. B >= 4.
export function liveRows(r0: i32, r1: i32, live: usize, x: usize, B: i32): i32 {
  const rowBytes = <usize>B << 2;
  const whole = (<usize>B >> 2) << 4; // bytes of the whole vectors
  let count = 0;
  for (let r = r0; r < r1; r++) {
    const p = x + <usize>r * rowBytes;
    // a live row usually shows it in its first chunk; only the zero rows are read whole
    let alive = false;
    let o: usize = 0;
    for (; !alive && o + 64 <= whole; o += 64) {
      alive = nonzero(v128.or(v128.or(v128.load(p + o), v128.load(p + o, 16)), v128.or(v128.load(p + o, 32), v128.load(p + o, 48))));
    }
    for (; !alive && o < whole; o += 16) alive = nonzero(v128.load(p + o));
    if (!alive && (B & 3) != 0) alive = nonzero(v128.load(p + (<usize>(B - 4) << 2)));
    store<u8>(live + <usize>r, alive ? 1 : 0);
    count += alive ? 1 : 0;
  }
  return count;
}

/**
 * Edges [e0, e1) whose row is live: their rows and weights copied to keptRows / keptW from
 * position e0 on, in order. Returns the end of the copy (e0 + the kept edges). Branch-free: every
 * edge is written, and the end advances only past the live ones.
 */
export function keepLiveEdges(e0: i32, e1: i32, rows: usize, W: usize, live: usize, keptRows: usize, keptW: usize): i32 {
  let n = e0;
  for (let e = e0; e < e1; e++) {
    const r = load<i32>(rows + (<usize>e << 2));
    store<i32>(keptRows + (<usize>n << 2), r);
    store<f32>(keptW + (<usize>n << 2), load<f32>(W + (<usize>e << 2)));
    n += <i32>load<u8>(live + <usize>r);
  }
  return n;
}

/**
 * Edges [e0, e1) whose row is live: their positions e copied to kept from position e0 on, in order,
 * and dW[e] = +0 for every edge (the dropped edges' gradient). Returns the end of the copy.
 */
export function keepLivePositions(e0: i32, e1: i32, rows: usize, live: usize, kept: usize, dW: usize): i32 {
  let n = e0;
  for (let e = e0; e < e1; e++) {
    store<i32>(kept + (<usize>n << 2), e);
    store<f32>(dW + (<usize>e << 2), 0);
    n += <i32>load<u8>(live + <usize>load<i32>(rows + (<usize>e << 2)));
  }
  return n;
}
