/**
 * The demo page: wires the panels (network picker, path drawing, training, digit pad, model files)
 * to the training worker. Its state is also published as `globalThis.sobolnetDemo`, which the
 * browser tests (test/browser/demo.test.ts) read: what was drawn, how training went, what the
 * last drawn digit looked like to the model and what it answered.
 */
import { buildTopology, formatStatsTable, topologySpecOf, topologyStats, type MlpSpec } from '../../src/index.js';
import { drawDegreeHistograms } from './degree-histograms.js';
import { setUpDigitPad } from './digit-pad.js';
import { drawChart, type Series } from './line-chart.js';
import { loadModelFile, saveModelFile } from './model-files.js';
import { readSpec, setUpPicker } from './network-picker.js';
import { drawPaths } from './path-drawing.js';
import type { DemoState, RunSettings } from './protocol.js';
import { WorkerClient } from './worker-client.js';

const demo: DemoState = {
  backend: null, crossOriginIsolated: globalThis.crossOriginIsolated, drawing: null, training: 'idle', testAccuracy: null,
  lastProgress: null, image: null, probabilities: null, loaded: null, errors: [],
};
(globalThis as unknown as { sobolnetDemo: DemoState }).sobolnetDemo = demo;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const worker = new WorkerClient();
const showError = (where: string, e: unknown): void => {
  const message = e instanceof Error ? e.message : String(e);
  demo.errors.push(message);
  $(where).textContent = message;
};

// --- network picker and path drawing ---
function redraw(): void {
  $('picker-error').textContent = '';
  try {
    const spec = topologySpecOf(readSpec());
    if (spec === null) throw new Error('the network has no path layer to draw');
    const drawn = drawPaths($('paths'), spec, Number($<HTMLInputElement>('block').value) | 0);
    demo.drawing = { paths: drawn.paths, drawn: drawn.drawn };
    $('paths-caption').textContent = drawn.drawn === drawn.paths ? `all ${drawn.paths} paths`
      : `a sample of ${drawn.drawn} of ${drawn.paths} paths (one in ${Math.ceil(drawn.paths / drawn.drawn)})`;
    $('paths-caption').textContent += `; red: permutation block of ${drawn.blockSize} paths`;
    const topology = buildTopology(spec);
    drawDegreeHistograms($('degrees'), topology);
    $('stats').textContent = formatStatsTable(topologyStats(topology));
  } catch (e) {
    showError('picker-error', e);
  }
}
setUpPicker(redraw);
$('block').addEventListener('change', redraw);
redraw();

// --- training ---
const series: Series[] = [];
let steps = 1;
const trainButton = $<HTMLButtonElement>('train'), pauseButton = $<HTMLButtonElement>('pause'), stopButton = $<HTMLButtonElement>('stop');
const status = (text: string): void => { $('training-status').textContent = text; };

function runSettings(): RunSettings {
  const epochs = Number($<HTMLInputElement>('epochs').value), batchSize = Number($<HTMLInputElement>('batch').value);
  const limit = Number($<HTMLInputElement>('limit').value);
  return { epochs, batchSize, chunk: 4, seed: Number($<HTMLInputElement>('seed').value) | 0, ...(limit < 60000 ? { limit } : {}) };
}

trainButton.addEventListener('click', () => {
  let spec: MlpSpec;
  try { spec = readSpec(); } catch (e) { return showError('training-status', e); }
  series.length = 0;
  series.push({ label: 'loss', color: '#d04a4a', axis: 'loss', points: [] },
    { label: 'training accuracy', color: '#4a7bd0', axis: 'accuracy', points: [] },
    { label: 'test accuracy', color: '#2a9a4a', axis: 'accuracy', points: [] });
  demo.training = 'running';
  demo.testAccuracy = null;
  demo.lastProgress = null;
  trainButton.disabled = true;
  pauseButton.disabled = stopButton.disabled = false;
  pauseButton.textContent = 'pause';
  status('loading MNIST…');
  worker.send({ type: 'train', spec, run: runSettings() });
});
pauseButton.addEventListener('click', () => worker.send({ type: demo.training === 'paused' ? 'resume' : 'pause' }));
stopButton.addEventListener('click', () => worker.send({ type: 'stop' }));

