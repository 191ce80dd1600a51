/**
 * Per layer pair statistics of a topology: sizes, density, duplicates, degree spread, the
 * progressive-permutation check and the dense blocks. The check needs the path units, which a topology does not keep:
 * they are regenerated from its spec one layer at a time, so the cost stays O(P) per pair.
 *
 * Shape legend: P paths, L layers, I inputs, O outputs, E edges.
 */
import type { Topology } from './build-topology.js';
import { denseBlocks } from '../kernels/dense-blocks.js';
import { pairUnitLayers } from './path-units.js';
import { pathsOfPair } from './resolve-spec.js';
import { permutationBlocks } from './permutation-blocks.js';
import type { PermutationBlocks } from './permutation-blocks.js';

/** Minimum, mean and maximum of the fan-in or fan-out over a layer's units. */
export interface DegreeStats {
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

/** The statistics of one layer pair: sizes, paths, edges, density, duplicates, degrees, permutation blocks. */
export interface LayerStats {
  readonly layer: number;       // pair index l: layer l -> layer l + 1
  readonly inputs: number;      // I
  readonly outputs: number;     // O
  readonly paths: number;       // P of this pair (for random-mask: the P of the Sobol' topology it matches)
  readonly edges: number;       // E
  readonly density: number;     // E / (I * O)
  readonly duplicates: number;  // path-edges repeating an earlier one (merged or parallel)
  readonly fanIn: DegreeStats;  // edges per target
  readonly fanOut: DegreeStats; // edges per source
  /** Aligned-block permutation check; null for random-mask, which has no paths. */
  readonly permutationBlocks: PermutationBlocks | null;
  /**
   * The layer as dense blocks (dense-blocks.ts): G blocks of M targets × K sources that no edge
   * leaves, up to a relabelling; null where it is not block-dense.
   */
  readonly denseBlocks: { readonly count: number; readonly targets: number; readonly sources: number } | null;
}

/** A topology -> one row per layer pair [L]. */
export function topologyStats(t: Topology): LayerStats[] {
  const spec = t.spec;
  const blocks: (PermutationBlocks | null)[] = t.layers.map(() => null);
  if (spec.source.kind !== 'random-mask') {
    let l = 0;
    for (const [sources, targets] of pairUnitLayers(spec)) {
      blocks[l] = permutationBlocks(sources, targets, spec.widths[l], spec.widths[l + 1]);
      l++;
    }
  }
  return t.layers.map((c, l) => {
    const dense = denseBlocks(c);
    return {
      layer: l,
      inputs: c.inputs,
      outputs: c.outputs,
      paths: pathsOfPair(spec, l),
      edges: c.edges,
      density: c.edges / (c.inputs * c.outputs),
      duplicates: c.duplicates,
      fanIn: degreeStats(c.targetOffsets),
      fanOut: degreeStats(c.sourceOffsets),
      permutationBlocks: blocks[l],
      denseBlocks: dense === null ? null : { count: dense.count, targets: dense.targetsPerBlock, sources: dense.fanIn },
    };
  });
}

/** CSR offsets [n+1] -> min, mean, max of the row lengths. */
export function degreeStats(offsets: Int32Array): DegreeStats {
  const n = offsets.length - 1;
  let min = Infinity;
  let max = 0;
  for (let u = 0; u < n; u++) {
    const d = offsets[u + 1] - offsets[u];
    if (d < min) min = d;
    if (d > max) max = d;
  }
  return { min: n === 0 ? 0 : min, mean: n === 0 ? 0 : offsets[n] / n, max };
}
