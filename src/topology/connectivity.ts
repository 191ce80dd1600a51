/**
 * One layer pair's connectivity from its path units: path i adds the edge
 * sourceUnits[i] -> targetUnits[i]. Two stable counting sorts (by source, then by target) put the
 * path-edges in gather order with sources ascending within each target, in O(P + I + O).
 * Duplicates (the same (s, t) from several paths) are then adjacent: `merge` keeps one edge,
 * `keep` keeps each as a parallel edge with its own weight. Either way `duplicates` counts the
 * path-edges that repeat an earlier one, so edges = P - duplicates under merge, P under keep.
 *
 * Shape legend: P paths, I inputs, O outputs, E edges.
 */
import { check, checkInt } from '../core/errors.js';
import type { SparseIndex } from '../kernels/kernels.js';
import type { DuplicatePolicy } from './spec.js';
import { transposeGather } from './transpose-gather.js';

/** A layer pair's gather index plus its edge and duplicate counts. */
export interface LayerConnectivity extends SparseIndex {
  readonly edges: number;       // E
  readonly duplicates: number;  // path-edges repeating an earlier (s, t): removed (merge) or parallel (keep)
}

/** Path units of layers l [P] and l+1 [P] -> the gather index of the pair, E edges. */
export function buildConnectivity(sourceUnits: Int32Array, targetUnits: Int32Array,
  inputs: number, outputs: number, policy: DuplicatePolicy): LayerConnectivity {
  const P = sourceUnits.length;
  check(targetUnits.length === P, () =>
    `target units must have one entry per path (${P}), got ${targetUnits.length}`);
  checkInt(inputs, 'inputs', 1);
  checkInt(outputs, 'outputs', 1);
  check(policy === 'merge' || policy === 'keep', () => `duplicate policy must be merge or keep, got ${String(policy)}`);
  checkUnitRange(sourceUnits, inputs, 'source');
  checkUnitRange(targetUnits, outputs, 'target');

  // Pass 1: bucket the paths by source, storing their targets (the transpose, duplicates included).
  const bySource = new Int32Array(inputs + 1);
  for (let i = 0; i < P; i++) bySource[sourceUnits[i] + 1]++;
  for (let s = 0; s < inputs; s++) bySource[s + 1] += bySource[s];
  const targetsBySource = new Int32Array(P);
  {
    const next = bySource.slice(0, inputs);
    for (let i = 0; i < P; i++) targetsBySource[next[sourceUnits[i]]++] = targetUnits[i];
  }

  // Pass 2: walk sources in ascending order and bucket by target: sources come out sorted.
  const targetOffsets = new Int32Array(outputs + 1);
  for (let i = 0; i < P; i++) targetOffsets[targetUnits[i] + 1]++;
  for (let t = 0; t < outputs; t++) targetOffsets[t + 1] += targetOffsets[t];
  const sorted = new Int32Array(P);
  {
    const next = targetOffsets.slice(0, outputs);
    for (let s = 0; s < inputs; s++) {
      const end = bySource[s + 1];
      for (let j = bySource[s]; j < end; j++) sorted[next[targetsBySource[j]]++] = s;
    }
  }

  // Pass 3: count (and under merge, drop) repeats, which are adjacent within each target.
  let duplicates = 0;
  let sources = sorted;
  if (policy === 'keep') {
    for (let t = 0; t < outputs; t++) {
      const end = targetOffsets[t + 1];
      for (let e = targetOffsets[t] + 1; e < end; e++) if (sorted[e] === sorted[e - 1]) duplicates++;
    }
  } else {
    let w = 0;
    let start = 0;
    for (let t = 0; t < outputs; t++) {
      const end = targetOffsets[t + 1];
      let prev = -1;
      for (let e = start; e < end; e++) {
        const s = sorted[e];
        if (s === prev) duplicates++;
        else sorted[w++] = prev = s;
      }
      start = end;
      targetOffsets[t + 1] = w;
    }
    if (w < P) sources = sorted.slice(0, w);
  }

  const transpose = transposeGather(targetOffsets, sources, inputs);
  return { inputs, outputs, targetOffsets, sources, ...transpose, edges: sources.length, duplicates };
}

/** Every unit must lie in [0, n): one pass at the public edge. [P] */
function checkUnitRange(units: Int32Array, n: number, what: string): void {
  let min = 0;
  let max = 0;
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (u < min) min = u;
    if (u > max) max = u;
  }
  check(min >= 0 && max < n, () => `${what} units must lie in [0, ${n - 1}], got ${min < 0 ? min : max}`);
}
