/**
 * Backend selection (Node and browser-safe selectors) and the worker pool's life cycle: a process
 * that uses the pool exits by itself, and a closed pool stops.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { WASM_MODULE_PATHS, relaxedSimdAvailable, wasmModuleBuilt } from '../../src/kernels/node/load-wasm-module.js';
import { BACKEND_NAMES, availableBackends, selectKernels } from '../../src/kernels/node/select-kernels.js';
import { selectKernels as selectInBrowser } from '../../src/kernels/select-kernels.js';
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { wasmSharedMemorySupported, wasmSimdSupported } from '../../src/kernels/wasm/wasm-simd-supported.js';

describe('node selectKernels', () => {
  it('finds the compiled kernels (npm run build:wasm) and the features they need', () => {
    expect(wasmModuleBuilt(), `${WASM_MODULE_PATHS.simd} missing: run npm run build:wasm`).toBe(true);
    expect(wasmSimdSupported()).toBe(true);
    expect(wasmSharedMemorySupported()).toBe(true);
    // Node 20 runs relaxed SIMD once load-wasm-module has set V8's flag for it
    expect(wasmModuleBuilt('simd-fma'), `${WASM_MODULE_PATHS['simd-fma']} missing: run npm run build:wasm`).toBe(true);
    expect(relaxedSimdAvailable()).toBe(true);
    expect(availableBackends()).toEqual(availableParallelism() > 1
      ? ['wasm-fma-threads', 'wasm-threads', 'wasm-fma', 'wasm', 'reference'] : ['wasm-fma', 'wasm', 'reference']);
  });

  it('selects each backend by name, caches it, and picks the fastest for auto', () => {
    expect(BACKEND_NAMES).toEqual(['reference', 'wasm', 'wasm-threads', 'wasm-fma', 'wasm-fma-threads']);
    expect(selectKernels('reference')).toBe(referenceKernels);
    expect(selectKernels('wasm').name).toBe('wasm-simd');
    expect(selectKernels('wasm')).toBe(selectKernels('wasm'));
    expect(selectKernels('wasm-threads', { threads: 2 }).name).toBe('wasm-simd ×2 threads');
    expect(selectKernels('wasm-threads', { threads: 1 })).toBe(selectKernels('wasm'));
    expect(selectKernels('wasm-fma').name).toBe('wasm-simd-fma');
    expect(selectKernels('wasm-fma-threads', { threads: 2 }).name).toBe('wasm-simd-fma ×2 threads');
    expect(selectKernels('wasm-fma-threads', { threads: 1 })).toBe(selectKernels('wasm-fma'));
    const auto = selectKernels();
    expect(auto.name).toBe(availableParallelism() > 1 ? `wasm-simd-fma ×${availableParallelism()} threads` : 'wasm-simd-fma');
    expect(selectKernels('auto', { threads: 1 })).toBe(selectKernels('wasm-fma'));
  });

  it('shares one memory between its wasm backends', () => {
    const one = selectKernels('wasm') as WasmKernels;
    const two = selectKernels('wasm-threads', { threads: 2 }) as WasmKernels;
    expect(two.arena).toBe(one.arena);
    const a = one.alloc('f32', 8).fill(-2);
    a[7] = 3;
    const b = two.alloc('f32', 8);
    expect(two.arena.owns(a) && two.arena.owns(b)).toBe(true);
    two.reluForward(b, a, 8);
    expect(Array.from(b)).toEqual([0, 0, 0, 0, 0, 0, 0, 3]);
  });

  it('gives the FMA build a memory of its own', () => {
    const plain = selectKernels('wasm') as WasmKernels;
    const fused = selectKernels('wasm-fma') as WasmKernels;
    expect(fused.arena).not.toBe(plain.arena);
    expect(fused.arena.build).toBe('simd-fma');
    expect(plain.arena.owns(fused.alloc('f32', 4))).toBe(false);
  });

  it('rejects unknown names and bad thread counts with one line', () => {
    expect(() => selectKernels('gpu' as never))
      .toThrow('backend must be one of auto, reference, wasm, wasm-threads, wasm-fma, wasm-fma-threads, got "gpu"');
    expect(() => selectKernels('wasm-threads', { threads: 0 })).toThrow('threads must be an integer in [1, 256], got 0');
  });
});

describe('browser-safe selectKernels', () => {
  it('knows the names but runs only the reference backend', () => {
    expect(selectInBrowser()).toBe(referenceKernels);
    expect(() => selectInBrowser('wasm')).toThrow('backend wasm needs Node or a browser: use selectKernels from sobolnet/node, or await createBrowserKernels()');
  });
});

describe('worker pool life cycle', () => {
  it('a process using the pool exits by itself, without close()', () => {
    const child = join(import.meta.dirname, 'pool-exit-child.ts');
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error, 'the child did not exit within 20 s').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('wasm-simd ×2 threads 0 5\n');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
