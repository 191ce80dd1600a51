/**
 * The storage order of a layer's units. A path topology is defined up to relabelling the units of
 * its hidden layers: any permutation gives the same network. 'natural' keeps the unit numbers
 * that the path generator produced; 'bit-reversed' stores unit u at the rank of u when the units
 * are listed in bit-reversed order (for a power-of-two width, at bitrev(u)). 'blocks' starts from
 * bit-reversed and, where the layer pair feeding the layer is block-dense (kernels/dense-blocks.ts),
 * stores each block's targets together: blocks in the order of their first target, each block's
 * targets in their bit-reversed order (build-topology.ts applies it; `unitLabels` gives its
 * bit-reversed start).
 *
 * Why it matters (measured in docs/RESULTS.md): plain Sobol' paths give each unit sources in
 * arithmetic runs (0, 40, 80, ... on 1024 → 1024), so the rows a kernel gathers fall on the same
 * few L1 cache sets and strides; in bit-reversed order they do not, and the path kernels run
 * about 10 % faster. A block's targets are a coset spread over the whole layer in bit-reversed
 * order, so the block kernels read its rows of W (and y, dy, dW) as scattered misses once W
 * leaves L2; stored together they are one contiguous run: the step 1.24-1.26× as fast at
 * n = 4096, 1.33-1.39× at 16384, 1.39-1.65× at 65536 (n → n, K = 32, B = 128, one thread, two
 * scripts). Values do not change: only where each unit's row sits (but a layer's order is also the order its units are summed in as the
 * sources of the next pair, so the results of the next layers round differently).
 */
export type UnitOrder = 'natural' | 'bit-reversed' | 'blocks';
/** Every UnitOrder. */
export const UNIT_ORDERS: readonly UnitOrder[] = ['natural', 'bit-reversed', 'blocks'];

/**
 * The unit order of each of `layers` layers when the hidden ones are stored in `hiddenOrder`:
 * layer 0 (the inputs) keeps its order, and so does the last one unless `lastIsHidden` (a
 * topology whose last layer feeds a dense output layer rather than being the classes).
 */
export function hiddenUnitOrders(layers: number, hiddenOrder: UnitOrder, lastIsHidden: boolean): UnitOrder[] {
  return Array.from({ length: layers }, (_, l) =>
    (l === 0 || (l === layers - 1 && !lastIsHidden) ? 'natural' : hiddenOrder));
}

/**
 * labels[u] = the row that unit u is stored at, for n units in `order` -> [n] ('blocks': its
 * bit-reversed start, before build-topology.ts gathers each block's targets).
 */
export function unitLabels(n: number, order: UnitOrder): Int32Array {
  const labels = new Int32Array(n);
  if (order === 'natural') {
    for (let u = 0; u < n; u++) labels[u] = u;
    return labels;
  }
  let bits = 0;
  while (1 << bits < n) bits++;
  let rank = 0;
  for (let v = 0; v < 1 << bits; v++) {
    let u = 0;
    for (let b = 0; b < bits; b++) u |= ((v >> b) & 1) << (bits - 1 - b);
    if (u < n) labels[u] = rank++;
  }
  return labels;
}

/** units relabelled: out[i] = labels[units[i]] (a new array). */
export function relabelUnits(units: Int32Array, labels: Int32Array): Int32Array {
  const out = new Int32Array(units.length);
  for (let i = 0; i < units.length; i++) out[i] = labels[units[i]];
  return out;
}
