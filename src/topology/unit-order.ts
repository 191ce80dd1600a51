/**
 * The storage order of a layer's units. A path topology is defined up to relabelling the units of
 * its hidden layers: any permutation gives the same network. 'natural' keeps the unit numbers
 * that the path generator produced; 'bit-reversed' stores unit u at the rank of u when the units
 * are listed in bit-reversed order (for a power-of-two width, at bitrev(u)).
 *
 * Why it matters (measured in docs/RESULTS.md): plain Sobol' paths give each unit sources in
 * arithmetic runs (0, 40, 80, ... on 1024 → 1024), so the rows a kernel gathers fall on the same
 * few L1 cache sets and strides; in bit-reversed order they do not, and the path kernels run
 * about 10 % faster. Values do not change: only where each unit's row sits.
 */
export type UnitOrder = 'natural' | 'bit-reversed';
/** Every UnitOrder. */
export const UNIT_ORDERS: readonly UnitOrder[] = ['natural', 'bit-reversed'];

/**
 * The unit order of each of `layers` layers when the hidden ones are stored in `hiddenOrder`:
 * layer 0 (the inputs) keeps its order, and so does the last one unless `lastIsHidden` (a
 * topology whose last layer feeds a dense output layer rather than being the classes).
 */
export function hiddenUnitOrders(layers: number, hiddenOrder: UnitOrder, lastIsHidden: boolean): UnitOrder[] {
  return Array.from({ length: layers }, (_, l) =>
    (l === 0 || (l === layers - 1 && !lastIsHidden) ? 'natural' : hiddenOrder));
}

/** labels[u] = the row that unit u is stored at, for n units in `order` -> [n]. */
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
