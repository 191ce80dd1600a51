/**
 * The training run the browser bench times in Node and in Chromium alike (browser-safe: it is
 * bundled into the bench's Web Worker): `npm start`'s network, 784-1024-1024-10 with Sobol' paths of
 * fan-in 32 into the hidden layers and a dense output layer, Adam, batch 128, on synthetic
 * MNIST-shaped data (the speed does not depend on the pixel values). One warm-up epoch of 1,024
 * samples, then `repeats` epochs of `samples` samples; returns their training samples per second.
 */
import { ADAM_DEFAULTS, COSINE_DEFAULTS, DEFAULT_LEARNING_RATES, Model, Rng, train } from '../../src/index.js';
import type { Dataset, Kernels } from '../../src/index.js';

function mnistShaped(name: string, count: number, seed: number): Dataset {
  const rng = new Rng(seed);
  return {
    name, count, features: 784, classes: 10, shape: [28, 28],
    pixels: new Uint8Array(count * 784).map(() => Math.floor(256 * rng.nextFloat())),
    labels: new Uint8Array(count).map(() => Math.floor(10 * rng.nextFloat())),
  };
}

export function trainingThroughput(kernels: Kernels, samples: number, repeats: number): number[] {
  const model = new Model({
    widths: [784, 1024, 1024, 10], paths: { source: { kind: 'sobol' }, paths: { fanIn: 32 } },
    outputLayer: 'dense', batchNorm: false, init: { kind: 'he', seed: 1 },
  }, kernels);
  const data = { train: mnistShaped('synthetic/train', samples, 1), test: mnistShaped('synthetic/test', 128, 2) };
  const config = (limit: number) => ({
    epochs: 1, batchSize: 128, learningRate: DEFAULT_LEARNING_RATES.adam, seed: 1, limit,
    optimizer: { kind: 'adam', ...ADAM_DEFAULTS, weightDecay: 0 } as const, schedule: { kind: 'cosine', ...COSINE_DEFAULTS } as const,
  });
  train(model, data, config(1024));
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) rates.push(train(model, data, config(samples)).epochs[0].samplesPerSecond);
  return rates;
}
