/**
 * The memory limits of a backend in this process, before it is started: a wasm backend's arrays
 * live in one wasm32 memory (4 GiB at most, less what that memory already holds); the reference
 * backend's on the JavaScript heap, where one typed array holds at most 2^32 elements. Either way
 * the process should stay within half of the machine's memory.
 */
import { totalmem } from 'node:os';
import type { MemoryLimits } from '../memory-estimate.js';
import { availableBackends, wasmArenaUsedBytes, type BackendName } from '../../kernels/node/select-kernels.js';

/** 4 GiB: all a wasm32 pointer reaches. */
const WASM32_BYTES = 2 ** 32;
/** The longest typed array V8 allocates (elements). */
const TYPED_ARRAY_ELEMENTS = 2 ** 32;

/** The limits of backend `name` ('auto': the one selectKernels would pick). */
export function memoryLimitsOf(name: BackendName | 'auto'): MemoryLimits {
  const backend = name === 'auto' ? availableBackends()[0] : name;
  const hostMemory = Math.floor(totalmem() / 2);
  switch (backend) {
    case 'reference':
      return { backend, kernelMemory: null, hostMemory, largestArray: TYPED_ARRAY_ELEMENTS };
    case 'wasm':
    case 'wasm-threads':
      return { backend, kernelMemory: WASM32_BYTES - wasmArenaUsedBytes('simd'), hostMemory, largestArray: WASM32_BYTES / 4 };
    case 'wasm-fma':
    case 'wasm-fma-threads':
      return { backend, kernelMemory: WASM32_BYTES - wasmArenaUsedBytes('simd-fma'), hostMemory, largestArray: WASM32_BYTES / 4 };
    default:
      return backend satisfies never;
  }
}
