/**
 * What a model costs in memory before anything is allocated, from its spec alone: weights,
 * gradients, optimiser state, the path layers' index arrays (gather and transpose), and the
 * activations of a training batch (forward and backward) and of an evaluation batch (forward).
 * Everything is counted the way the layers, the trainer and the evaluation allocate it, so a
 * bump allocator (the wasm arena, which never frees a float block) ends up holding exactly the
 * `kernelBytes`; a backend on the JavaScript heap frees the outgrown buffers, so there it is an
 * upper bound. A path layer's edges are bounded by its path count (duplicates merged can only
 * lower it), so the estimate is exact for `duplicates: keep` and an upper bound otherwise.
 *
 * Shape legend: B training batch, Be evaluation batch, I inputs, O outputs, E edges, U units.
 */
import { check } from '../core/errors.js';
import type { Precision } from '../core/floats.js';
import { graphTopologySpec, placedLayers, type GraphSpec } from './graph-spec.js';
import { unitsOf } from './layer-spec.js';
import { isGraphSpec, linearLayerPaths, pathLayerCount, type MlpSpec, type ModelSpec } from './model-spec.js';
import { pathsOfPair, resolveTopologySpec } from '../topology/resolve-spec.js';

/** The shape of a model and of its training, all the estimate needs. */
export interface MemoryLayout {
  /** All widths, input first. [L+1] */
  readonly widths: readonly number[];
  /** Weights of each linear layer: the edges of a path layer, I × O of a dense one. [L] */
  readonly weights: readonly number[];
  /** How many leading linear layers are path layers (their weights are edges with an index). */
  readonly pathLayers: number;
  readonly batchNorm: boolean;
  readonly optimizer: 'adam' | 'sgd';
  /** B: the training batch. */
  readonly batch: number;
  /** Be: the evaluation batch (evaluate's batchSize). */
  readonly evalBatch: number;
  readonly precision?: Precision;
}

/** Bytes by kind, and the longest single array in elements. */
export interface MemoryEstimate {
  /** Weights, biases and batch-norm parameters, statistics and scratch. */
  readonly parameters: number;
  readonly gradients: number;
  /** Momentum (sgd) or the two moments (adam). */
  readonly optimizer: number;
  /** Layer outputs and input gradients of a training batch, outputs of an evaluation batch, the input batches and loss gradients. */
  readonly activations: number;
  /** Every array above: what the kernels allocate (`Kernels.alloc`). */
  readonly kernelBytes: number;
  /** Gather and transpose index arrays of the path layers (Int32, JavaScript heap). */
  readonly indexBytes: number;
  /** The copy of the index a wasm backend keeps in its memory, with its transposed-weight scratch (4 words per edge). */
  readonly wasmIndexBytes: number;
  /** Elements of the longest single array. */
  readonly largestArray: number;
}

/** The layout of a model spec trained with `batch`, evaluated with `evalBatch`, by `optimizer`. */
export function memoryLayoutOf(spec: MlpSpec, train: { batch: number; evalBatch: number; optimizer: 'adam' | 'sgd' },
  precision: Precision = 'f32'): MemoryLayout {
  const w = spec.widths;
  const { topology, paths } = linearLayerPaths(spec);
  const weights = paths.map((P, l) => {
    const dense = w[l] * w[l + 1];
    return P === null ? dense : topology?.duplicates === 'keep' ? P : Math.min(P, dense);
  });
  return { widths: w, weights, pathLayers: pathLayerCount(spec), batchNorm: spec.batchNorm, ...train, precision };
}

