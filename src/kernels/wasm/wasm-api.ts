/**
 * The slice of the WebAssembly JS API the wasm backend uses, typed here because the project's
 * TypeScript libs (ES2022 + @types/node) do not declare it. `wasmApi()` is undefined where the
 * runtime has no WebAssembly at all.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

/** A compiled module (opaque; cloneable to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
  /** Compiles off the calling thread (a page's main thread may not compile large modules synchronously). */
  compile(bytes: Uint8Array): Promise<WasmModule>;
}

/** 64 KiB, the unit of wasm memory. */
export const WASM_PAGE_BYTES = 65536;

export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}
