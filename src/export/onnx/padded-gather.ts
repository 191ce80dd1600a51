/**
 * A path layer's CSR gather index (targetOffsets[O+1], sources[E]) as a rectangular table of O
 * rows of K slots, K the largest fan-in, so that ONNX can sum each target's edges with one Reshape
 * to [.., O, K] and one ReduceSum. Sobol' topologies have one fan-in for every target and fill the
 * table exactly; random walks (duplicates merged) and other sources do not, and their short rows
 * are padded with edges of weight 0 from an extra input unit I that the graph appends as a zero
 * (a Pad op). Padding with a real unit would already give the exact sum for finite inputs; the
 * appended zero keeps it exact for infinities and NaN too, since the padded terms are 0 · 0.
 *
 * Shape legend: I inputs, O outputs (targets), E edges, K the largest fan-in, T taps per edge (k² of a convolution).
 */
import type { Floats } from '../../core/floats.js';
import type { SparseIndex } from '../../kernels/kernels.js';

export interface PaddedGather {
  /** K: slots per target (the largest fan-in, at least 1). */
  readonly fanIn: number;
  /** Whether any slot is padding, i.e. reads the appended zero unit I. */
  readonly padded: boolean;
  /** sources[O·K]: the source unit of every slot, target-major; I in padded slots. */
  readonly sources: Int32Array;
  /** slotOf[E]: the slot of each edge (gather order). */
  readonly slotOf: Int32Array;
}

// index (CSR by target) -> the [O][K] table of sources
export function padGather(index: SparseIndex): PaddedGather {
  const { inputs: I, outputs: O, targetOffsets, sources } = index;
  let K = 1;
  for (let t = 0; t < O; t++) K = Math.max(K, targetOffsets[t + 1] - targetOffsets[t]);
  const table = new Int32Array(O * K).fill(I);
  const slotOf = new Int32Array(targetOffsets[O]);
  let padded = false;
  for (let t = 0; t < O; t++) {
    const from = targetOffsets[t], to = targetOffsets[t + 1];
    if (to - from < K) padded = true;
    for (let e = from; e < to; e++) {
      slotOf[e] = t * K + (e - from);
      table[t * K + (e - from)] = sources[e];
    }
  }
  return { fanIn: K, padded, sources: table, slotOf };
}

// W[E·T] (gather order, the T taps of an edge contiguous) -> [O·K·T], zero in padded slots
export function padWeights(gather: PaddedGather, W: Floats, taps: number): Float32Array {
  const out = new Float32Array(gather.sources.length * taps);
  const { slotOf } = gather;
  for (let e = 0; e < slotOf.length; e++) {
    out.set(W.subarray(e * taps, (e + 1) * taps), slotOf[e] * taps);
  }
  return out;
}
