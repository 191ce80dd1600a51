/**
 * A page in Debian's headless Chromium, for the browser test (test/browser) and the browser bench:
 * bundles a page script and a worker script from the sources with esbuild, serves them with
 * build/*.wasm on 127.0.0.1 (with or without cross-origin isolation: COOP/COEP headers), opens the
 * page through playwright-core and waits until it publishes `globalThis.sobolnetPage.done`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export const CHROMIUM = '/usr/bin/chromium';
/** The flags this machine's closed network needs (DESIGN.md §5), and root's --no-sandbox. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const ROOT = join(import.meta.dirname, '..', '..');
const PAGE = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sobolnet</title></head>' +
  '<body><script type="module" src="/page.js"></script></body></html>';

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
        ...(isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}),
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
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const runs: PageRun<T>[] = [];
      for (const isolated of isolation) {
        const server = await serve(dir, isolated);
        try {
          const tab = await browser.newPage();
          const consoleErrors: string[] = [];
          tab.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
          tab.on('pageerror', (e) => consoleErrors.push(e.message));
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
