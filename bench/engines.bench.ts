/**
 * Dense MatMul in other engines against our layers, at batch 128.
 *
 *   npm run bench:engines [-- --quick] [-- --repeats 9 --backends wasm-threads]
 *
 * For the shapes 784→1024, 1024→1024 and 1024→10, the same run times round-robin:
 * - onnxruntime-node: a one-node ONNX MatMul model Y[128,O] = X[128,I]·W[I,O] (protobuf written by
 *   bench/lib/onnx-matmul.ts), with 1 and 2 intra-op threads; the time is that of `session.run`
 *   (input binding, native MatMul, output tensor), awaited;
 * - TensorFlow.js on its wasm backend: `tf.matMul` of the same shapes, `dataSync()` to wait;
 * - our dense forward and our path-layer forward (fan-in 32, plain Sobol', merged duplicates) on
 *   every sobolnet backend available; the fastest configuration of each is reported beside the
 *   engines, with the path layer's speed-up over onnxruntime's MatMul on 2 threads.
 *   1024→10 has no path layer (see kernels.bench.ts): its "ours" column is our dense forward.
 *
 * GFLOP/s counts 2·I·O·B FLOPs for dense, 2·E·B for the path layer. Writes bench/results/engines.json.
 */
import * as ort from 'onnxruntime-node';
import type { Kernels } from '../src/kernels/kernels.js';
import { Rng } from '../src/sequences/rng.js';
import { DEFAULT_HIDDEN_ORDER, mlpPathLayer } from './lib/mlp-path-layer.js';
import { parseBenchArgs } from './lib/args.js';
import { backendConfigs, selectorSource, loadKernels, type BackendConfig } from './lib/backends.js';
import { printHeader } from './lib/machine.js';
import { matMulModel } from './lib/onnx-matmul.js';
import { ORT_SESSION_DESCRIPTION, ortSessionOptions } from './lib/ort-session-options.js';
import { writeResults } from './lib/results.js';
import { initTfjsWasm, tf } from './lib/tfjs-wasm.js';
import { fmtMs, fmtNum, printTable, timeCases, type Case, type Timing } from './lib/timing.js';
import { copyInto, randomArray } from './lib/arrays.js';

const B = 128;
const SHAPES: readonly (readonly [number, number])[] = [[784, 1024], [1024, 1024], [1024, 10]];
const FAN_IN = 32;
const ORT_THREADS = [1, 2];
const hasPathLayer = (O: number): boolean => O >= 100;

interface EngineRow {
  shape: string; I: number; O: number; B: number; engine: string; kind: 'dense' | 'path';
  edges: number; medianMs: number; minMs: number; maxMs: number; callsPerSample: number;
  gflops: number; gflopsMin: number; gflopsMax: number;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const tfjs = await initTfjsWasm();
  const configs = backendConfigs(args.backends, args.threads);
  const machine = printHeader(`dense MatMul engines vs sobolnet layers, batch ${B}${args.quick ? ' (QUICK: few repeats, not for reporting)' : ''}`, [
    `timing: ${args.warmup} warm-up calls, then ${args.repeats} timed samples per case (each ≥ ${args.minSampleMs} ms), round-robin over the cases of a shape`,
    `onnxruntime-node ${ort.env.versions.node ?? '?'} (intra-op threads ${ORT_THREADS.join(', ')}; ${ORT_SESSION_DESCRIPTION})`,
    `TensorFlow.js ${tfjs.version}, backend ${tfjs.backend}: SIMD ${tfjs.simd ? 'on' : 'OFF'}, threads ${tfjs.threads ? 'on' : 'off'}`,
    `sobolnet backends: ${configs.map((c) => c.label).join(', ')} (from ${selectorSource}); path layers: fan-in ${FAN_IN}, plain Sobol', the pairs of the MLP 784-1024-1024-10 with hidden units ${DEFAULT_HIDDEN_ORDER}`,
  ]);

