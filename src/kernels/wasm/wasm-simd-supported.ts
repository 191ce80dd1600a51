/**
 * Feature probes for the wasm backend: SIMD (validate a tiny module that uses v128), relaxed SIMD
 * (one that uses f32x4.relaxed_madd, which the FMA build needs) and shared memory (a shared
 * WebAssembly.Memory over a SharedArrayBuffer, which threads need).
 */
import { wasmApi } from './wasm-api.js';

// (module (func v128.const i32x4 0 0 0 0 drop))
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one func () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x17, 0x01, 0x15, 0x00, // code section: one body of 21 bytes, no locals
  0xfd, 0x0c, ...new Array<number>(16).fill(0), // v128.const 0
  0x1a, 0x0b, // drop, end
]);

// (module (func v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd drop))
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x3e, 0x01, 0x3c, 0x00, // one body of 60 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array<number>(16).fill(0)]), // three v128.const 0
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x1a, 0x0b,
]);

function validates(probe: Uint8Array): boolean {
  try {
    return wasmApi()?.validate(probe) === true;
  } catch {
    return false;
  }
}

/** Whether this runtime runs wasm SIMD (128-bit). */
export function wasmSimdSupported(): boolean {
  return validates(SIMD_PROBE);
}

/** Whether this runtime runs relaxed SIMD (f32x4.relaxed_madd): on by default in V8 from Chrome 114 / Node 22. */
export function wasmRelaxedSimdSupported(): boolean {
  return validates(RELAXED_SIMD_PROBE);
}

/** Whether this runtime can create a shared wasm memory (needed by the thread pool). */
export function wasmSharedMemorySupported(): boolean {
  const api = wasmApi();
  if (api === undefined || typeof SharedArrayBuffer !== 'function') return false;
  try {
    return new api.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