/** The bytes of `m`, by kind. */
export function estimateMemory(m: MemoryLayout): MemoryEstimate {
  const f = m.precision === 'f64' ? 8 : 4;
  const { widths: w, batch: B, evalBatch: Be } = m;
  const L = w.length - 1;
  // An evaluation batch larger than the training one grows every forward buffer once.
  const grown = Be > B ? Be : 0;
  let params = 0, state = 0, act = 0, index = 0, wasmIndex = 0, largest = 0;
  const array = (n: number): number => { largest = Math.max(largest, n); return n; };
  for (let l = 0; l < L; l++) {
    const I = w[l], O = w[l + 1], E = m.weights[l];
    params += array(E) + O;
    // y[O,B] (and [O,Be]); dx[I,B] except for the first layer, whose input is data.
    act += array(O * B) + array(O * grown) + (l === 0 ? 0 : array(I * B));
    if (l < m.pathLayers) {
      index += (O + 1) + (I + 1) + 3 * E; // targetOffsets, sourceOffsets; sources, targets, edgeOf
      wasmIndex += (O + 1) + (I + 1) + 4 * E; // the same, and the transposed weights
    }
    if (l === L - 1) break;
    if (m.batchNorm) {
      params += 2 * O; // gamma, beta
      state += 4 * O; // running mean and variance, batch mean and 1/std
      act += 3 * O * B + 2 * O * grown; // y, xhat, dx; y and xhat again for evaluation
    }
    // The ReLU's own y (and y for evaluation) only after batch norm: after a linear layer it is fused
    // into it, and its gradient always into the next linear layer (model/fuse-relu.ts), no dx.
    if (m.batchNorm) act += O * B + O * grown;
  }
  const D = w[0], C = w[L];
  act += array(D * B) + C * B + array(D * Be) + C * Be; // input batch and loss gradient, training and evaluation
  return inBytes({ params, state, act, index, wasmIndex, largest }, m.optimizer, f);
}

/** Scalars counted by kind -> the estimate in bytes of `f` per float (index words are 4 bytes). */
function inBytes(n: { params: number; state: number; act: number; index: number; wasmIndex: number; largest: number },
  optimizerKind: 'adam' | 'sgd', f: number): MemoryEstimate {
  const optimizer = (optimizerKind === 'adam' ? 2 : 1) * n.params * f;
  const parameters = (n.params + n.state) * f, gradients = n.params * f, activations = n.act * f;
  return {
    parameters, gradients, optimizer, activations, kernelBytes: parameters + gradients + optimizer + activations,
    indexBytes: 4 * n.index, wasmIndexBytes: 4 * n.wasmIndex, largestArray: n.largest,
  };
}

/** Training shape for an estimate. */
export interface TrainShape {
  readonly batch: number;
  readonly evalBatch: number;
  readonly optimizer: 'adam' | 'sgd';
}

/** The estimate of any model spec: exact for an MLP (estimateMemory), an upper bound for a graph (estimateGraphMemory). */
export function estimateModelMemory(spec: ModelSpec, train: TrainShape, precision: Precision = 'f32'): MemoryEstimate {
  return isGraphSpec(spec) ? estimateGraphMemory(spec, train, precision) : estimateMemory(memoryLayoutOf(spec, train, precision));
}

/**
 * An upper bound on the memory of a graph model: per layer its parameters (a path layer's edges
 * bounded by its paths), its output and input gradient for a training batch, its output for an
 * evaluation batch, batch norm's normalised copy, and the path layers' index arrays.
 */
