/**
 * A growable work buffer owned by a layer. `view(precision, n)` hands out exactly n elements,
 * reusing the current allocation when it is large enough, so alternating batch sizes (the last
 * partial batch, evaluation batches) allocate only when the largest size grows. Allocations come
 * from the kernels, so a backend with its own memory (wasm) computes on them in place.
 */
import type { Floats, Precision } from '../core/floats.js';
import { precisionOf } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';

export class Scratch {
  private block: Floats | null = null;

  constructor(private readonly kernels: Kernels) {}

  // -> [n] of `precision`; contents are whatever the last user left
  view(precision: Precision, n: number): Floats {
    if (this.block === null || this.block.length < n || precisionOf(this.block) !== precision) {
      this.block = this.kernels.alloc(precision, n);
    }
    return this.block.subarray(0, n);
  }
}