worker.listen((message) => {
  switch (message.type) {
    case 'ready':
      demo.backend = { kernels: message.kernels, threads: message.threads, reason: message.reason };
      $('backend').textContent = `Kernels: ${message.kernels}` + (message.reason === null ? '' : ` (${message.reason})`);
      return;
    case 'progress': {
      const p = message.progress;
      demo.lastProgress = p;
      steps = p.steps;
      series[0].points.push([p.step, p.loss]);
      series[1].points.push([p.step, p.accuracy]);
      drawChart($('chart'), series, steps);
      status(`epoch ${p.epoch + 1}, step ${p.step} of ${p.steps}: loss ${p.loss.toFixed(3)}, training accuracy ` +
        `${(100 * p.accuracy).toFixed(1)} %, ${Math.round(p.samplesPerSecond).toLocaleString('en')} samples/s`);
      return;
    }
    case 'epoch':
      series[2].points.push([demo.lastProgress?.step ?? 0, message.testAccuracy]);
      drawChart($('chart'), series, steps);
      return;
    case 'paused':
      demo.training = message.paused ? 'paused' : 'running';
      pauseButton.textContent = message.paused ? 'resume' : 'pause';
      if (message.paused) status(`${$('training-status').textContent ?? ''} (paused)`);
      return;
    case 'finished':
      demo.training = 'finished';
      demo.testAccuracy = message.testAccuracy;
      trainButton.disabled = false;
      pauseButton.disabled = stopButton.disabled = true;
      if (message.testAccuracy !== null) {
        series[2]?.points.push([demo.lastProgress?.step ?? 0, message.testAccuracy]);
        if (series.length > 0) drawChart($('chart'), series, steps);
        status(`${message.stopped ? 'stopped' : 'done'}: test accuracy ${(100 * message.testAccuracy).toFixed(2)} %` +
          (demo.lastProgress ? `, ${Math.round(demo.lastProgress.samplesPerSecond).toLocaleString('en')} samples/s` : ''));
      }
      return;
    case 'error':
      showError('training-status', message.message);
      return;
  }
});

// --- classification ---
function showProbabilities(p: number[]): void {
  const best = p.indexOf(Math.max(...p));
  $('probabilities').replaceChildren(...p.map((v, c) => {
    const row = document.createElement('div');
    row.className = c === best ? 'prob best' : 'prob';
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.round(160 * v)}px`;
    row.append(`${c} ${(100 * v).toFixed(1).padStart(5)} %`, bar);
    return row;
  }));
}
const pad = setUpDigitPad($('pad'), $('preview'), (image) => {
  demo.image = Array.from(image);
  demo.probabilities = null;
  worker.request<number[]>({ type: 'predict', pixels: image })
    .then((p) => { demo.probabilities = p; showProbabilities(p); })
    .catch((e: unknown) => showError('probabilities', e));
});
$('clear').addEventListener('click', () => { pad.clear(); $('probabilities').replaceChildren(); });

// --- model files ---
$('save').addEventListener('click', () => {
  saveModelFile(worker).then((bytes) => { $('files-status').textContent = `saved ${bytes.length.toLocaleString('en')} bytes`; },
    (e: unknown) => showError('files-status', e));
});
$<HTMLInputElement>('load').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  loadModelFile(worker, file).then(({ spec, meta }) => {
    demo.loaded = { spec };
    const accuracy = typeof meta.testAccuracy === 'number' ? `, test accuracy ${(100 * meta.testAccuracy).toFixed(2)} % when saved` : '';
    $('files-status').textContent = `loaded ${file.name}: ${spec.widths.join('-')}${accuracy}`;
    $('training-status').textContent = `model from ${file.name}`;
  }, (e: unknown) => showError('files-status', e));
});
