/**
 * A page in Debian's headless Chromium, for the browser test (test/browser) and the browser bench:
 * bundles a page script and a worker script from the sources with esbuild, serves them at /page.js
 * and /worker.js with build/*.wasm at /build/ (where createBrowserKernels' default URLs, relative
 * to the bundle, point) on 127.0.0.1 (with or without cross-origin isolation: COOP/COEP headers), opens the
 * page through playwright-core and waits until it publishes `globalThis.sobolnetPage.done`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** The flags this machine's closed network needs (DESIGN.md §5), and root's --no-sandbox. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const ROOT = join(import.meta.dirname, '..', '..');
const PAGE = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sobolnet</title></head>' +
  '<body><script type="module" src="/page.js"></script></body></html>';

/** The headers that make a page cross-origin isolated (shared memory, so wasm threads). */
export const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } as const;

/** Whether the browser tests run here: null when Chromium is installed, else why not. */
export const CHROMIUM_MISSING = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium)`;
/** SOBOLNET_REQUIRE_CHROMIUM=1 (CI) turns a missing Chromium into a failure instead of a skip. */
export const CHROMIUM_REQUIRED = process.env.SOBOLNET_REQUIRE_CHROMIUM === '1';

/** Headless Chromium with this machine's flags. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The console errors and uncaught exceptions of `page`, as they come. */
export function collectErrors(page: Page, into: string[] = []): string[] {
  page.on('console', (m) => { if (m.type() === 'error') into.push(m.text()); });
  page.on('pageerror', (e) => into.push(e.message));
  return into;
}

/** What a page run gives back: what the page published, and the console errors it logged. */
export interface PageRun<T> {
  readonly result: T;
  readonly consoleErrors: readonly string[];
}

function serve(dir: string, isolated: boolean): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const wasm = /^\/build\/(sobolnet-kernels[a-z-]*\.wasm)$/.exec(path);
      const file: [string, string | Buffer] | null = path === '/' ? ['text/html', PAGE]
        : path === '/page.js' || path === '/worker.js' ? ['text/javascript', readFileSync(join(dir, path.slice(1)))]
          : wasm ? ['application/wasm', readFileSync(join(ROOT, 'build', wasm[1]))] : null;
      if (file === null) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': file[0],
        ...(isolated ? ISOLATION_HEADERS : {}),
      });
      res.end(file[1]);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Bundles `page` and `worker` (TypeScript entry files; the page loads the worker as /worker.js),
 * then opens the page once per entry of `isolation` and returns what each published as
 * `globalThis.sobolnetPage` once its `done` is true.
 */
export async function runInChromium<T>(page: string, worker: string, isolation: readonly boolean[], timeoutMs: number): Promise<PageRun<T>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-chromium-'));
  try {
    await build({ entryPoints: { page, worker }, bundle: true, format: 'esm', platform: 'browser', outdir: dir, logLevel: 'silent' });
    const browser = await launchChromium();
    try {
      const runs: PageRun<T>[] = [];
      for (const isolated of isolation) {
        const server = await serve(dir, isolated);
        try {
          const tab = await browser.newPage();
          const consoleErrors = collectErrors(tab);
          await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
          await tab.waitForFunction(() => (globalThis as { sobolnetPage?: { done?: boolean } }).sobolnetPage?.done === true, null,
            { timeout: timeoutMs });
          const result = await tab.evaluate(() => (globalThis as { sobolnetPage?: unknown }).sobolnetPage as T);
          runs.push({ result, consoleErrors });
          await tab.close();
        } finally {
          server.close();
        }
      }
      return runs;
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
