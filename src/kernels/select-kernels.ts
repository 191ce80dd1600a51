/**
 * Backend names, and the browser-safe selector: it knows only the reference backend, because
 * loading the wasm kernels (reading build/sobolnet-kernels.wasm, starting worker threads) needs
 * Node. Node code selects with src/kernels/node/select-kernels.ts (same signature, every backend,
 * 'auto' = the fastest available). A browser gets the wasm backends, threads included where the
 * page allows them, from `await createBrowserKernels()` (browser/browser-kernels.ts).
 */
import { SobolnetError, checkOneOf } from '../core/errors.js';
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference-kernels.js';

/**
 * reference: plain TypeScript; wasm: wasm SIMD on one thread; wasm-threads: wasm SIMD on a worker
 * pool; wasm-fma, wasm-fma-threads: the same with fused multiply-adds (relaxed SIMD), which round
 * once where the others round twice, so their results differ from the others' in the last bits.
 */
export type BackendName = 'reference' | 'wasm' | 'wasm-threads' | 'wasm-fma' | 'wasm-fma-threads';
/** Every BackendName, for option choices and messages. */
export const BACKEND_NAMES: readonly BackendName[] = ['reference', 'wasm', 'wasm-threads', 'wasm-fma', 'wasm-fma-threads'];

/** Options of `selectKernels`. */
export interface SelectKernelsOptions {
  /** Threads of 'wasm-threads', 'wasm-fma-threads' (and 'auto'), the calling one included; default os.availableParallelism(). */
  readonly threads?: number;
}

/** The backend called `name`; here 'auto' is the reference backend and the wasm ones need Node. */
export function selectKernels(name: BackendName | 'auto' = 'auto', _options: SelectKernelsOptions = {}): Kernels {
  const chosen = checkOneOf<BackendName | 'auto'>(name, 'backend', ['auto', ...BACKEND_NAMES]);
  switch (chosen) {
    case 'auto':
    case 'reference':
      return referenceKernels;
    case 'wasm':
    case 'wasm-threads':
    case 'wasm-fma':
    case 'wasm-fma-threads':
      throw new SobolnetError(`backend ${chosen} needs Node or a browser: use selectKernels from sobolnet/node, or await createBrowserKernels()`);
    default:
      return chosen satisfies never;
  }
}
