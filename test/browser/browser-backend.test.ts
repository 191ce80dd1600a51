/**
 * The wasm backends in a real browser: Debian's Chromium, headless, driven by playwright-core,
 * on a page served with and without cross-origin isolation (COOP/COEP headers); the page and its
 * Web Worker are bundled from the sources by esbuild (bench/lib/chromium-page.ts). Checked:
 * - isolated: the worker gets 2 threads over shared memory; not isolated: 1 thread on the
 *   -unshared build, with the reason; the page's main thread gets 1 thread (it may not wait);
 * - a small seeded training run in the worker writes a model file byte for byte equal to the same
 *   run in Node on the same build, on either page (results do not depend on the thread count);
 * - the batch-1 quad kernels agree with the reference kernels;
 * - no console errors.
 * Without Chromium the suite is skipped, unless SOBOLNET_REQUIRE_CHROMIUM=1 (CI installs it).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_MISSING, CHROMIUM_REQUIRED, runInChromium, type PageRun } from '../../bench/lib/chromium-page.js';
import { relaxedSimdAvailable } from '../../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { tinyTraining } from './fixtures/tiny-training.js';

const fixtures = join(import.meta.dirname, 'fixtures');

interface WorkerResult {
  ok: boolean; error?: string; name: string; threads: number; build: string; sharedMemory: boolean; reason: string | null;
  crossOriginIsolated: boolean; modelFile: Record<string, number>; testAccuracy: number; batchOneRelError: number;
}
interface PageResult { worker?: WorkerResult; main?: { threads?: number; reason?: string | null; error?: string }; done: boolean }

describe.skipIf(CHROMIUM_MISSING !== null && !CHROMIUM_REQUIRED)('the wasm backends in Chromium', () => {
  const results = new Map<string, PageRun<PageResult>>();

  beforeAll(async () => {
    if (CHROMIUM_MISSING !== null) throw new Error(`SOBOLNET_REQUIRE_CHROMIUM=1 but ${CHROMIUM_MISSING}`);
    const runs = await runInChromium<PageResult>(join(fixtures, 'page.ts'), join(fixtures, 'worker.ts'), [true, false], 90_000);
    results.set('isolated', runs[0]);
    results.set('not isolated', runs[1]);
  }, 180_000);

  const worker = (which: string): WorkerResult => {
    const r = results.get(which)!.result.worker!;
    if (!r.ok) throw new Error(`the worker failed on the ${which} page: ${r.error}`);
    return r;
  };

  it('uses 2 threads over shared memory where the page is cross-origin isolated, 1 unshared thread where not', () => {
    const isolated = worker('isolated'), plain = worker('not isolated');
    console.log(`Chromium: isolated page ${isolated.name}; not isolated ${plain.name}`);
    expect([isolated.crossOriginIsolated, isolated.threads, isolated.sharedMemory, isolated.reason]).toEqual([true, 2, true, null]);
    expect([plain.crossOriginIsolated, plain.threads, plain.sharedMemory]).toEqual([false, 1, false]);
    expect(plain.reason).toMatch(/not cross-origin isolated/);
    expect(results.get('isolated')!.result.main).toEqual({ threads: 1, reason: expect.stringMatching(/main thread/) as unknown });
  });

  it('trains to the same model file bytes as Node on the same build, with any thread count', () => {
    const isolated = worker('isolated'), plain = worker('not isolated');
    expect(plain.build).toBe(isolated.build);
    const bytes = (r: WorkerResult): Uint8Array => Uint8Array.from(Object.values(r.modelFile));
    const build = isolated.build === 'simd-fma' && relaxedSimdAvailable() ? 'simd-fma' : 'simd';
    expect(build).toBe(isolated.build);
    const kernels = createNodeWasmKernels({ threads: 1, build });
    const node = tinyTraining(kernels);
    kernels.close();
    expect(node.testAccuracy).toBeGreaterThan(0.5);   // the run learns something: ten classes, chance is 0.1
    expect(isolated.testAccuracy).toBe(node.testAccuracy);
    expect(Buffer.from(bytes(isolated)).equals(Buffer.from(node.modelFile))).toBe(true);
    expect(Buffer.from(bytes(plain)).equals(Buffer.from(node.modelFile))).toBe(true);
  });

  it('runs the batch-1 quad kernels as the reference does', () => {
    for (const which of ['isolated', 'not isolated']) expect(worker(which).batchOneRelError).toBeLessThan(1e-5);
  });

  it('logs no console errors', () => {
    for (const [which, r] of results) expect(r.consoleErrors, which).toEqual([]);
  });
});

describe.skipIf(CHROMIUM_MISSING === null)('without Chromium', () => {
  it(CHROMIUM_REQUIRED ? 'fails: SOBOLNET_REQUIRE_CHROMIUM=1 but Chromium is missing' : 'is skipped: Chromium is missing', () => {
    expect(CHROMIUM_REQUIRED, CHROMIUM_MISSING ?? '').toBe(false);
  });
});
