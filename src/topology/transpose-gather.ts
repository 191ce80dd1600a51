/**
 * The transpose of a gather index: CSR by source, with targets ascending within each source and
 * `edgeOf` pointing back at each edge's position in gather order (its weight).
 *
 * Shape legend: I inputs, O outputs, E edges.
 */

/** targetOffsets [O+1], sources [E] -> sourceOffsets [I+1], targets [E], edgeOf [E]. O(E + I). */
export function transposeGather(targetOffsets: Int32Array, sources: Int32Array, inputs: number): {
  sourceOffsets: Int32Array; targets: Int32Array; edgeOf: Int32Array;
} {
  const O = targetOffsets.length - 1;
  const E = sources.length;
  const sourceOffsets = new Int32Array(inputs + 1);
  for (let e = 0; e < E; e++) sourceOffsets[sources[e] + 1]++;
  for (let s = 0; s < inputs; s++) sourceOffsets[s + 1] += sourceOffsets[s];
  const next = sourceOffsets.slice(0, inputs);
  const targets = new Int32Array(E);
  const edgeOf = new Int32Array(E);
  for (let t = 0; t < O; t++) {
    const end = targetOffsets[t + 1];
    for (let e = targetOffsets[t]; e < end; e++) {
      const j = next[sources[e]]++;
      targets[j] = t;
      edgeOf[j] = e;
    }
  }
  return { sourceOffsets, targets, edgeOf };
}
