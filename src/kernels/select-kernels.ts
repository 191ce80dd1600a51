/**
 * Picks a compute backend by name. Only the reference backend exists so far; faster ones
 * (wasm SIMD, threads, WebGPU) will register here and 'auto' will prefer them when available.
 */
import { checkOneOf } from '../core/errors.js';
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference-kernels.js';

export type BackendName = 'reference';
export const BACKEND_NAMES: readonly BackendName[] = ['reference'];

/** The backend called `name`; 'auto' (the default) picks the fastest one available. */
export function selectKernels(name: BackendName | 'auto' = 'auto'): Kernels {
  const chosen = checkOneOf<BackendName | 'auto'>(name, 'backend', ['auto', ...BACKEND_NAMES]);
  switch (chosen) {
    case 'auto':
    case 'reference':
      return referenceKernels;
    default:
      return chosen satisfies never;
  }
}
