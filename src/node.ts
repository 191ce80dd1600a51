/** sobolnet's Node-only API: the wasm SIMD and worker-thread backends, datasets and model files on disk. */
export { availableBackends, createNodeWasmKernels, selectKernels } from './kernels/node/select-kernels.js';
export { DATASET_NAMES, loadDataset } from './data/node/load-dataset.js';
export type { DatasetName } from './data/node/load-dataset.js';
export { loadMnist, loadIdxFolder } from './data/node/mnist.js';
export { loadFashionMnist } from './data/node/fashion-mnist.js';
export { loadCifar10 } from './data/node/cifar10.js';
export { loadModel, saveModel } from './model/node/model-io.js';
export { writeFileAtomic } from './core/node/atomic-write.js';
export { runExperiment } from './experiment/node/run-experiment.js';
export { renderSvg, svgToPng, writePlot } from './experiment/node/render-plot.js';
