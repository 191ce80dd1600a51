/**
 * The default MNIST network exported to ONNX (issue #12): onnxruntime-node running the exported
 * file against sobolnet's own inference, and the file's size against the weight bytes.
 *
 *   npm run bench:onnx [-- --quick] [-- --repeats 9] [-- --model runs/default.sobolnet]
 *
 * The network is 784-1024-1024-10 with Sobol' fan-in 32 into the hidden layers and a dense output
 * layer (`npm start`), freshly initialised (seed 1) unless --model names a saved one: the time
 * does not depend on the weights' values. One run times, round-robin at batch 1 and at batch 128:
 * - sobolnet: `model.forward(x, B, false)` on the wasm-fma backend (one thread; wasm if relaxed
 *   SIMD is missing), the input already in the backend's memory;
 * - onnxruntime-node: `session.run` of the exported file (input binding, the graph, the output
 *   tensor), awaited, on 1 intra-op thread without spinning (bench/lib/ort-session-options.ts).
 * - for comparison, onnxruntime-node on a dense ONNX file of the same MLP (one Gemm per layer, the
 *   path layers' edges in zero matrices), built here: what a dense export would weigh and run.
 * Throughput is B / median time per call, in samples per second. Before timing, the logits of
 * sobolnet and of the exported file are compared on the same batch (max |onnx - sobolnet| / max |sobolnet|).
 *
 * Sizes: the ONNX file, the weight bytes (4 per stored float: edges, biases, dense weights), their
 * ratio, the weight bytes of the same network with its path layers dense, and the dense file's
 * bytes. Writes bench/results/onnx-export.json.
 */
import * as ort from 'onnxruntime-node';
import { completeRecipe, modelSpecOf, NETWORK_DEFAULTS } from '../src/experiment/run-recipe.js';
import { encodeOnnx, ONNX_INPUT, ONNX_OUTPUT } from '../src/export/onnx/encode-onnx.js';
import { OnnxGraph } from '../src/export/onnx/onnx-graph.js';
import { denseWeightBytesOf, weightBytesOf } from '../src/export/weight-bytes.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { availableBackends, selectKernels } from '../src/kernels/node/select-kernels.js';
import { loadModel } from '../src/model/node/model-io.js';
import { DenseLinear } from '../src/layers/dense-linear.js';
import { PathLinear } from '../src/layers/path-linear.js';
import { Relu } from '../src/layers/relu.js';
import { Model } from '../src/model/model.js';
import { Rng } from '../src/sequences/rng.js';
import { parseBenchArgs } from './lib/args.js';
import { copyInto, randomArray } from './lib/arrays.js';
import { printHeader } from './lib/machine.js';
import { ORT_SESSION_DESCRIPTION, ortSessionOptions } from './lib/ort-session-options.js';
import { writeResults } from './lib/results.js';
import { fmtMs, fmtNum, printTable, timeCases, type Case } from './lib/timing.js';

const BATCHES = [1, 128] as const;
const WIDTHS = [784, ...NETWORK_DEFAULTS.hidden, 10];

interface Row {
  batch: number; engine: string; medianMs: number; minMs: number; maxMs: number; callsPerSample: number;
  samplesPerSecond: number; maxRelError: number | null;
}

/**
 * The same MLP as a dense ONNX graph: every path layer's edges added into a zero [O, I] matrix and
 * run by Gemm, as a dense export would; null when the model holds other layers than path and
 * dense linear layers and ReLU. Only for comparison: the exporter never writes this.
 */
function denseOnnx(model: Model): Uint8Array | null {
  const g = new OnnxGraph('sobolnet-dense');
  let x = g.reserve(ONNX_INPUT);
  for (const [i, layer] of model.layers.entries()) {
    if (layer instanceof Relu) {
      x = g.node('Relu', [x]);
      continue;
    }
    if (!(layer instanceof PathLinear || layer instanceof DenseLinear)) return null;
    const { inputs: I, outputs: O } = layer;
    let W = layer.weight.value;
    if (layer instanceof PathLinear) {
      const { targetOffsets, sources } = layer.index;
      const dense = new Float32Array(O * I);
      for (let t = 0; t < O; t++) for (let e = targetOffsets[t]; e < targetOffsets[t + 1]; e++) dense[t * I + sources[e]] += W[e];
      W = dense;
    }
    const bias = layer.bias === null ? [] : [g.floats(`l_${i}_bias`, [O], layer.bias.value)];
    x = g.node('Gemm', [x, g.floats(`l_${i}_weight`, [O, I], W), ...bias], { transB: { int: 1 } });
  }
  g.rename(x, ONNX_OUTPUT);
  return g.encode([{ name: ONNX_INPUT, type: 'float', dims: ['batch', model.inputs] }],
    [{ name: ONNX_OUTPUT, type: 'float', dims: ['batch', model.classes] }], { producer: 'sobolnet-bench' });
}

