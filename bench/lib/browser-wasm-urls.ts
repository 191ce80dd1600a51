/**
 * Where the browser fixtures (test/browser/fixtures, bench/lib/browser-*.ts) ask for the kernels:
 * /build/<file>, which bench/lib/chromium-page.ts serves from the repository's build/. Browser-safe
 * (no Node import): it is bundled into the pages.
 */
export const BROWSER_WASM_URLS = {
  'simd': '/build/sobolnet-kernels.wasm', 'simd-fma': '/build/sobolnet-kernels-fma.wasm',
  'simd-unshared': '/build/sobolnet-kernels-unshared.wasm', 'simd-fma-unshared': '/build/sobolnet-kernels-fma-unshared.wasm',
} as const;
