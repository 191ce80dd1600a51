/**
 * model/fuse-relu.ts: which ReLUs a model fuses into its linear layers, and that a training step of
 * the fused model gives exactly the logits, loss and gradients of the same model with every ReLU
 * run as its own pass, on the reference and on a threaded wasm backend; graph models (a ReLU after
 * batch normalisation or a convolution) fuse nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Floats } from '../../src/core/floats.js';
import { wasmModuleBuilt } from '../../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels } from '../../src/kernels/node/select-kernels.js';
import type { Kernels } from '../../src/kernels/kernels.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { DenseLinear } from '../../src/layers/dense-linear.js';
import { PathLinear } from '../../src/layers/path-linear.js';
import { Relu } from '../../src/layers/relu.js';
import { Model } from '../../src/model/model.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { Rng } from '../../src/sequences/rng.js';
import { smallSpec } from '../helpers/small-model.js';

const wasm = wasmModuleBuilt('simd') ? [createNodeWasmKernels({ threads: 2, build: 'simd', minParallelWork: 0 })] : [];
afterAll(() => wasm.forEach((k) => k.close()));

const bits = (a: Floats): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** The model's layers with every fusion turned off again. */
function unfuse(model: Model): void {
  for (const layer of model.layers) {
    if (layer instanceof PathLinear || layer instanceof DenseLinear) Object.assign(layer.fusion, { output: false, input: false });
    if (layer instanceof Relu) Object.assign(layer.fused, { forward: false, backward: false });
  }
}

/** Logits, loss and every gradient of one training step on a fixed batch. */
function step(model: Model, k: Kernels, B: number): number[][] {
  const rng = new Rng(3);
  const x = k.alloc('f32', model.inputs * B);
  for (let i = 0; i < x.length; i++) x[i] = rng.nextFloat();
  const labels = Int32Array.from({ length: B }, (_, b) => b % model.classes);
  const logits = model.forward(x, B, true);
  const dLogits = k.alloc('f32', model.classes * B);
  const loss = k.softmaxCrossEntropy(dLogits, logits, labels, model.classes, B);
  model.backward(dLogits);
  return [bits(logits), [loss], ...model.params().map((p) => bits(p.grad))];
}

describe('fuseRelus', () => {
  it('fuses each ReLU of an MLP into the linear layers on both sides', () => {
    const model = new Model(smallSpec, referenceKernels);
    const [l0, r0, l1, r1, l2] = model.layers;
    expect(model.layers.map((l) => l.kind)).toEqual(['path', 'relu', 'path', 'relu', 'dense']);
    const fusion = (l: unknown) => ({ ...(l as PathLinear).fusion });
    expect([fusion(l0), fusion(l1), fusion(l2)]).toEqual([
      { output: true, input: false }, { output: true, input: true }, { output: false, input: true }]);
    expect([{ ...(r0 as Relu).fused }, { ...(r1 as Relu).fused }]).toEqual([
      { forward: true, backward: true }, { forward: true, backward: true }]);
  });

  it('leaves the forward of a ReLU after batch normalisation to run on its own', () => {
    const model = new Model({ ...smallSpec, batchNorm: true } as ModelSpec, referenceKernels);
    const relus = model.layers.filter((l): l is Relu => l instanceof Relu);
    expect(relus.length).toBe(2);
    for (const r of relus) expect(r.fused.forward).toBe(false);
  });

  for (const k of [referenceKernels, ...wasm]) {
    for (const B of [1, 7, 32]) {
      it(`gives the bits of the unfused model on ${k.name}, B=${B}`, () => {
        const fused = new Model(smallSpec, k);
        const plain = new Model(smallSpec, k);
        unfuse(plain);
        const a = step(fused, k, B);
        const b = step(plain, k, B);
        expect(a.length).toBe(b.length);
        a.forEach((v, i) => expect(v, `array ${i}`).toEqual(b[i]));
      });
    }
  }
});