function sobolnetKernels(): Kernels {
  return selectKernels(availableBackends().includes('wasm-fma') ? 'wasm-fma' : 'wasm');
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), ['--model']);
  const modelFile = args.extra.get('--model') ?? null;
  const kernels = sobolnetKernels();
  const model = modelFile === null
    ? new Model(modelSpecOf(completeRecipe({ widths: WIDTHS }, ''), NETWORK_DEFAULTS.fanIn), kernels)
    : loadModel(modelFile, kernels).model;
  const bytes = encodeOnnx(model);
  const weights = weightBytesOf(model), dense = denseWeightBytesOf(model);
  const machine = printHeader(`ONNX export of the default network: onnxruntime-node vs sobolnet${args.quick ? ' (QUICK: few repeats, not for reporting)' : ''}`, [
    `timing: ${args.warmup} warm-up calls, then ${args.repeats} timed samples per case (each ≥ ${args.minSampleMs} ms), round-robin over the engines of a batch`,
    `model: ${modelFile ?? `${WIDTHS.join('-')}, Sobol' fan-in ${NETWORK_DEFAULTS.fanIn}, dense output layer, He init seed 1`}`,
    `sobolnet: model.forward on backend ${kernels.name}, 1 thread`,
    `onnxruntime-node ${ort.env.versions.node ?? '?'}: the exported file, intra-op threads 1 (${ORT_SESSION_DESCRIPTION})`,
  ]);

  const denseBytes = denseOnnx(model);
  const sizes = {
    onnxBytes: bytes.length, weightBytes: weights, ratio: bytes.length / weights, denseWeightBytes: dense, denseRatio: dense / weights,
    denseOnnxBytes: denseBytes?.length ?? null, denseOnnxRatio: denseBytes === null ? null : denseBytes.length / weights,
  };
  console.log(`== sizes: ONNX file ${bytes.length} bytes = ${fmtNum(sizes.ratio)}× the weight bytes (${weights}); ` +
    `with dense path layers the weights alone would be ${dense} bytes = ${fmtNum(sizes.denseRatio)}×` +
    (denseBytes === null ? '' : `, and a dense ONNX file (Gemm per layer) is ${denseBytes.length} bytes = ${fmtNum(denseBytes.length / weights)}×`) + ' ==');

  const session = await ort.InferenceSession.create(bytes, ortSessionOptions(1));
  const denseSession = denseBytes === null ? null : await ort.InferenceSession.create(denseBytes, ortSessionOptions(1));
  const rng = new Rng(20261130);
  const D = model.inputs, C = model.classes;
  const rows: Row[] = [];
  for (const B of BATCHES) {
    const x = randomArray(rng, D * B, 1);                 // sobolnet: x[D][B]
    const kx = copyInto(kernels, x);
    const xt = new Float32Array(D * B);                    // onnxruntime: x[B][D]
    for (let u = 0; u < D; u++) for (let b = 0; b < B; b++) xt[b * D + u] = x[u * B + b];
    const feeds = { [ONNX_INPUT]: new ort.Tensor('float32', xt, [B, D]) };

    const ours = model.forward(kx, B, false);              // logits[C][B]
    // session's logits[B][C] -> max |theirs - ours| / max |ours|
    const relError = async (s: ort.InferenceSession): Promise<number> => {
      const theirs = (await s.run(feeds))[ONNX_OUTPUT].data as Float32Array;
      let diff = 0, scale = 0;
      for (let c = 0; c < C; c++) {
        for (let b = 0; b < B; b++) {
          diff = Math.max(diff, Math.abs(theirs[b * C + c] - ours[c * B + b]));
          scale = Math.max(scale, Math.abs(ours[c * B + b]));
        }
      }
      return diff / scale;
    };
    const errors = new Map([['onnxruntime', await relError(session)]]);
    if (denseSession !== null) errors.set('onnxruntime-dense', await relError(denseSession));

    const cases: Case[] = [
      { key: 'sobolnet', call: () => model.forward(kx, B, false) },
      { key: 'onnxruntime', call: () => session.run(feeds) },
      ...(denseSession === null ? [] : [{ key: 'onnxruntime-dense', call: () => denseSession.run(feeds) }]),
    ];
    console.log(`== batch ${B}: ${fmtNum(2 * model.macsPerSample * B / 1e6)} MFLOP per call; logits agree to ${[...errors.values()].map((e) => e.toExponential(2)).join(' (sparse file), ')}${errors.size > 1 ? ' (dense file)' : ''} relative ==`);
    const timings = await timeCases(cases, args);
    const table: string[][] = [];
    for (const c of cases) {
      const t = timings.get(c.key)!;
      const engine = c.key === 'sobolnet' ? `sobolnet ${kernels.name} 1t` : c.key === 'onnxruntime' ? 'onnxruntime 1t' : 'onnxruntime 1t, dense file';
      const row: Row = {
        batch: B, engine, medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, callsPerSample: t.callsPerSample,
        samplesPerSecond: 1000 * B / t.medianMs, maxRelError: errors.get(c.key) ?? null,
      };
      rows.push(row);
      table.push([engine, fmtMs(t), fmtNum(row.samplesPerSecond)]);
    }
    printTable(['engine', 'ms/call median (min–max)', 'samples/s'], table);
    console.log('');
  }

  console.log('summary: samples per second (B / median time per call), same run:');
  printTable(['batch', 'sobolnet', 'onnxruntime', 'sobolnet / onnxruntime', 'onnxruntime, dense file'], BATCHES.map((B) => {
    const [ours, theirs, dense] = rows.filter((r) => r.batch === B);
    return [String(B), fmtNum(ours.samplesPerSecond), fmtNum(theirs.samplesPerSecond),
      `${fmtNum(ours.samplesPerSecond / theirs.samplesPerSecond)}×`, dense === undefined ? '-' : fmtNum(dense.samplesPerSecond)];
  }));
  await session.release();
  await denseSession?.release();

  writeResults('onnx-export', {
    bench: 'onnx-export', machine, quick: args.quick, model: modelFile, backend: kernels.name,
    timing: { repeats: args.repeats, warmup: args.warmup, minSampleMs: args.minSampleMs },
    onnxruntime: { version: ort.env.versions.node ?? null, threads: 1, allowSpinning: '0' },
    sizes, rows,
  });
}

await main();
process.exit(0);
