/** Brute-force oracles for the topology tests: plain Maps and Sets, no cleverness. */
import type { LayerConnectivity } from '../../src/topology/connectivity.js';

/** For every target, its sources ascending (with repeats under keep, distinct under merge). */
export function referenceGather(src: ArrayLike<number>, tgt: ArrayLike<number>, outputs: number,
  policy: 'merge' | 'keep'): number[][] {
  const lists: number[][] = Array.from({ length: outputs }, () => []);
  const seen = new Set<string>();
  for (let i = 0; i < src.length; i++) {
    const key = `${src[i]},${tgt[i]}`;
    if (policy === 'merge' && seen.has(key)) continue;
    seen.add(key);
    lists[tgt[i]].push(src[i]);
  }
  for (const l of lists) l.sort((a, b) => a - b);
  return lists;
}

/** Path-edges that repeat an earlier one, by a Set of "s,t" strings. */
export function referenceDuplicates(src: ArrayLike<number>, tgt: ArrayLike<number>): number {
  const seen = new Set<string>();
  let dup = 0;
  for (let i = 0; i < src.length; i++) {
    const key = `${src[i]},${tgt[i]}`;
    if (seen.has(key)) dup++;
    else seen.add(key);
  }
  return dup;
}

/** The gather lists read back from a connectivity. */
export function gatherLists(c: LayerConnectivity): number[][] {
  const lists: number[][] = [];
  for (let t = 0; t < c.outputs; t++) lists.push(Array.from(c.sources.subarray(c.targetOffsets[t], c.targetOffsets[t + 1])));
  return lists;
}

/** Throws unless every CSR invariant of a gather index and its transpose holds. */
export function expectCsrInvariants(c: LayerConnectivity): void {
  const { inputs: I, outputs: O, targetOffsets, sources, sourceOffsets, targets, edgeOf, edges: E } = c;
  const fail = (what: string): never => { throw new Error(`CSR invariant broken: ${what}`); };
  if (targetOffsets.length !== O + 1 || sourceOffsets.length !== I + 1) fail('offset lengths');
  if (sources.length !== E || targets.length !== E || edgeOf.length !== E) fail('edge array lengths');
  if (targetOffsets[0] !== 0 || targetOffsets[O] !== E || sourceOffsets[0] !== 0 || sourceOffsets[I] !== E) fail('offset ends');
  for (let t = 0; t < O; t++) {
    if (targetOffsets[t + 1] < targetOffsets[t]) fail(`target offsets not monotone at ${t}`);
    for (let e = targetOffsets[t]; e < targetOffsets[t + 1]; e++) {
      if (sources[e] < 0 || sources[e] >= I) fail(`source ${sources[e]} out of range`);
      if (e > targetOffsets[t] && sources[e] < sources[e - 1]) fail(`sources not ascending in target ${t}`);
    }
  }
  const hit = new Uint8Array(E);
  for (let s = 0; s < I; s++) {
    if (sourceOffsets[s + 1] < sourceOffsets[s]) fail(`source offsets not monotone at ${s}`);
    for (let j = sourceOffsets[s]; j < sourceOffsets[s + 1]; j++) {
      const e = edgeOf[j];
      if (e < 0 || e >= E || hit[e]) fail(`edgeOf[${j}] = ${e} not a fresh edge`);
      hit[e] = 1;
      if (sources[e] !== s) fail(`sources[edgeOf[${j}]] = ${sources[e]}, expected ${s}`);
      const t = targets[j];
      if (!(targetOffsets[t] <= e && e < targetOffsets[t + 1])) fail(`edge ${e} is not in target ${t}`);
      if (j > sourceOffsets[s] && targets[j] < targets[j - 1]) fail(`targets not ascending in source ${s}`);
    }
  }
}
