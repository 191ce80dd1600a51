/**
 * sobolnet's wasm SIMD kernels (AssemblyScript, compiled by `npm run build:wasm`). Every export
 * takes a range [lo, hi) first (output units, source units, elements or samples), then byte
 * pointers into the shared memory and sizes: one instance per thread runs its own range, and a
 * unit's result never depends on the range it was computed in. Nothing here allocates.
 */
export { sparseBackwardInput, sparseBackwardInputWindows, sparseBackwardWeight, sparseBackwardWeightWindows, sparseForward,
  sparseForwardWindows } from './sparse-kernels';
export { sparseBackwardInputSmallBatch, sparseBackwardWeightSmallBatch, sparseForwardSmallBatch } from './small-batch-kernels';
export { biasBackward, denseBackwardWeight, denseBackwardWeightColumns, denseGather, denseGatherColumns } from './dense-kernels';
export { adamStep, clampSign, reluBackward, reluForward, sgdMomentumStep } from './elementwise-kernels';
export { batchNormBackward, batchNormForward, batchNormInference, batchNormRunningStats } from './batch-norm-kernels';
export { softmaxCrossEntropy } from './softmax-cross-entropy';
export { convBackwardInput, convBackwardWeight, convForward, pathConvBackwardInput, pathConvBackwardWeight,
  pathConvForward } from './conv-kernels';
export { add, avgPoolBackward, avgPoolForward, globalAvgPoolBackward, globalAvgPoolForward, maxPoolBackward,
  maxPoolForward } from './pool-kernels';
export { gatherBatch } from './batch-kernels';
export { liveRows } from './live-rows';
export { quadCopies, sparseBackwardInputQuads, sparseBackwardWeightQuads, sparseForwardQuads } from './quad-kernels';
export { blockBackwardInput, blockBackwardInputOne, blockBackwardWeight, blockBackwardWeightOne, blockForward,
  blockForwardOne, blockGatherOne } from './block-kernels';
export { convBlockBackwardInput, convBlockBackwardWeight, convBlockForward } from './conv-blocks';
