/**
 * Crop-and-flip augmentation: a cropped and flipped sample equals a hand-computed image and an
 * independent pad-crop-flip of the bytes; the same seed gives the same batches, each epoch its own
 * crops; evaluation batches are never augmented; training with it is bit-reproducible.
 */
import { describe, expect, it } from 'vitest';
import { CropFlip, checkAugmentSpec } from '../../src/data/augment.js';
import { fillBatch } from '../../src/data/batch.js';
import type { Dataset, DataSplit } from '../../src/data/dataset.js';
import { identityOrder } from '../../src/data/identity-order.js';
import { withNormalization } from '../../src/data/normalization.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';
import { Rng } from '../../src/sequences/rng.js';
import { evaluate } from '../../src/train/evaluate.js';
import { train, type TrainConfig } from '../../src/train/trainer.js';

/** N random images of C × H × W bytes (never 0, so padding shows), labels n mod classes. */
function randomImages(name: string, N: number, C: number, H: number, W: number, seed: number, classes = 10): Dataset {
  const rng = new Rng(seed);
  const D = C * H * W;
  const pixels = Uint8Array.from({ length: N * D }, () => 1 + rng.nextInt(255));
  return { name, count: N, features: D, classes, shape: [C, H, W], pixels, labels: Uint8Array.from({ length: N }, (_, n) => n % classes) };
}

/** A CropFlip whose every draw is (oy, ox, flip): a fixed transform for hand-computed cases. */
function fixed(shape: { channels: number; height: number; width: number }, oy: number, ox: number, flip: boolean): CropFlip {
  return { shape, padding: Math.max(Math.abs(oy), Math.abs(ox)), offsetY: oy, offsetX: ox, flip, next() {}, startEpoch() {} } as unknown as CropFlip;
}

/** Independently: pad the sample's planes with p zeros, cut the H × W window at (p + oy, p + ox), mirror it if flip. -> [C][H][W] bytes/255. */
function padCropFlip(data: Dataset, s: number, p: number, oy: number, ox: number, flip: boolean): number[] {
  const [C, H, W] = data.shape;
  const out: number[] = [];
  for (let c = 0; c < C; c++) {
    const padded = Array.from({ length: H + 2 * p }, (_, r) => Array.from({ length: W + 2 * p }, (_, q) => {
      const y = r - p, x = q - p;
      return y >= 0 && y < H && x >= 0 && x < W ? data.pixels[s * C * H * W + (c * H + y) * W + x] : 0;
    }));
    for (let y = 0; y < H; y++) {
      const row = padded[p + oy + y].slice(p + ox, p + ox + W);
      if (flip) row.reverse();
      out.push(...row.map((v) => v / 255));
    }
  }
  return out;
}

/** Column b of a [D][B] batch. */
const column = (x: Float64Array | Float32Array, D: number, B: number, b: number): number[] =>
  Array.from({ length: D }, (_, d) => x[d * B + b]);

