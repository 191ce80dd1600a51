/**
 * A dense layer seen as a sparse one: the implicit CSR by target of W[O,I] row-major.
 *
 * Shape legend: I inputs, O outputs.
 */
import { check, checkInt } from '../core/errors.js';

/** The implicit CSR offsets by target of a dense layer: [O+1], entry o is o * I. */
export function denseTargetOffsets(I: number, O: number): Int32Array {
  checkInt(I, 'dense inputs', 1);
  checkInt(O, 'dense outputs', 1);
  check(I * O <= 0x7fffffff, () => `dense layer ${I}×${O} has more than 2^31-1 weights`);
  const offsets = new Int32Array(O + 1);
  for (let o = 0; o <= O; o++) offsets[o] = o * I;
  return offsets;
}
