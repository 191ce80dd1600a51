/**
 * The progressive-permutation check of one layer pair.
 *
 * Blocks are aligned runs of consecutive paths [k * S, (k + 1) * S) with S = the smallest power of
 * two >= max(I, O) (so S = max(I, O) when that is a power of two); a trailing partial block is
 * not checked. A block is *balanced* when each layer's units are hit as evenly as S hits can be:
 * every unit of a layer of width n is hit floor(S / n) or ceil(S / n) times, on both sides.
 * When I and O are powers of two this is exactly the theorem's permutation: every unit of the
 * wider layer once, every unit of the narrower S / n times (a bijection for I = O). For other
 * widths it is the balance of a grid: an aligned block of S = 2^m plain Sobol' points is, per
 * component, the grid {k / S} offset by one constant in the bits below the m-th, so each unit
 * interval holds floor or ceil of S / n of them. That holds for plain and digitally shifted
 * Sobol'; Owen scrambling perturbs the low bits point by point, so its blocks stay exact
 * permutations on power-of-two widths but are typically unbalanced on other widths.
 *
 * O(P + (P / S) * (I + O)) = O(P), since S >= max(I, O).
 *
 * Shape legend: P paths, I inputs, O outputs.
 */

export interface PermutationBlocks {
  readonly blockSize: number;     // S
  readonly blocks: number;        // floor(P / S) aligned blocks checked
  readonly permutations: number;  // blocks that are balanced (permutations for powers of two)
}

/** Path units of a layer pair [P], [P] -> how many aligned S-blocks are balanced. */
export function permutationBlocks(sourceUnits: Int32Array, targetUnits: Int32Array,
  inputs: number, outputs: number): PermutationBlocks {
  const P = sourceUnits.length;
  let S = 1;
  while (S < Math.max(inputs, outputs)) S *= 2;
  const blocks = Math.floor(P / S);
  const inCount = new Int32Array(inputs);
  const outCount = new Int32Array(outputs);
  let permutations = 0;
  for (let k = 0; k < blocks; k++) {
    inCount.fill(0);
    outCount.fill(0);
    const end = (k + 1) * S;
    for (let i = k * S; i < end; i++) {
      inCount[sourceUnits[i]]++;
      outCount[targetUnits[i]]++;
    }
    if (balanced(inCount, S) && balanced(outCount, S)) permutations++;
  }
  return { blockSize: S, blocks, permutations };
}

/** Every count is floor(S / n) or ceil(S / n). [n] */
function balanced(counts: Int32Array, S: number): boolean {
  const n = counts.length;
  const lo = Math.floor(S / n);
  const hi = Math.ceil(S / n);
  for (let u = 0; u < n; u++) if (counts[u] < lo || counts[u] > hi) return false;
  return true;
}
