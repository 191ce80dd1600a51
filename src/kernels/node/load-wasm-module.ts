/**
 * Finds and compiles the kernels made by `npm run build:wasm`: build/sobolnet-kernels.wasm (SIMD)
 * and build/sobolnet-kernels-fma.wasm (relaxed SIMD fused multiply-add). The paths are the same
 * from src/kernels/node/*.ts and dist/kernels/node/*.js.
 *
 * Node 20 (V8 11.3) runs relaxed SIMD only behind --experimental-wasm-relaxed-simd; Node 22 and
 * Chrome 114 on have it by default. `relaxedSimdAvailable` sets that V8 flag at run time when the
 * runtime does not validate relaxed SIMD yet, then probes again: the flag only decides which
 * modules validate, and it must be set before the FMA module is compiled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { check } from '../../core/errors.js';
import { wasmApi, type WasmModule } from '../wasm/wasm-api.js';
import type { WasmBuild } from '../wasm/wasm-arena.js';
import { wasmRelaxedSimdSupported } from '../wasm/wasm-simd-supported.js';

export const WASM_MODULE_PATHS: Readonly<Record<WasmBuild, string>> = {
  'simd': fileURLToPath(new URL('../../../build/sobolnet-kernels.wasm', import.meta.url)),
  'simd-fma': fileURLToPath(new URL('../../../build/sobolnet-kernels-fma.wasm', import.meta.url)),
};

const compiled = new Map<WasmBuild, WasmModule>();
let relaxedSimd: boolean | null = null;

/** Whether the compiled kernels of `build` exist on disk. */
export function wasmModuleBuilt(build: WasmBuild = 'simd'): boolean {
  return existsSync(WASM_MODULE_PATHS[build]);
}

/** Whether relaxed SIMD runs here, after enabling V8's flag for it where needed (Node 20). Cached. */
export function relaxedSimdAvailable(): boolean {
  if (relaxedSimd === null) {
    if (!wasmRelaxedSimdSupported()) setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxedSimd = wasmRelaxedSimdSupported();
  }
  return relaxedSimd;
}

/** The compiled kernels of `build` (compiled once per process, synchronously). */
export function loadWasmModule(build: WasmBuild = 'simd'): WasmModule {
  let module = compiled.get(build);
  if (module === undefined) {
    const api = wasmApi();
    check(api !== undefined, () => 'the wasm backend needs WebAssembly, which this runtime lacks');
    check(wasmModuleBuilt(build), () => `wasm kernels not found at ${WASM_MODULE_PATHS[build]}: run npm run build:wasm`);
    check(build !== 'simd-fma' || relaxedSimdAvailable(),
      () => 'the FMA kernels need wasm relaxed SIMD, which this runtime lacks: use the wasm or wasm-threads backend');
    module = new api.Module(readFileSync(WASM_MODULE_PATHS[build]));
    compiled.set(build, module);
  }
  return module;
}
