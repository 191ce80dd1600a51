/** Test arrays for the benches: seeded uniform values, and copies into a backend's own memory. */
import type { Floats } from '../../src/core/floats.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import type { Rng } from '../../src/sequences/rng.js';

/** [n] uniform in (-scale, scale). */
export function randomArray(rng: Rng, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.nextFloat() * 2 - 1) * scale;
  return a;
}

/** A copy of `master` allocated by the kernels, so fast backends compute on it in place. */
export function copyInto(k: Kernels, master: Float32Array): Floats {
  const a = k.alloc('f32', master.length);
  a.set(master);
  return a;
}
