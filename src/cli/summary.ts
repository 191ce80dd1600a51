/**
 * The closing summary of `sobolnet train`: samples trained and held out, validation and test
 * accuracy, size and cost against the dense counterpart. "weights" are linear weights, biases
 * excluded, as in the experiment tables (WEIGHTS_MEANING).
 */
import type { DataSplit } from '../data/dataset.js';
import { linearWeightCount, WEIGHTS_MEANING } from '../experiment/run-record.js';
import { shapeText } from '../model/layer-spec.js';
import { denseCost } from '../model/model-cost.js';
import { isGraphSpec } from '../model/model-spec.js';
import type { Model } from '../model/model.js';
import { denseBlocks } from '../kernels/dense-blocks.js';
import type { TrainResult } from '../train/trainer.js';

export interface SummaryInput {
  readonly model: Model;
  readonly data: DataSplit;
  readonly result: TrainResult;
  /** How the inputs were prepared: normalisation and augmentation. */
  readonly input: string;
  readonly seconds: number;
  readonly out: string | null;
}

function describeNetwork(model: Model): string {
  const s = model.spec;
  const shape = isGraphSpec(s) ? `graph of ${s.layers.length} layers on ${shapeText(s.input)}` : s.widths.join('-');
  if (!s.paths) return `${shape}, dense`;
  const p = s.paths.paths;
  const count = 'fanIn' in p ? `fan-in ${p.fanIn}` : 'total' in p ? `${p.total} paths`
    : 'fraction' in p ? `channel fan-in ${p.fraction} of the inputs` : `${p.perLayer.join('/')} paths per layer pair`;
  const seed = 'seed' in s.paths.source ? ` (seed ${s.paths.source.seed})` : '';
  const mlp = isGraphSpec(s) ? '' : `, ${s.outputLayer} output layer` + (s.batchNorm ? ', batch norm' : '');
  return `${shape}, ${s.paths.source.kind}${seed} paths, ${count}${mlp}, init ${s.init.kind}`;
}

/**
 * Per path layer pair of an MLP, its dense blocks (kernels/dense-blocks.ts), which the wasm backends
 * run on the block kernels, or "gather" where the pair has none; null for other models.
 */
function describeLayout(model: Model): string | null {
  if (isGraphSpec(model.spec) || !model.topology) return null;
  return model.topology.layers.map((c, l) => {
    const b = denseBlocks(c);
    return `${l}-${l + 1} ${b === null ? 'gather (no dense blocks)' : `${b.count} dense blocks of ${b.targetsPerBlock}×${b.fanIn}`}`;
  }).join(', ');
}

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60), s = seconds - 60 * m;
  return m > 0 ? `${m} min ${s.toFixed(0)} s` : `${s.toFixed(1)} s`;
}

export function printSummary({ model, data, result, input, seconds, out }: SummaryInput): void {
  const reports = result.epochs;
  const dense = denseCost(model.spec);
  const weights = linearWeightCount(model);
  const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(2)} %`;
  const densities = model.topology
    ? model.topology.layers.map((c) => pct(c.edges, c.inputs * c.outputs)).join(' / ')
    : '100 % (dense)';
  const layout = describeLayout(model);
  const trainSeconds = reports.reduce((t, r) => t + r.seconds, 0);
  const samples = reports.reduce((n, r) => n + r.samplesPerSecond * r.seconds, 0);
  const rows: [string, string][] = [
    ['dataset', `${data.train.name.split('/')[0]}: ${result.trainSamples} of ${data.train.count} samples trained, ` +
      `${data.validation?.count ?? 0} held out for validation, ${data.test.count} test`],
    ['input', input],
    ['network', describeNetwork(model)],
    ['backend', model.kernels.name],
    ['validation accuracy', result.validation
      ? `${(100 * result.validation.accuracy).toFixed(2)} %  (loss ${result.validation.loss.toFixed(4)})` : 'none (--validation 0)'],
    ['test accuracy', `${(100 * result.test.accuracy).toFixed(2)} %  (loss ${result.test.loss.toFixed(4)})`],
    ['weights', `${weights.toLocaleString('en-US')}  = ${pct(weights, dense.weights)} of dense ` +
      `${dense.weights.toLocaleString('en-US')}  (${WEIGHTS_MEANING})`],
    ['parameters', `${model.parameterCount.toLocaleString('en-US')}  = ${pct(model.parameterCount, dense.parameters)} of dense ` +
      `${dense.parameters.toLocaleString('en-US')}  (with biases and any batch norm)`],
    ['path density', densities],
    ...(layout === null ? [] : [['path layout', layout] as [string, string]]),
    ['MACs/sample', `${model.macsPerSample.toLocaleString('en-US')}  vs dense ${dense.macsPerSample.toLocaleString('en-US')}  (${(dense.macsPerSample / model.macsPerSample).toFixed(1)}× fewer)`],
    ['time', `${formatDuration(seconds)} in all, ${formatDuration(trainSeconds)} training, ${Math.round(samples / trainSeconds)} samples/s`],
  ];
  if (out) rows.push(['model', out]);
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
}