export function estimateGraphMemory(spec: GraphSpec, train: TrainShape, precision: Precision = 'f32'): MemoryEstimate {
  const f = precision === 'f64' ? 8 : 4;
  const { batch: B, evalBatch: Be } = train;
  const tspec = graphTopologySpec(spec);
  const topology = tspec === null ? null : resolveTopologySpec(tspec);
  let params = 0, state = 0, act = 0, index = 0, wasmIndex = 0, largest = 0, pathLayer = 0;
  const array = (n: number): number => { largest = Math.max(largest, n); return n; };
  for (const { placed } of placedLayers(spec).layers) {
    const s = placed.spec;
    const I = unitsOf(placed.input), O = unitsOf(placed.output);
    if (s.kind === 'residual') {
      act += array(O * B) + array(I * B) + array(O * Be);
      continue;
    }
    act += array(O * B) + array(I * B) + array(O * Be);
    if (s.kind === 'batchnorm') {
      const C = placed.input.channels;
      params += 2 * C;
      state += 4 * C;
      act += array(O * B) + array(O * Be); // xhat
    }
    if (s.kind !== 'linear' && s.kind !== 'conv') continue;
    const taps = s.kind === 'conv' ? s.kernel * s.kernel : 1;
    const inputs = s.kind === 'conv' ? placed.input.channels : I;
    const bias = s.kind === 'conv' && !s.bias ? 0 : s.outputs;
    if (s.path && topology !== null) {
      const E = Math.min(pathsOfPair(topology, pathLayer++), inputs * s.outputs);
      params += array(E * taps) + bias;
      index += (s.outputs + 1) + (inputs + 1) + 3 * E;
      wasmIndex += (s.outputs + 1) + (inputs + 1) + 4 * E;
    } else {
      params += array(inputs * s.outputs * taps) + bias;
    }
  }
  const D = unitsOf(spec.input), C = unitsOf(placedLayers(spec).output);
  act += array(D * B) + C * B + array(D * Be) + C * Be; // input batch and loss gradient, training and evaluation
  return inBytes({ params, state, act, index, wasmIndex, largest }, train.optimizer, f);
}

/** How much a backend can hold: where its arrays live and the limits there. */
export interface MemoryLimits {
  /** The backend, for messages. */
  readonly backend: string;
  /**
   * Bytes left in the backend's own memory (a wasm memory: the wasm32 cap less what it already
   * holds), or null when its arrays live on the JavaScript heap with everything else.
   */
  readonly kernelMemory: number | null;
  /** Bytes the process may use on the heap (a fraction of the machine's memory). */
  readonly hostMemory: number;
  /** Elements of the longest array the backend can allocate. */
  readonly largestArray: number;
}

/**
 * Throws one line with the estimate, the limit and what to change when `e` does not fit `limits`.
 * `options` names what the user can change, e.g. "--widths, --fan-in/--paths or --batch".
 */
export function checkMemoryFits(e: MemoryEstimate, limits: MemoryLimits, options: string): void {
  const parts = `parameters ${formatBytes(e.parameters)}, gradients and optimizer state ${formatBytes(e.gradients + e.optimizer)}, ` +
    `activations ${formatBytes(e.activations)}`;
  if (limits.kernelMemory !== null) {
    const wasm = e.kernelBytes + e.wasmIndexBytes;
    check(wasm <= limits.kernelMemory, () =>
      `the model needs about ${formatBytes(wasm)} of wasm memory (${parts}, index ${formatBytes(e.wasmIndexBytes)}), more than ` +
      `the ${formatBytes(limits.kernelMemory ?? 0)} left to the ${limits.backend} backend (wasm32 addresses 4 GiB): ` +
      `make ${options} smaller, or use --backend reference`);
  }
  const host = (limits.kernelMemory === null ? e.kernelBytes : 0) + e.indexBytes;
  check(host <= limits.hostMemory, () =>
    `the model needs about ${formatBytes(host)} of memory (${limits.kernelMemory === null ? `${parts}, ` : ''}index ` +
    `${formatBytes(e.indexBytes)}), more than the ${formatBytes(limits.hostMemory)} allowed on this machine ` +
    `(half of its memory) with the ${limits.backend} backend: make ${options} smaller`);
  check(e.largestArray <= limits.largestArray, () =>
    `the model needs an array of ${e.largestArray} elements, more than the ${limits.largestArray} the ${limits.backend} backend ` +
    `can allocate in one array: make ${options} smaller`);
}

/** Throws one line when the index arrays of a topology alone (`sobolnet topology`) exceed `hostMemory`. */
export function checkIndexFits(e: MemoryEstimate, hostMemory: number, options: string): void {
  check(e.indexBytes <= hostMemory, () =>
    `the topology needs about ${formatBytes(e.indexBytes)} of index arrays, more than the ${formatBytes(hostMemory)} ` +
    `allowed on this machine (half of its memory): make ${options} smaller`);
}

/** "1.5 GiB", "12.0 MiB": bytes for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}
