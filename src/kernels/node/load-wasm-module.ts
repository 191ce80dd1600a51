/**
 * Finds and compiles build/sobolnet-kernels.wasm (made by `npm run build:wasm`). The path is the
 * same from src/kernels/node/*.ts and dist/kernels/node/*.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { check } from '../../core/errors.js';
import { wasmApi, type WasmModule } from '../wasm/wasm-api.js';

export const WASM_MODULE_PATH = fileURLToPath(new URL('../../../build/sobolnet-kernels.wasm', import.meta.url));

let compiled: WasmModule | null = null;

/** Whether the compiled kernels exist on disk. */
export function wasmModuleBuilt(): boolean {
  return existsSync(WASM_MODULE_PATH);
}

/** The compiled kernels module (compiled once per process, synchronously). */
export function loadWasmModule(): WasmModule {
  if (compiled === null) {
    const api = wasmApi();
    check(api !== undefined, () => 'the wasm backend needs WebAssembly, which this runtime lacks');
    check(wasmModuleBuilt(), () => `wasm kernels not found at ${WASM_MODULE_PATH}: run npm run build:wasm`);
    compiled = new api.Module(readFileSync(WASM_MODULE_PATH));
  }
  return compiled;
}
