/** The wasm builds this machine can run: the plain SIMD build where it is built, the FMA build where it is built and the engine has relaxed SIMD. */
import { relaxedSimdAvailable, wasmModuleBuilt } from '../../src/kernels/node/load-wasm-module.js';
import type { WasmBuild } from '../../src/kernels/wasm/wasm-arena.js';

export const WASM_BUILDS: readonly WasmBuild[] = [
  ...(wasmModuleBuilt('simd') ? ['simd' as const] : []),
  ...(relaxedSimdAvailable() && wasmModuleBuilt('simd-fma') ? ['simd-fma' as const] : []),
];
