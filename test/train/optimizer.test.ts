/**
 * The optimiser's step over a model's parameters: the sign clamp of fixed-sign parameters after
 * each step, through the kernels (clampSign), on the reference and the wasm backend alike.
 */
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { createWasmKernels } from '../../src/kernels/wasm/create-wasm-kernels.js';
import { sharedWasmArena } from '../../src/kernels/node/select-kernels.js';
import { createParam } from '../../src/layers/layer.js';
import { Optimizer } from '../../src/train/optimizer.js';

describe('Optimizer', () => {
  for (const [label, k] of [['reference', referenceKernels], ['wasm', createWasmKernels(sharedWasmArena())]] as const) {
    it(`clamps fixed-sign parameters after the step and leaves free ones (${label})`, () => {
      const free = createParam(k, 'free', 'f32', 5, true);
      const up = createParam(k, 'up', 'f32', 5, true);
      const down = createParam(k, 'down', 'f32', 5, true);
      up.signConstraint = 1;
      down.signConstraint = -1;
      for (const p of [free, up, down]) {
        p.value.set([1, -2, 0, 3, -4]);
        p.grad.set([0, 0, 0, 0, 0]);
      }
      new Optimizer(k, [free, up, down], { kind: 'sgd', momentum: 0, weightDecay: 0 }).step(0.1);
      expect(Array.from(free.value)).toEqual([1, -2, 0, 3, -4]);
      expect(Array.from(up.value)).toEqual([1, 0, 0, 3, 0]);
      expect(Array.from(down.value)).toEqual([0, -2, 0, 0, -4]);
    });
  }
});
