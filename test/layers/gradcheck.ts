/**
 * Central finite differences in float64: the test oracle for every backward pass.
 */
import type { Floats } from '../../src/core/floats.js';

/** dL/da by central differences, perturbing each element of `a` in place (and restoring it). */
export function numericGradient(loss: () => number, a: Floats, h = 1e-6): Float64Array {
  const g = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    a[i] = v + h;
    const up = loss();
    a[i] = v - h;
    const down = loss();
    a[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** sum_n r[n] * y[n]: a loss whose gradient with respect to y is r. */
export function weightedSum(r: Floats, y: Floats): number {
  let s = 0;
  for (let n = 0; n < y.length; n++) s += r[n] * y[n];
  return s;
}
