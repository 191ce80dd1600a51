/**
 * The wasm backend in a browser. It picks what the page allows:
 * - threads where the page is cross-origin isolated (shared memory exists) and the code runs in a
 *   Web Worker (Atomics.wait exists), one thread otherwise, on the shared build when shared memory
 *   exists and on the -unshared build (a memory allocated whole, never grown) when it does not;
 * - the FMA build where relaxed SIMD validates, the plain build where it does not.
 * The kernels are the same as Node's, so a model trains and saves to the same bytes as in Node on
 * the same build and thread count.
 *
 * The .wasm files are fetched from next to the package (build/, found through import.meta.url,
 * which bundlers such as Vite follow), or from URLs the caller gives.
 */
import { SobolnetError } from '../../core/errors.js';
import { createWasmKernels, type WasmKernels, type WasmKernelsOptions } from '../wasm/create-wasm-kernels.js';
import { wasmApi } from '../wasm/wasm-api.js';
import { WasmArena, type WasmBuild } from '../wasm/wasm-arena.js';
import { wasmRelaxedSimdSupported, wasmSharedMemorySupported, wasmSimdSupported } from '../wasm/wasm-simd-supported.js';
import { startBrowserWorkerPool } from './browser-worker-pool.js';

/** The four kernel files: plain or FMA build, for a shared or an unshared memory. */
export type BrowserWasmFile = 'simd' | 'simd-fma' | 'simd-unshared' | 'simd-fma-unshared';

export interface BrowserKernelsOptions extends WasmKernelsOptions {
  /** Threads wanted, the calling one included (default: navigator.hardwareConcurrency); fewer where the page allows fewer. */
  readonly threads?: number;
  /** Use the FMA build where relaxed SIMD validates (default true). */
  readonly fma?: boolean;
  /** Where each .wasm file is; default build/<name>.wasm beside this package. */
  readonly wasmUrls?: Partial<Record<BrowserWasmFile, string | URL>>;
  /** Pages of an unshared memory (default 4096, 256 MiB; see WasmArena). */
  readonly unsharedPages?: number;
  /**
   * Polls before a waiting thread sleeps (see SharedMemoryPoolOptions.spin); default
   * BROWSER_POOL_SPIN.
   */
  readonly spin?: number;
}

/**
 * The browser pool's default spin, ten times Node's: in Chromium a worker woken from Atomics.wait
 * starts later, and training `npm start`'s network on 2 threads in a Web Worker ran at 26,214
 * samples/s with Node's 4,000 polls (slower than 1 thread, 32,323) and at 34,334 with 40,000, in
 * one round of npm run bench:browser each (the machine otherwise idle).
 */
export const BROWSER_POOL_SPIN = 40_000;

/** What the page got, and why. */
export interface BrowserKernels {
  readonly kernels: WasmKernels;
  readonly build: WasmBuild;
  readonly threads: number;
  readonly sharedMemory: boolean;
  /** Why there is one thread only, where more were asked for; null otherwise. */
  readonly singleThreadReason: string | null;
}

const DEFAULT_URLS: Record<BrowserWasmFile, () => URL> = {
  'simd': () => new URL('../../../build/sobolnet-kernels.wasm', import.meta.url),
  'simd-fma': () => new URL('../../../build/sobolnet-kernels-fma.wasm', import.meta.url),
  'simd-unshared': () => new URL('../../../build/sobolnet-kernels-unshared.wasm', import.meta.url),
  'simd-fma-unshared': () => new URL('../../../build/sobolnet-kernels-fma-unshared.wasm', import.meta.url),
};

/** Whether Atomics.wait may block here (a worker: yes; a page's main thread: no). */
function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The wasm backend this page can run (see the file comment). */
export async function createBrowserKernels(options: BrowserKernelsOptions = {}): Promise<BrowserKernels> {
  const api = wasmApi();
  if (api === undefined || !wasmSimdSupported()) throw new SobolnetError('the wasm backend needs WebAssembly SIMD, which this browser lacks');
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const wanted = Math.max(1, Math.floor(options.threads ?? nav?.hardwareConcurrency ?? 1));
  const shared = wasmSharedMemorySupported();
  const singleThreadReason = wanted === 1 ? null
    : !shared ? 'the page is not cross-origin isolated, so there is no shared memory'
      : !canBlock() ? 'the kernels run on the page\'s main thread, which may not wait for workers: run them in a Web Worker'
        : null;
  const threads = singleThreadReason === null ? wanted : 1;
  const build: WasmBuild = (options.fma ?? true) && wasmRelaxedSimdSupported() ? 'simd-fma' : 'simd';
  const file: BrowserWasmFile = shared ? build : `${build}-unshared`;
  const url = options.wasmUrls?.[file] ?? DEFAULT_URLS[file]();
  const response = await fetch(url);
  if (!response.ok) throw new SobolnetError(`cannot load the wasm kernels from ${String(url)}: HTTP ${response.status}`);
  const module = await api.compile(new Uint8Array(await response.arrayBuffer()));
  const arena = new WasmArena(module, { build, shared, ...(shared ? {} : { maximumPages: options.unsharedPages }) });
  const pool = threads > 1 ? await startBrowserWorkerPool(arena, { threads, spin: options.spin ?? BROWSER_POOL_SPIN }) : null;
  return { kernels: createWasmKernels(arena, pool, options), build, threads, sharedMemory: shared, singleThreadReason };
}
