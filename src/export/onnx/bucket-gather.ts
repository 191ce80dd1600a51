/**
 * A path layer's CSR gather index (targetOffsets[O+1], sources[E]) as rectangular tables of
 * sources, so that ONNX can sum each target's edges with one grouped Conv per table: the targets
 * are split into buckets of similar fan-in, and each bucket's c targets get K slots each (K the
 * largest fan-in in the bucket).
 *
 * Sobol' topologies have one fan-in for every target: one bucket, filled exactly, in target order.
 * Random walks and random masks (duplicates merged) do not: their largest fan-in is about twice
 * the mean, and one table would be half padding. The buckets are chosen (by dynamic programming
 * over the sorted fan-ins) as the fewest, at most MAX_BUCKETS, whose padding is at most 1/16 of
 * the edges, or the least padding that MAX_BUCKETS allow. The graph then concatenates the
 * buckets' outputs and puts the targets back in order with one Gather.
 *
 * Short rows are padded with edges of weight 0 from an extra input unit I that the graph appends
 * as a zero (a Pad op). Padding with a real unit would already give the exact sum for finite
 * inputs; the appended zero keeps it exact for infinities and NaN too, since the padded terms are
 * 0 · 0. A target without edges gets one padded slot (its output is its bias).
 *
 * Shape legend: I inputs, O outputs (targets), E edges, c targets of a bucket, K slots per target
 * of a bucket, T taps per edge (k² of a convolution), d distinct fan-ins.
 */
import type { Floats } from '../../core/floats.js';
import type { SparseIndex } from '../../kernels/kernels.js';

/** The most tables one path layer is split into. */
export const MAX_BUCKETS = 8;

/** One table: c targets with K slots each. */
export interface GatherBucket {
  /** targets[c]: the targets of this bucket, ascending. */
  readonly targets: Int32Array;
  /** K: slots per target (the bucket's largest fan-in, at least 1). */
  readonly fanIn: number;
  /** sources[c·K]: the source unit of every slot, target-major; I in padded slots. */
  readonly sources: Int32Array;
}

export interface BucketedGather {
  /** The tables, in ascending order of fan-in (one, in target order, when every fan-in is the same). */
  readonly buckets: readonly GatherBucket[];
  /** Whether any slot is padding, i.e. reads the appended zero unit I. */
  readonly padded: boolean;
  /** position[O]: where target t lies in the concatenation of the buckets' targets. */
  readonly position: Int32Array;
}

/**
 * Splits the fan-ins `values[d]` (ascending, `counts[d]` targets each) into consecutive buckets:
 * the fewest whose slots (a bucket's targets × its largest value) stay within `budget`, else the
 * fewest slots with MAX_BUCKETS buckets. Returns the index of the last value of each bucket.
 */
function chooseBuckets(values: readonly number[], counts: readonly number[], budget: number): number[] {
  const d = values.length;
  const prefix = [0];
  for (const c of counts) prefix.push(prefix[prefix.length - 1] + c);
  // slots of one bucket holding values i..j
  const cost = (i: number, j: number): number => (prefix[j + 1] - prefix[i]) * values[j];
  // slots[b][j]: fewest slots for values 0..j in exactly b + 1 buckets; first[b][j]: the first value of the last bucket
  const slots: number[][] = [values.map((_, j) => cost(0, j))];
  const first: number[][] = [values.map(() => 0)];
  while (slots.length < Math.min(MAX_BUCKETS, d) && slots[slots.length - 1][d - 1] > budget) {
    const b = slots.length;
    slots.push(values.map(() => Infinity));
    first.push(values.map(() => 0));
    for (let j = b; j < d; j++) {
      for (let i = b; i <= j; i++) {
        const s = slots[b - 1][i - 1] + cost(i, j);
        if (s < slots[b][j]) {
          slots[b][j] = s;
          first[b][j] = i;
        }
      }
    }
  }
  const ends: number[] = [];
  for (let b = slots.length - 1, j = d - 1; b >= 0; b--) {
    ends.unshift(j);
    j = first[b][j] - 1;
  }
  return ends;
}

// index (CSR by target) -> buckets of [c][K] tables of sources
export function bucketGather(index: SparseIndex): BucketedGather {
  const { inputs: I, outputs: O, targetOffsets, sources } = index;
  const fanIn = (t: number): number => Math.max(1, targetOffsets[t + 1] - targetOffsets[t]);
  const byFanIn = new Map<number, number>();
  for (let t = 0; t < O; t++) byFanIn.set(fanIn(t), (byFanIn.get(fanIn(t)) ?? 0) + 1);
  const values = [...byFanIn.keys()].sort((a, b) => a - b);
  const edges = targetOffsets[O];
  const ends = chooseBuckets(values, values.map((v) => byFanIn.get(v) as number), edges + Math.floor(edges / 16));
  const buckets: GatherBucket[] = [];
  const position = new Int32Array(O);
  let padded = false, first = 0, placed = 0;
  for (const end of ends) {
    const low = values[first], K = values[end];
    const members: number[] = [];
    for (let t = 0; t < O; t++) if (fanIn(t) >= low && fanIn(t) <= K) members.push(t);
    const table = new Int32Array(members.length * K).fill(I);
    members.forEach((t, r) => {
      position[t] = placed + r;
      const from = targetOffsets[t], to = targetOffsets[t + 1];
      if (to - from < K) padded = true;
      table.set(sources.subarray(from, to), r * K);
    });
    buckets.push({ targets: Int32Array.from(members), fanIn: K, sources: table });
    placed += members.length;
    first = end + 1;
  }
  return { buckets, padded, position };
}

// W[E·T] (gather order, the T taps of an edge contiguous) -> the bucket's [c·K·T], zero in padded slots
export function bucketWeights(bucket: GatherBucket, index: SparseIndex, W: Floats, taps: number): Float32Array {
  const K = bucket.fanIn;
  const out = new Float32Array(bucket.targets.length * K * taps);
  bucket.targets.forEach((t, r) => {
    const from = index.targetOffsets[t], to = index.targetOffsets[t + 1];
    out.set(W.subarray(from * taps, to * taps), r * K * taps);
  });
  return out;
}

// values[O] -> values[c] of the bucket's targets (a bias)
export function bucketValues(bucket: GatherBucket, values: Floats): Float32Array {
  return Float32Array.from(bucket.targets, (t) => values[t]);
}

/** Whether the buckets' concatenation already lists the targets in order (no Gather needed to restore it). */
export function inTargetOrder(gather: BucketedGather): boolean {
  return gather.position.every((p, t) => p === t);
}
