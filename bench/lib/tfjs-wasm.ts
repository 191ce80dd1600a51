/**
 * TensorFlow.js on its wasm backend (XNNPACK), as a baseline. In Node the wasm binaries are read
 * from the package's dist folder; Node gets no wasm threads, so SIMD is the only speed-up.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export interface TfjsInfo {
  readonly version: string;
  readonly backend: string;
  readonly simd: boolean;
  readonly threads: boolean;
}

/** Switches tfjs to the wasm backend; returns what it runs with. */
export async function initTfjsWasm(): Promise<TfjsInfo> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'wasm') throw new Error(`tfjs could not start its wasm backend (got ${tf.getBackend()})`);
  return {
    version: tf.version.tfjs,
    backend: tf.getBackend(),
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
  };
}

export { tf };

/**
 * tfjs-backend-wasm 4.22 computes a BatchMatMul with transposeA or transposeB set far off its fast
 * XNNPACK path (measured here at 1024×1024, batch 128: A·B 9 ms, A·Bᵀ 118 ms, Aᵀ·B 650 ms), and
 * every dense layer's backward pass asks for exactly those. This re-registers the wasm BatchMatMul
 * kernel so that it first transposes the flagged operand explicitly (the wasm Transpose kernel)
 * and then runs the original kernel untransposed: the same product, with every multiplication on
 * the fast path. Call after `initTfjsWasm`.
 */
export function useExplicitTransposeMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) throw new Error('tfjs wasm backend has no BatchMatMul or Transpose kernel');
  interface Args {
    inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
    backend: { disposeData(dataId: object): void };
    attrs: { transposeA: boolean; transposeB: boolean };
  }
  type KernelArgs = Parameters<typeof original.kernelFunc>[0];
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (raw: KernelArgs) => {
      const { inputs, backend, attrs } = raw as unknown as Args;
      const temporaries: tf.TensorInfo[] = [];
      const swapLastTwo = (t: tf.TensorInfo): tf.TensorInfo => {
        const rank = t.shape.length;
        const perm = Array.from({ length: rank }, (_, i) => i);
        perm[rank - 1] = rank - 2;
        perm[rank - 2] = rank - 1;
        const out = transpose.kernelFunc({ ...raw, inputs: { x: t }, attrs: { perm } }) as tf.TensorInfo;
        temporaries.push(out);
        return out;
      };
      const a = attrs.transposeA ? swapLastTwo(inputs.a) : inputs.a;
      const b = attrs.transposeB ? swapLastTwo(inputs.b) : inputs.b;
      const out = original.kernelFunc({ ...raw, inputs: { a, b }, attrs: { ...attrs, transposeA: false, transposeB: false } });
      for (const t of temporaries) backend.disposeData(t.dataId);
      return out;
    },
  });
}
