/** The small path MLP and training recipe that the training tests share (fits syntheticSplit()). */
import type { ModelSpec } from '../../src/model/model-spec.js';
import type { TrainConfig } from '../../src/train/trainer.js';

export const smallSpec: ModelSpec = {
  widths: [64, 128, 128, 4],
  paths: { source: { kind: 'sobol' }, paths: { fanIn: 8 } },
  outputLayer: 'dense', batchNorm: false, init: { kind: 'he', seed: 5 },
};

export const smallConfig: TrainConfig = {
  epochs: 3, batchSize: 32, learningRate: 0.01,
  optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-4 },
  schedule: { kind: 'cosine', finalFraction: 0 }, seed: 9,
};