  const loaded: { config: BackendConfig; kernels: Kernels }[] = [];
  const skipped: { label: string; reason: string }[] = [];
  for (const config of configs) {
    const k = await loadKernels(config);
    if (typeof k === 'string') skipped.push({ label: config.label, reason: k });
    else loaded.push({ config, kernels: k });
  }
  for (const s of skipped) console.log(`${s.label}: not available here (${s.reason}); skipped`);

  const rng = new Rng(20261126);
  const rows: EngineRow[] = [];
  const summary: string[][] = [];
  const summaryJson: unknown[] = [];
  for (const [I, O] of SHAPES) {
    const shape = `${I}→${O}`;
    const x = randomArray(rng, B * I, 1);            // [B][I] for the engines, [I][B] for us (same values, the layout does not change the time)
    const wDense = randomArray(rng, I * O, 1 / Math.sqrt(I));
    const cases: Case[] = [];
    const meta = new Map<string, { engine: string; kind: 'dense' | 'path'; edges: number }>();
    const add = (key: string, engine: string, kind: 'dense' | 'path', edges: number, call: () => unknown): void => {
      cases.push({ key, call });
      meta.set(key, { engine, kind, edges });
    };

    const sessions: ort.InferenceSession[] = [];
    const model = matMulModel(B, I, O, wDense);   // W as [I][O] row-major: the values' arrangement does not matter here
    for (const threads of ORT_THREADS) {
      const session = await ort.InferenceSession.create(model, ortSessionOptions(threads));
      sessions.push(session);
      const feeds = { X: new ort.Tensor('float32', x, [B, I]) };
      add(`ort/${threads}`, `onnxruntime ${threads}t`, 'dense', I * O, () => session.run(feeds));
    }

    const tx = tf.tensor2d(x, [B, I]);
    const tw = tf.tensor2d(wDense, [I, O]);
    add('tfjs', 'tfjs-wasm', 'dense', I * O, () => {
      const y = tf.matMul(tx, tw);
      y.dataSync();
      y.dispose();
    });

    const index = hasPathLayer(O) ? mlpPathLayer(I, O, FAN_IN) : null;
    const wPath = index ? randomArray(rng, index.sources.length, 1 / Math.sqrt(FAN_IN)) : null;
    const bias = randomArray(rng, O, 0.1);
    for (const { config, kernels: k } of loaded) {
      const kx = copyInto(k, x), kb = copyInto(k, bias), y = k.alloc('f32', O * B);
      const kw = copyInto(k, wDense);
      add(`dense/${config.label}`, `sobolnet dense ${config.label}`, 'dense', I * O, () => k.denseForward(y, kx, kw, kb, I, O, B));
      if (index && wPath) {
        const kwp = copyInto(k, wPath);
        add(`path/${config.label}`, `sobolnet path K=${FAN_IN} ${config.label}`, 'path', index.sources.length,
          () => k.sparseForward(y, kx, kwp, kb, index, B));
      }
    }

    console.log(`== ${shape}: dense ${fmtNum(2 * I * O * B / 1e6)} MFLOP, ${fmtNum(4 * (I * O + B * I + B * O) / 1e3)} KB per call` +
      (index ? `; path K=${FAN_IN}: E = ${index.sources.length} edges (${(100 * index.sources.length / (I * O)).toFixed(1)}%), ` +
        `${fmtNum(2 * index.sources.length * B / 1e6)} MFLOP, ${fmtNum((8 * index.sources.length + 4 * (B * I + B * O)) / 1e3)} KB per call` : '') + ' ==');
    const timings = await timeCases(cases, args);
    const table: string[][] = [];
    for (const c of cases) {
      const t = timings.get(c.key)!, m = meta.get(c.key)!;
      const flop = 2 * m.edges * B;
      const row: EngineRow = {
        shape, I, O, B, engine: m.engine, kind: m.kind, edges: m.edges,
        medianMs: t.medianMs, minMs: t.minMs, maxMs: t.maxMs, callsPerSample: t.callsPerSample,
        gflops: flop / t.medianMs / 1e6, gflopsMin: flop / t.maxMs / 1e6, gflopsMax: flop / t.minMs / 1e6,
      };
      rows.push(row);
      table.push([m.engine, m.kind, fmtMs(t), fmtNum(row.gflops), `${fmtNum(row.gflopsMin)}–${fmtNum(row.gflopsMax)}`]);
    }
    printTable(['engine', 'kind', 'ms/call median (min–max)', 'GFLOP/s', 'GFLOP/s range'], table);
    console.log('');

    const fastest = (prefix: string): { key: string; t: Timing } | null => {
      let best: { key: string; t: Timing } | null = null;
      for (const c of cases) {
        if (!c.key.startsWith(prefix)) continue;
        const t = timings.get(c.key)!;
        if (!best || t.medianMs < best.t.medianMs) best = { key: c.key, t };
      }
      return best;
    };
    const ort1 = timings.get('ort/1')!, ort2 = timings.get('ort/2')!, tfw = timings.get('tfjs')!;
    const ours = fastest('path/') ?? fastest('dense/');
    const oursDense = fastest('dense/');
    const g = (edges: number, t: Timing): string => fmtNum(2 * edges * B / t.medianMs / 1e6);
    if (ours && oursDense) {
      const om = meta.get(ours.key)!;
      summary.push([shape, `${fmtNum(ort1.medianMs)} / ${g(I * O, ort1)}`, `${fmtNum(ort2.medianMs)} / ${g(I * O, ort2)}`,
        `${fmtNum(tfw.medianMs)} / ${g(I * O, tfw)}`, `${fmtNum(oursDense.t.medianMs)} (${oursDense.key.slice(6)})`,
        `${om.kind === 'path' ? '' : 'dense '}${fmtNum(ours.t.medianMs)} (${ours.key.replace(/^(path|dense)\//, '')})`,
        `${fmtNum(ort2.medianMs / ours.t.medianMs)}×`, `${fmtNum(tfw.medianMs / ours.t.medianMs)}×`]);
      summaryJson.push({
        shape, ortMs1: ort1.medianMs, ortMs2: ort2.medianMs, tfjsMs: tfw.medianMs,
        oursDenseMs: oursDense.t.medianMs, oursDenseConfig: oursDense.key.slice(6),
        oursKind: om.kind, oursMs: ours.t.medianMs, oursConfig: ours.key.replace(/^(path|dense)\//, ''), oursEdges: om.edges,
        speedupOverOrt2: ort2.medianMs / ours.t.medianMs, speedupOverTfjs: tfw.medianMs / ours.t.medianMs,
      });
    }
    tx.dispose();
    tw.dispose();
    for (const s of sessions) await s.release();
  }

  console.log(`summary: ms per call / GFLOP/s; "ours" = fastest sobolnet configuration of the path layer (fan-in ${FAN_IN}),`);
  console.log('dense where there is no path layer; speed-ups are time ratios of medians from the same run:');
  printTable(['shape', 'ORT 1t ms / GF/s', 'ORT 2t ms / GF/s', 'tfjs-wasm ms / GF/s', 'our dense ms', 'ours ms', 'vs ORT 2t', 'vs tfjs'], summary);

  writeResults('engines', {
    bench: 'engines', machine, quick: args.quick, batch: B, fanIn: FAN_IN,
    timing: { repeats: args.repeats, warmup: args.warmup, minSampleMs: args.minSampleMs },
    tfjs, onnxruntime: { version: ort.env.versions.node ?? null, threads: ORT_THREADS, allowSpinning: '0' },
    skipped, rows, summary: summaryJson,
  });
}

await main();
process.exit(0);   // a threaded backend's workers must not keep the process alive
