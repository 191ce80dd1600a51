/**
 * Validation of a sparse layer's gather index at the public edge (a path linear layer or a path
 * convolution): the CSR by target and its transpose by source must have consistent lengths.
 *
 * Shape legend: I inputs, O outputs, E edges.
 */
import { check } from '../core/errors.js';
import type { SparseIndex } from '../kernels/kernels.js';

/** Throws one line naming `what` unless the offsets and arrays of `index` agree; returns E. */
export function checkSparseIndex(index: SparseIndex, what: string): number {
  const { inputs: I, outputs: O, targetOffsets, sources, sourceOffsets, targets, edgeOf } = index;
  const E = sources.length;
  check(targetOffsets.length === O + 1 && targetOffsets[O] === E, () =>
    `${what} index: targetOffsets must have ${O + 1} entries ending at ${E} edges, got ${targetOffsets.length} ending at ${targetOffsets[targetOffsets.length - 1]}`);
  check(sourceOffsets.length === I + 1 && sourceOffsets[I] === E && targets.length === E && edgeOf.length === E, () =>
    `${what} index: transpose must have ${I + 1} offsets ending at ${E} and ${E} targets and edgeOf, got ${sourceOffsets.length}, ${sourceOffsets[sourceOffsets.length - 1]}, ${targets.length}, ${edgeOf.length}`);
  return E;
}
