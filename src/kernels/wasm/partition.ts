/**
 * Static partitions of a job into one contiguous range per thread. A partition depends only on
 * the sizes and the thread count, never on timing; and every kernel computes a unit the same way
 * in whichever range it falls, so results are bit-identical for any thread count.
 *
 * A partition of [0, N) into T parts is bounds[T+1] with bounds[0] = 0, bounds[T] = N; thread k
 * runs [bounds[k], bounds[k+1]).
 */

/** [0, N) in T near-equal parts whose inner bounds are multiples of `align`. */
export function evenBounds(N: number, T: number, align: number): Int32Array {
  const bounds = new Int32Array(T + 1);
  const blocks = Math.ceil(N / align);
  for (let k = 1; k < T; k++) bounds[k] = Math.min(N, Math.floor((k * blocks) / T) * align);
  bounds[T] = N;
  return bounds;
}

/**
 * Units [0, U) of a CSR (offsets[U+1]) in T parts of near-equal cost, the cost of a unit being its
 * entries plus one (the per-unit overhead): bound k is the first unit u with
 * offsets[u] - offsets[0] + u >= k * total / T.
 */
export function csrBounds(offsets: Int32Array, U: number, T: number): Int32Array {
  const bounds = new Int32Array(T + 1);
  const base = offsets[0];
  const total = offsets[U] - base + U;
  for (let k = 1; k < T; k++) {
    const goal = (k * total) / T;
    let lo = bounds[k - 1];
    let hi = U;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] - base + mid >= goal) hi = mid;
      else lo = mid + 1;
    }
    bounds[k] = lo;
  }
  bounds[T] = U;
  return bounds;
}
