/**
 * Windows of Sobol' paths: why, for plain Sobol' paths on power-of-two widths stored bit-reversed,
 * the rows a target window gathers from are a few contiguous source windows.
 *
 * Component d of the Sobol' sequence is x_i = C_d · i over GF(2), where i's bits are read from the
 * least significant up and x's fraction bits from the most significant down, and C_d is upper
 * triangular with ones on the diagonal: fraction bit j of x depends on bits j, j+1, ... of i only
 * (bits counted from 1). A layer of n = 2^m units puts path i on unit u = the top m fraction bits.
 *
 * Take an aligned sub-block of 2^q consecutive paths (q <= m): i = base + r, r in [0, 2^q), so bits
 * 1..q of i run over every value and bits q+1, q+2, ... are fixed. Fraction bits q+1..m of x depend
 * on bits q+1.. of i only: they are fixed. Bits 1..q of x depend on bits 1..q of i through a
 * triangular matrix with unit diagonal, a bijection: they take every value once. So the sub-block
 * lands on the 2^q units whose low m-q bits are fixed, a comb of stride 2^(m-q). Stored at
 * bitrev_m(u), the fixed low bits become the top m-q bits of the row and the free high bits its
 * low q bits: the rows (bitrev_{m-q}(low) << q) + [0, 2^q), one contiguous, aligned window of 2^q
 * rows. This holds in every layer at once (q <= each layer's m), so the 2^q
 * edges of the sub-block run from one source window of 2^q rows to one target window of 2^q rows.
 *
 * With P = K·n paths in K aligned blocks of n, each block reaches every target once, so a target
 * window of 2^q rows gathers its K·2^q path edges from K source windows of 2^q rows, one per
 * block, at every q at once: the windows nest. A digital shift XORs fixed bits with a constant
 * and keeps the structure; Gray-code order maps aligned blocks onto themselves and keeps it too.
 * Owen scrambling flips low bits by functions of the high ones and breaks it, as do random walks,
 * natural (not bit-reversed) storage, and widths that are not powers of two.
 *
 * `windowSpread` measures it on any gather index, whatever its source: for aligned target windows
 * of `rows` rows, how many distinct aligned source windows of `rows` rows feed each one (K at most
 * where the structure holds; up to K·rows where it does not).
 *
 * Shape legend: O targets, E edges.
 */
import { checkInt } from '../core/errors.js';
import type { SparseIndex } from '../kernels/kernels.js';

export interface WindowSpread {
  /** Rows per window. */
  readonly rows: number;
  /** The most source windows feeding one target window. */
  readonly max: number;
  /** Source windows per target window, averaged over the target windows that have edges. */
  readonly mean: number;
}

/** Source windows per aligned target window of `rows` rows, for the gather index `index`. */
export function windowSpread(index: SparseIndex, rows: number): WindowSpread {
  checkInt(rows, 'window rows', 1, Math.max(1, index.outputs));
  const { outputs: O, targetOffsets, sources } = index;
  const seen = new Int32Array(Math.ceil(index.inputs / rows)).fill(-1);
  let max = 0, total = 0, windows = 0;
  for (let t0 = 0, w = 0; t0 < O; t0 += rows, w++) {
    let count = 0;
    for (let e = targetOffsets[t0]; e < targetOffsets[Math.min(O, t0 + rows)]; e++) {
      const s = Math.floor(sources[e] / rows);
      if (seen[s] !== w) {
        seen[s] = w;
        count++;
      }
    }
    if (count === 0) continue;
    max = Math.max(max, count);
    total += count;
    windows++;
  }
  return { rows, max, mean: windows === 0 ? 0 : total / windows };
}
