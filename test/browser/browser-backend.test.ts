/**
 * The wasm backends in a real browser: Debian's Chromium, headless, driven by playwright-core,
 * on a page served here with and without cross-origin isolation (COOP/COEP headers). The page and
 * its Web Worker are bundled from the sources by esbuild. Checked:
 * - isolated: the worker gets 2 threads over shared memory; not isolated: 1 thread on the
 *   -unshared build, with the reason; the page's main thread gets 1 thread (it may not wait);
 * - a small seeded training run in the worker writes a model file byte for byte equal to the same
 *   run in Node on the same build, on either page (results do not depend on the thread count);
 * - the batch-1 quad kernels agree with the reference kernels;
 * - no console errors.
 * Without Chromium the suite is skipped, unless SOBOLNET_REQUIRE_CHROMIUM=1 (CI installs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaxedSimdAvailable } from '../../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import { tinyTraining } from './fixtures/tiny-training.js';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRED = process.env.SOBOLNET_REQUIRE_CHROMIUM === '1';
const MISSING = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium)`;
const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');

const PAGE = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sobolnet test</title></head>' +
  '<body><script type="module" src="/page.js"></script></body></html>';

/** Serves the page, the two bundles and build/*.wasm; with COOP/COEP when `isolated`. */
function serve(dir: string, isolated: boolean): Promise<Server> {
  const files: Record<string, () => [string, Buffer | string]> = {
    '/': () => ['text/html', PAGE],
    '/page.js': () => ['text/javascript', readFileSync(join(dir, 'page.js'))],
    '/worker.js': () => ['text/javascript', readFileSync(join(dir, 'worker.js'))],
  };
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const wasm = /^\/build\/(sobolnet-kernels[a-z-]*\.wasm)$/.exec(path);
      const file = wasm ? (): [string, Buffer] => ['application/wasm', readFileSync(join(root, 'build', wasm[1]))] : files[path];
      if (file === undefined) {
        res.writeHead(404).end();
        return;
      }
      const [type, body] = file();
      res.writeHead(200, {
        'content-type': type,
        ...(isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}),
      });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

interface WorkerResult {
  ok: boolean; error?: string; name: string; threads: number; build: string; sharedMemory: boolean; reason: string | null;
  crossOriginIsolated: boolean; modelFile: Record<string, number>; testAccuracy: number; batchOneRelError: number;
}
interface PageResult { worker?: WorkerResult; main?: { threads?: number; reason?: string | null; error?: string } }

describe.skipIf(MISSING !== null && !REQUIRED)('the wasm backends in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-browser-'));
  const results = new Map<string, { page: PageResult; consoleErrors: string[] }>();

  beforeAll(async () => {
    if (MISSING !== null) throw new Error(`SOBOLNET_REQUIRE_CHROMIUM=1 but ${MISSING}`);
    await build({
      entryPoints: { page: join(fixtures, 'page.ts'), worker: join(fixtures, 'worker.ts') }, bundle: true, format: 'esm',
      platform: 'browser', outdir: dir, logLevel: 'silent',
    });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      for (const isolated of [true, false]) {
        const server = await serve(dir, isolated);
        try {
          const page = await browser.newPage();
          const consoleErrors: string[] = [];
          page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
          page.on('pageerror', (e) => consoleErrors.push(e.message));
          await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
          await page.waitForFunction(() => {
            const r = (globalThis as { sobolnetTest?: PageResult }).sobolnetTest;
            return r?.worker !== undefined && r.main !== undefined;
          }, null, { timeout: 90_000 });
          const result = await page.evaluate(() => (globalThis as { sobolnetTest?: PageResult }).sobolnetTest as PageResult);
          results.set(isolated ? 'isolated' : 'not isolated', { page: result, consoleErrors });
          await page.close();
        } finally {
          server.close();
        }
      }
    } finally {
      await browser.close();
    }
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const worker = (which: string): WorkerResult => {
    const r = results.get(which)!.page.worker!;
    if (!r.ok) throw new Error(`the worker failed on the ${which} page: ${r.error}`);
    return r;
  };

  it('uses 2 threads over shared memory where the page is cross-origin isolated, 1 unshared thread where not', () => {
    const isolated = worker('isolated'), plain = worker('not isolated');
    console.log(`Chromium: isolated page ${isolated.name}; not isolated ${plain.name}`);
    expect([isolated.crossOriginIsolated, isolated.threads, isolated.sharedMemory, isolated.reason]).toEqual([true, 2, true, null]);
    expect([plain.crossOriginIsolated, plain.threads, plain.sharedMemory]).toEqual([false, 1, false]);
    expect(plain.reason).toMatch(/not cross-origin isolated/);
    expect(results.get('isolated')!.page.main).toEqual({ threads: 1, reason: expect.stringMatching(/main thread/) as unknown });
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

describe.skipIf(MISSING === null)('without Chromium', () => {
  it(REQUIRED ? 'fails: SOBOLNET_REQUIRE_CHROMIUM=1 but Chromium is missing' : 'is skipped: Chromium is missing', () => {
    expect(REQUIRED, MISSING ?? '').toBe(false);
  });
});
