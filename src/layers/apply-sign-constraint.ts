/**
 * Keeps a fixed-sign parameter on its side of zero: called by optimisers after every step.
 */
import type { Param } from './layer.js';

// value[N] clamped in place to >= 0 (signConstraint 1) or <= 0 (signConstraint -1); 0: untouched.
export function applySignConstraint(param: Param): void {
  const w = param.value;
  const n = w.length;
  switch (param.signConstraint) {
    case 0:
      return;
    case 1:
      for (let i = 0; i < n; i++) if (w[i] < 0) w[i] = 0;
      return;
    case -1:
      for (let i = 0; i < n; i++) if (w[i] > 0) w[i] = 0;
      return;
    default:
      param.signConstraint satisfies never;
  }
}
