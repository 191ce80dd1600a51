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
 * Throughput is B / median time per call, in samples per second. Before timing, the logits of the
 * two engines are compared on the same batch (max |onnx - sobolnet| / max |sobolnet|).
 *
 * Sizes: the ONNX file, the weight bytes (4 per stored float: edges, biases, dense weights), their
 * ratio, and the weight bytes of the same network with its path layers dense (what a dense export
 * would hold). Writes bench/results/onnx-export.json.
 */
import * as ort from 'onnxruntime-node';
import { completeRecipe, modelSpecOf, NETWORK_DEFAULTS } from '../src/experiment/run-recipe.js';
import { encodeOnnx, ONNX_INPUT, ONNX_OUTPUT } from '../src/export/onnx/encode-onnx.js';
import { denseWeightBytesOf, weightBytesOf } from '../src/export/weight-bytes.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { availableBackends, selectKernels } from '../src/kernels/node/select-kernels.js';
import { loadModel } from '../src/model/node/model-io.js';
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

  const sizes = { onnxBytes: bytes.length, weightBytes: weights, ratio: bytes.length / weights, denseWeightBytes: dense, denseRatio: dense / weights };
  console.log(`== sizes: ONNX file ${bytes.length} bytes = ${fmtNum(sizes.ratio)}× the weight bytes (${weights}); ` +
    `with dense path layers the weights alone would be ${dense} bytes = ${fmtNum(sizes.denseRatio)}× ==`);

  const session = await ort.InferenceSession.create(bytes, ortSessionOptions(1));
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
    const theirs = (await session.run(feeds))[ONNX_OUTPUT].data as Float32Array;   // logits[B][C]
    let diff = 0, scale = 0;
    for (let c = 0; c < C; c++) {
      for (let b = 0; b < B; b++) {
        diff = Math.max(diff, Math.abs(theirs[b * C + c] - ours[c * B + b]));
        scale = Math.max(scale, Math.abs(ours[c * B + b]));
      }
    }

    const cases: Case[] = [
      { key: 'sobolnet', call: () => model.forward(kx, B, false) },
      { key: 'onnxruntime', call: () => session.run(feeds) },
    ];
    console.log(`== batch ${B}: ${fmtNum(2 * model.macsPerSample * B / 1e6)} MFLOP per call; logits agree to ${(diff / scale).toExponential(2)} relative ==`);
    const timings = await timeCases(cases, args);
    const table: string[][] = [];
    for (const c of cases) {
      const t = timings.get(c.key)!;
      const engine = c.key === 'sobolnet' ? `sobolnet ${kernels.name} 1t` : 'onnxruntime 1t';
      const row: Row = {
        batch: B, engine, medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, callsPerSample: t.callsPerSample,
        samplesPerSecond: 1000 * B / t.medianMs, maxRelError: c.key === 'sobolnet' ? null : diff / scale,
      };
      rows.push(row);
      table.push([engine, fmtMs(t), fmtNum(row.samplesPerSecond)]);
    }
    printTable(['engine', 'ms/call median (min–max)', 'samples/s'], table);
    console.log('');
  }

  console.log('summary: samples per second (B / median time per call), same run:');
  printTable(['batch', 'sobolnet', 'onnxruntime', 'sobolnet / onnxruntime'], BATCHES.map((B) => {
    const [ours, theirs] = rows.filter((r) => r.batch === B);
    return [String(B), fmtNum(ours.samplesPerSecond), fmtNum(theirs.samplesPerSecond), `${fmtNum(ours.samplesPerSecond / theirs.samplesPerSecond)}×`];
  }));
  await session.release();

  writeResults('onnx-export', {
    bench: 'onnx-export', machine, quick: args.quick, model: modelFile, backend: kernels.name,
    timing: { repeats: args.repeats, warmup: args.warmup, minSampleMs: args.minSampleMs },
    onnxruntime: { version: ort.env.versions.node ?? null, threads: 1, allowSpinning: '0' },
    sizes, rows,
  });
}

await main();
process.exit(0);
