/**
 * The exports of build/sobolnet-kernels.wasm (assembly/index.ts). Every kernel takes a range
 * [lo, hi) first, then byte pointers and sizes; a pool sends a kernel to a thread by its position
 * in WASM_KERNEL_NAMES.
 */
import type { WasmInstance } from './wasm-api.js';

export const WASM_KERNEL_NAMES = [
  'sparseForward', 'sparseBackwardInput', 'sparseBackwardWeight',
  'sparseForwardSmallBatch', 'sparseBackwardInputSmallBatch', 'sparseBackwardWeightSmallBatch',
  'denseGather', 'denseGatherColumns', 'denseBackwardWeight', 'denseBackwardWeightColumns', 'biasBackward',
  'reluForward', 'reluBackward',
  'batchNormForward', 'batchNormInference', 'batchNormBackward', 'batchNormRunningStats',
  'softmaxCrossEntropy', 'sgdMomentumStep', 'adamStep', 'clampSign',
  'pathConvForward', 'pathConvBackwardInput', 'pathConvBackwardWeight',
  'convForward', 'convBackwardInput', 'convBackwardWeight',
  'maxPoolForward', 'maxPoolBackward', 'avgPoolForward', 'avgPoolBackward',
  'globalAvgPoolForward', 'globalAvgPoolBackward', 'add',
  'gatherBatch',
  'sparseForwardQuads', 'sparseBackwardWeightQuads', 'sparseBackwardInputQuads', 'quadCopies',
  'sparseForwardWindows', 'sparseBackwardInputWindows', 'sparseBackwardWeightWindows',
  'blockForward', 'blockBackwardInput', 'blockBackwardWeight', 'blockBackwardInputOne', 'blockBackwardWeightOne', 'blockGatherOne',
  'blockForwardOne', 'convBlockForward', 'convBlockBackwardInput', 'convBlockBackwardWeight',
  'liveRows',
] as const;

export type WasmKernelName = (typeof WASM_KERNEL_NAMES)[number];

/**
 * A kernel over the range [lo, hi); the remaining arguments are pointers, sizes and scalars. Kernels
 * write their results to memory and return nothing, except `liveRows`, which returns a count.
 */
export type WasmKernel = (lo: number, hi: number, ...args: number[]) => number | undefined;

export type WasmKernelExports = Readonly<Record<WasmKernelName, WasmKernel>>;

/** The kernels of an instance, checked by name (a stale or foreign .wasm fails here, not later). */
export function wasmKernelExports(instance: WasmInstance): WasmKernelExports {
  const out: Partial<Record<WasmKernelName, WasmKernel>> = {};
  for (const name of WASM_KERNEL_NAMES) {
    const f = instance.exports[name];
    if (typeof f !== 'function') throw new Error(`wasm module lacks the kernel ${name}: rebuild it (npm run build:wasm)`);
    out[name] = f as WasmKernel;
  }
  return out as WasmKernelExports;
}
