/**
 * The sample order 0, 1, ..., N-1: evaluation walks a data set in this order; training shuffles
 * a copy with the seeded Rng. -> [N].
 */
import { checkInt } from '../core/errors.js';

export function identityOrder(N: number): Int32Array {
  checkInt(N, 'sample count', 0, 0x7fffffff);
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  return order;
}
