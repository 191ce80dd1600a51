/**
 * The demo page (web/): `npm run web` serves it, `npm run build:web` builds it into web/dist. Both
 * send the COOP/COEP headers that make the page cross-origin isolated, so that the training
 * worker gets shared memory and threads (src/kernels/browser/browser-kernels.ts).
 */
import { defineConfig } from 'vite';

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: import.meta.dirname,
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