describe('crop and flip', () => {
  it('crops with zero padding and flips a 1×3×4 image exactly as computed by hand', () => {
    // Rows [1 2 3 4], [5 6 7 8], [9 10 11 12] (bytes; values byte/255).
    const data: Dataset = { name: 't', count: 1, features: 12, classes: 10, shape: [1, 3, 4],
      pixels: Uint8Array.from({ length: 12 }, (_, i) => i + 1), labels: Uint8Array.from([3]) };
    const run = (oy: number, ox: number, flip: boolean): number[] => {
      const x = new Float64Array(12);
      fillBatch(x, new Int32Array(1), data, Int32Array.from([0]), 0, 1, fixed({ channels: 1, height: 3, width: 4 }, oy, ox, flip));
      return Array.from(x, (v) => Math.round(v * 255));
    };
    // Shift down by one (oy = -1: row y reads row y - 1) and right by two (ox = -2), no flip.
    expect(run(-1, -2, false)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 5, 6]);
    // oy = 1, ox = 1, flipped: out[y][x] = in[y + 1][3 - x + 1].
    expect(run(1, 1, true)).toEqual([0, 8, 7, 6, 0, 12, 11, 10, 0, 0, 0, 0]);
    // No offset, flipped: each row mirrored.
    expect(run(0, 0, true)).toEqual([4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9]);
    expect(run(0, 0, false)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('pads with the value 0 the network sees: the channel mean after normalisation', () => {
    const data = withNormalization({ train: randomImages('t', 1, 2, 3, 3, 4), test: randomImages('u', 1, 2, 3, 3, 5) },
      { mean: [0.5, 0.25], std: [0.5, 2] }).train;
    const x = new Float64Array(18);
    fillBatch(x, new Int32Array(1), data, Int32Array.from([0]), 0, 1, fixed({ channels: 2, height: 3, width: 3 }, -2, 0, false));
    // Rows 0, 1 of each channel are padding, row 2 is the image's row 0, normalised.
    for (let c = 0; c < 2; c++) {
      expect(Array.from(x.subarray(c * 9, c * 9 + 6))).toEqual([0, 0, 0, 0, 0, 0]);
      const m = [0.5, 0.25][c], sd = [0.5, 2][c];
      expect(Array.from(x.subarray(c * 9 + 6, c * 9 + 9))).toEqual(Array.from(data.pixels.subarray(c * 9, c * 9 + 3), (p) => (p / 255 - m) / sd));
    }
  });

  it('draws offsets in [-padding, padding] and both flips, and equals an independent pad-crop-flip for every draw', () => {
    const data = randomImages('t', 64, 3, 7, 5, 11);
    const [C, H, W] = [3, 7, 5], D = C * H * W, B = 64, p = 3;
    const augment = new CropFlip({ kind: 'crop-flip', padding: p }, 42, { channels: C, height: H, width: W });
    const draws = new CropFlip({ kind: 'crop-flip', padding: p }, 42, { channels: C, height: H, width: W });
    augment.startEpoch(0);
    draws.startEpoch(0);
    const order = identityOrder(B);
    new Rng(1).shuffle(order);
    const x = new Float64Array(D * B);
    fillBatch(x, new Int32Array(B), data, order, 0, B, augment);
    const seen = { oy: new Set<number>(), ox: new Set<number>(), flip: new Set<boolean>() };
    for (let b = 0; b < B; b++) {
      draws.next();   // the same stream: the draw of sample b
      const { offsetY: oy, offsetX: ox, flip } = draws;
      seen.oy.add(oy); seen.ox.add(ox); seen.flip.add(flip);
      expect(column(x, D, B, b)).toEqual(padCropFlip(data, order[b], p, oy, ox, flip));
    }
    expect([...seen.oy].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect([...seen.ox].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(seen.flip.size).toBe(2);
  });

  it('gives the same batches for the same seed and epoch, other crops for another epoch or seed', () => {
    const data = randomImages('t', 32, 3, 8, 8, 3);
    const D = 192, B = 32, order = identityOrder(B);
    const batch = (seed: number, epoch: number): Float32Array => {
      const a = new CropFlip({ kind: 'crop-flip', padding: 2 }, seed, { channels: 3, height: 8, width: 8 });
      a.startEpoch(epoch);
      const x = new Float32Array(D * B);
      fillBatch(x, new Int32Array(B), data, order, 0, B, a);
      return x;
    };
    expect(batch(7, 0)).toEqual(batch(7, 0));
    expect(batch(7, 1)).toEqual(batch(7, 1));
    expect(batch(7, 1)).not.toEqual(batch(7, 0));
    expect(batch(8, 0)).not.toEqual(batch(7, 0));
    // An epoch's draws do not depend on what the epochs before drew.
    const a = new CropFlip({ kind: 'crop-flip', padding: 2 }, 7, { channels: 3, height: 8, width: 8 });
    a.startEpoch(0);
    for (let i = 0; i < 5; i++) a.next();
    a.startEpoch(1);
    const x = new Float32Array(D * B);
    fillBatch(x, new Int32Array(B), data, order, 0, B, a);
    expect(x).toEqual(batch(7, 1));
  });

  it('without an augmentation fills the plain batch, as evaluation does', () => {
    const data = randomImages('t', 4, 1, 3, 3, 9);
    const x = new Float64Array(36), y = new Float64Array(36);
    fillBatch(x, new Int32Array(4), data, identityOrder(4), 0, 4);
    fillBatch(y, new Int32Array(4), data, identityOrder(4), 0, 4, fixed({ channels: 1, height: 3, width: 3 }, 0, 0, false));
    expect(y).toEqual(x);
    expect(Array.from(x)).toEqual(Array.from({ length: 36 }, (_, i) => data.pixels[(i % 4) * 9 + Math.floor(i / 4)] / 255));
  });

  it('checks the padding against the image and the image against the data, in one line', () => {
    const shape = { channels: 1, height: 4, width: 6 };
    expect(() => checkAugmentSpec({ kind: 'crop-flip', padding: 4 }, shape)).toThrow('crop padding (for 4×6 images) must be');
    expect(() => checkAugmentSpec({ kind: 'crop-flip', padding: -1 }, shape)).toThrow('crop padding (for 4×6 images) must be');
    expect(() => checkAugmentSpec({ kind: 'crop-flip', padding: 3 }, shape)).not.toThrow();
    const a = new CropFlip({ kind: 'crop-flip', padding: 1 }, 1, shape);
    a.startEpoch(0);
    expect(() => fillBatch(new Float64Array(100), new Int32Array(1), randomImages('t', 1, 1, 5, 5, 1), Int32Array.from([0]), 0, 1, a))
      .toThrow('augmentation of 1×4×6 images does not fit the 25 features of t');
  });
});

describe('training with augmentation', () => {
  // 2 × 6 × 6 images (72 features), 4 classes.
  const split: DataSplit = { train: randomImages('img/train', 96, 2, 6, 6, 21, 4), validation: randomImages('img/validation', 40, 2, 6, 6, 22, 4),
    test: randomImages('img/test', 50, 2, 6, 6, 23, 4) };
  const config: TrainConfig = {
    epochs: 2, batchSize: 32, learningRate: 0.01,
    optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    schedule: { kind: 'cosine', finalFraction: 0 }, seed: 5, augment: { kind: 'crop-flip', padding: 2 },
  };
  const fit = (c: TrainConfig): { model: Model; result: ReturnType<typeof train> } => {
    const model = new Model({ widths: [72, 32, 4], paths: { source: { kind: 'sobol' }, paths: { fanIn: 8 } },
      outputLayer: 'dense', batchNorm: false, init: { kind: 'he', seed: 3 } }, referenceKernels);
    return { model, result: train(model, split, c) };
  };
  const weights = (m: Model): number[][] => m.namedArrays().map((a) => Array.from(a.value));

  it('is bit-reproducible, differs from an unaugmented run, and evaluates without augmentation', () => {
    const a = fit(config), b = fit(config), plain = fit({ ...config, augment: undefined });
    expect(weights(a.model)).toEqual(weights(b.model));
    expect(a.result.epochs.map((e) => e.trainLoss)).toEqual(b.result.epochs.map((e) => e.trainLoss));
    expect(weights(a.model)).not.toEqual(weights(plain.model));
    // Validation and test are evaluated on the plain images: evaluate() gives the same numbers.
    expect(evaluate(a.model, split.validation!)).toEqual(a.result.validation);
    expect(evaluate(a.model, split.test)).toEqual(a.result.test);
  });

  it('refuses a padding that does not fit the images before training', () => {
    expect(() => fit({ ...config, augment: { kind: 'crop-flip', padding: 6 } })).toThrow('crop padding (for 6×6 images) must be');
  });
});
