/**
 * The training worker: the browser's wasm backend (threads where the page is cross-origin isolated,
 * one thread otherwise), MNIST from the page's own server, and the current model. Training is a
 * TrainingRun advanced `chunk` batches per turn of the worker's event loop, so that pause, stop,
 * predict and save messages are answered between chunks while a run goes on.
 */
import {
  ADAM_DEFAULTS, COSINE_DEFAULTS, DEFAULT_LEARNING_RATES, Model, TrainingRun, createBrowserKernels, decodeModel, encodeModel,
  evaluate, fillBatch, hilbertPixelOrder, idxDataset, reorderPixels, shuffledPixelOrder, type BrowserKernels, type ChannelNormalization,
  type DataSplit, type Dataset, type Floats, type MlpSpec, type ModelMeta,
} from '../../src/index.js';
import type { FromWorker, RunSettings, ToWorker } from './protocol.js';

interface WorkerScope {
  onmessage: ((event: { data: ToWorker }) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  location: { href: string };
}
const scope = globalThis as unknown as WorkerScope;
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

/** The MNIST IDX files that scripts/prepare-web-data.ts writes into web/public/mnist. */
const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

let backend: BrowserKernels | null = null;
let model: Model | null = null;
let input: Floats | null = null;   // a batch-1 input in the kernels' memory, for predictions
let data: Promise<DataSplit> | null = null;
/** How the current model's training read its pixels; models trained here read raster order, pixel / 255. */
let reading: InputReading = { order: null };
type State = 'idle' | 'running' | 'paused' | 'stopping';
let state: State = 'idle';
/** The state as pause and stop messages leave it between chunks (read through a call, which TypeScript does not narrow). */
const now = (): State => state;
let resume: (() => void) | null = null;

async function fetchBytes(file: string): Promise<Uint8Array> {
  const url = new URL(`/mnist/${file}`, scope.location.href);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status} (run npm run web, which prepares the MNIST files)`);
  return new Uint8Array(await response.arrayBuffer());
}

function mnist(): Promise<DataSplit> {
  // a failed download is not kept: the next run fetches again
  data ??= Promise.all(MNIST_FILES.map(fetchBytes)).then(([trainImages, trainLabels, testImages, testLabels]) => ({
    train: idxDataset('mnist/train', trainImages, trainLabels, 10),
    test: idxDataset('mnist/test', testImages, testLabels, 10),
  })).catch((e: unknown) => {
    data = null;
    throw e;
  });
  return data;
}

/**
 * Fresh kernels for each new model: a wasm memory never frees, so replacing a model in the same
 * kernels would grow it with every run; closing them returns everything at once.
 */
async function freshKernels(): Promise<BrowserKernels> {
  backend?.kernels.close();
  model = null;
  backend = await createBrowserKernels({ threads: 2 });
  post({ type: 'ready', kernels: backend.kernels.name, threads: backend.threads, reason: backend.singleThreadReason });
  return backend;
}

function adopt(next: Model): void {
  model = next;
  input = next.kernels.alloc(next.precision, next.inputs);
}

/** A model file's input order and normalisation, from its meta as `sobolnet train` records them (src/cli/model-data.ts). */
interface InputReading { readonly order: Int32Array | null; readonly normalization?: ChannelNormalization }

function readingOf(meta: ModelMeta): InputReading {
  const seed = (meta.train as { seed?: unknown } | undefined)?.seed;
  const order = meta.inputOrder === 'hilbert' ? hilbertPixelOrder(28, 28)
    : meta.inputOrder === 'shuffled' && typeof seed === 'number' ? shuffledPixelOrder(28 * 28, seed) : null;
  if (meta.inputOrder === 'shuffled' && order === null) throw new Error('the model file records a shuffled input order but no seed');
  const norm = meta.normalization as ChannelNormalization | undefined;
  return norm === undefined ? { order } : { order, normalization: norm };
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function trainModel(spec: MlpSpec, run: RunSettings): Promise<void> {
  state = 'running';
  const split = await mnist();
  const { kernels } = await freshKernels();
  adopt(new Model(spec, kernels));
  reading = { order: null };
  let step = 0;
  const training = new TrainingRun(model!, split, {
    epochs: run.epochs, batchSize: run.batchSize, learningRate: DEFAULT_LEARNING_RATES.adam, seed: run.seed,
    optimizer: { kind: 'adam', ...ADAM_DEFAULTS, weightDecay: 0 }, schedule: { kind: 'cosine', ...COSINE_DEFAULTS },
    ...(run.limit === undefined ? {} : { limit: run.limit }),
  }, {
    onBatch: (p) => {
      step++;
      if (step % run.chunk === 0 || p.batch === p.batches) {
        post({ type: 'progress', progress: { step, steps: p.batches * run.epochs, epoch: p.epoch, loss: p.loss, accuracy: p.accuracy, samplesPerSecond: p.samplesPerSecond } });
      }
    },
    onEpoch: (report) => {
      if (report.epoch + 1 < run.epochs) post({ type: 'epoch', epoch: report.epoch, testAccuracy: evaluate(model!, split.test).accuracy });
    },
  });
  while (!training.done && now() !== 'stopping') {
    training.advance(run.chunk);
    await yieldTurn();
    while (now() === 'paused') await new Promise<void>((resolve) => { resume = resolve; });
  }
  const stopped = !training.done;
  const testAccuracy = stopped ? evaluate(model!, split.test).accuracy : training.finish().test.accuracy;
  state = 'idle';
  post({ type: 'finished', stopped, testAccuracy });
}

/**
 * Softmax of the model's logits for one 28×28 image of bytes, read as its training read MNIST:
 * in its input order, as pixel / 255 or normalised, through the same fillBatch.
 */
function predict(pixels: Uint8Array): number[] {
  if (model === null || input === null) throw new Error('no model yet: train one or load a model file');
  if (pixels.length !== model.inputs) throw new Error(`the model takes ${model.inputs} inputs, the image has ${pixels.length} pixels`);
  let image: Dataset = { name: 'the drawing', count: 1, features: pixels.length, classes: model.classes, shape: [28, 28], pixels,
    labels: new Uint8Array(1), ...(reading.normalization === undefined ? {} : { normalization: reading.normalization }) };
  if (reading.order !== null) image = reorderPixels(image, reading.order);
  fillBatch(input, new Int32Array(1), image, Int32Array.of(0), 0, 1, null, model.kernels);
  const logits = Array.from(model.forward(input, 1, false));
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

async function answer(message: ToWorker & { id: number }): Promise<unknown> {
  switch (message.type) {
    case 'predict': return predict(message.pixels);
    case 'save':
      if (model === null) throw new Error('no model to save yet: train one or load a model file');
      return encodeModel(model, { dataset: 'mnist', source: 'sobolnet web demo' });
    case 'load': {
      if (state !== 'idle') throw new Error('stop the training run before loading a model file');
      const { kernels } = await freshKernels();
      const decoded = decodeModel(message.bytes, kernels, message.name);
      reading = readingOf(decoded.meta);
      adopt(decoded.model);
      return { spec: decoded.model.spec, meta: decoded.meta };
    }
    case 'evaluate':
      if (model === null) throw new Error('no model to evaluate yet');
      return evaluate(model, (await mnist()).test).accuracy;
  }
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'train':
      if (state !== 'idle') return post({ type: 'error', message: 'a training run is going on: stop it first' });
      trainModel(message.spec, message.run).catch((e: unknown) => {
        state = 'idle';
        post({ type: 'error', message: messageOf(e) });
        post({ type: 'finished', stopped: true, testAccuracy: null });
      });
      return;
    case 'pause':
      if (state === 'running') { state = 'paused'; post({ type: 'paused', paused: true }); }
      return;
    case 'resume':
      if (state === 'paused') { state = 'running'; resume?.(); post({ type: 'paused', paused: false }); }
      return;
    case 'stop':
      if (state === 'running' || state === 'paused') { state = 'stopping'; resume?.(); }
      return;
    default:
      answer(message).then((value) => post({ type: 'reply', id: message.id, value }),
        (e: unknown) => post({ type: 'error', id: message.id, message: messageOf(e) }));
  }
};

// The backend is chosen at start, so that the page can say at once whether training gets threads.
freshKernels().catch((e: unknown) => post({ type: 'error', message: messageOf(e) }));
