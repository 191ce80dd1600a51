/**
 * What the ONNX export tests share: seeded non-trivial biases and batch-norm statistics, and the
 * comparison of onnxruntime-node's logits with sobolnet's inference forward on the same batch.
 *
 * The error measure is the normwise relative error of the logits,
 *   max over samples and classes |onnx - sobolnet| / max over samples and classes |sobolnet|,
 * the infinity norm of the difference over the infinity norm of the reference: float32 sums run
 * in different orders on the two sides, and an elementwise ratio would divide that rounding by
 * logits that happen to lie near 0.
 *
 * Shape legend: B batch, D input units, C classes.
 */
import * as ort from 'onnxruntime-node';
import { encodeOnnx, ONNX_INPUT, ONNX_OUTPUT } from '../../src/export/onnx/encode-onnx.js';
import { sampleDims } from '../../src/model/layer-spec.js';
import { allocFloats } from '../../src/core/floats.js';
import { Model } from '../../src/model/model.js';
import { Rng } from '../../src/sequences/rng.js';

/**
 * Fills every bias and batch-norm array of `model` with seeded values (He init leaves biases at 0
 * and the statistics at mean 0, variance 1, which would hide a swapped or missing array).
 */
export function randomiseState(model: Model, seed: number): void {
  const rng = new Rng(seed);
  for (const { name, value } of model.namedArrays()) {
    const kind = name.slice(name.lastIndexOf('.') + 1);
    if (kind === 'weight') continue; // He-initialised already
    for (let i = 0; i < value.length; i++) {
      const n = rng.nextNormal();
      switch (kind) {
        case 'bias': value[i] = 0.1 * n; break;
        case 'gamma': value[i] = 1 + 0.3 * n; break;
        case 'beta': value[i] = 0.2 * n; break;
        case 'runningMean': value[i] = 0.3 * n; break;
        case 'runningVar': value[i] = 0.25 + 2 * rng.nextFloat(); break;
        default: throw new Error(`randomiseState: unknown array ${name}`);
      }
    }
  }
}

/** One session per test, on one intra-op thread (the test machine is shared). */
export async function onnxSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
}

export interface Parity {
  readonly maxRelError: number;
  readonly maxAbsLogit: number;
  readonly bytes: number;
}

// model, B -> max |onnx - sobolnet| / max |sobolnet| over logits [B, C]
export async function onnxParity(model: Model, B: number, seed: number): Promise<Parity> {
  const bytes = encodeOnnx(model);
  const session = await onnxSession(bytes);
  const D = model.inputs, C = model.classes;
  const rng = new Rng(seed);
  const x = allocFloats(model.precision, D * B);  // sobolnet: x[D][B]
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(rng.nextNormal());   // float32 values on both sides
  const xt = new Float32Array(D * B);             // ONNX: x[B][D] (= [B][C][H][W])
  for (let u = 0; u < D; u++) for (let b = 0; b < B; b++) xt[b * D + u] = x[u * B + b];
  const expected = model.forward(x, B, false);    // logits[C][B]
  const out = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', xt, [B, ...sampleDims(model.inputShape)]) });
  const logits = out[ONNX_OUTPUT];
  if (logits.dims.join(',') !== `${B},${C}`) throw new Error(`logits have dims [${logits.dims.join(', ')}], expected [${B}, ${C}]`);
  const got = logits.data as Float32Array;        // logits[B][C]
  let diff = 0, scale = 0;
  for (let c = 0; c < C; c++) {
    for (let b = 0; b < B; b++) {
      diff = Math.max(diff, Math.abs(got[b * C + c] - expected[c * B + b]));
      scale = Math.max(scale, Math.abs(expected[c * B + b]));
    }
  }
  await session.release();
  return { maxRelError: diff / scale, maxAbsLogit: scale, bytes: bytes.length };
}
