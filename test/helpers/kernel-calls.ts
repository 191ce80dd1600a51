/**
 * Which wasm kernels a backend runs: the names, in call order, of the exports among `names` that
 * k's arena calls while `body` runs (its exports wrapped to count, then restored). One thread, or
 * calls a worker makes on its own instance go uncounted.
 */
import type { WasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';

export function kernelCalls(k: WasmKernels, names: readonly string[], body: () => void): string[] {
  const exports = k.arena.kernels as unknown as Record<string, (...args: number[]) => void>;
  const saved = names.map((n) => exports[n]);
  const called: string[] = [];
  names.forEach((n, i) => (exports[n] = (...args: number[]) => {
    called.push(n);
    saved[i](...args);
  }));
  try {
    body();
  } finally {
    names.forEach((n, i) => (exports[n] = saved[i]));
  }
  return called;
}
