/**
 * A small learnable data set for tests: C classes, each a noisy blob around its own prototype
 * of D "pixels". Deterministic in `seed`.
 */
import type { DataSplit, Dataset } from '../../src/data/dataset.js';
import { Rng } from '../../src/sequences/rng.js';

function blobs(name: string, N: number, D: number, C: number, rng: Rng, prototypes: Uint8Array): Dataset {
  const pixels = new Uint8Array(N * D);
  const labels = new Uint8Array(N);
  for (let n = 0; n < N; n++) {
    const c = rng.nextInt(C);
    labels[n] = c;
    for (let d = 0; d < D; d++) {
      const v = prototypes[c * D + d] + 60 * (rng.nextFloat() - 0.5);
      pixels[n * D + d] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { name, count: N, features: D, classes: C, shape: [D], pixels, labels };
}

export function syntheticSplit(seed = 7, D = 64, C = 4, train = 512, test = 256): DataSplit {
  const rng = new Rng(seed);
  const prototypes = new Uint8Array(C * D);
  for (let i = 0; i < prototypes.length; i++) prototypes[i] = rng.nextInt(2) * 200 + 20;
  return { train: blobs('synthetic/train', train, D, C, rng, prototypes), test: blobs('synthetic/test', test, D, C, rng, prototypes) };
}
