/**
 * Seeded training-time augmentation: a random crop of the image padded by `padding` zeros on every
 * side, then a horizontal flip with probability 1/2 (the CIFAR-10 recipe of He et al. 2016).
 * fillBatch (data/batch.ts) applies it while it copies a training sample into the batch, so it
 * costs no pass of its own and allocates nothing per sample; evaluation batches are never
 * augmented (the evaluator does not pass one).
 *
 * A crop at offset (oy, ox), both uniform in [-padding, padding], and a flip f give
 *     out[c][y][x] = in[c][y + oy][f ? W - 1 - x + ox : x + ox]
 * and 0 where that falls outside the image. "Zero" is the value the network sees, after the
 * normalisation: the channel mean under per-channel normalisation, black under plain pixel / 255;
 * the same zero a convolution's own padding adds.
 *
 * Draws: each epoch has its own Rng stream, keyed by (seed, epoch) in the 'AUGM' hash domain; the
 * samples draw in the order training visits them, three draws each (oy, ox, then the flip bit).
 * So the same seed gives the same batches bit for bit, and each epoch crops differently.
 *
 * Shape legend: C channels, H rows, W columns.
 */
import { check, checkInt } from '../core/errors.js';
import { deriveKey } from '../sequences/hash.js';
import { Rng } from '../sequences/rng.js';
import type { ImageShape } from './image-shape.js';

/** The augmentations there are: random crop with zero padding and horizontal flip, or none. */
export const AUGMENT_KINDS = ['crop-flip', 'none'] as const;
export type AugmentKind = (typeof AUGMENT_KINDS)[number];

/** An augmentation of training batches; 'none' is written as no spec at all. */
export interface AugmentSpec {
  readonly kind: 'crop-flip';
  /** Zeros added on every side before the crop: offsets are uniform in [-padding, padding]. */
  readonly padding: number;
}

/** The default padding of a crop: 4 pixels, as for 32 × 32 CIFAR-10 images. */
export const DEFAULT_CROP_PADDING = 4;

/** The hash-domain tag of the augmentation streams ('AUGM'). */
const AUGMENT_TAG = 0x4155474d;

/** Checks `spec` against images of `shape`: a padding from 0 (flips only) to one less than the image's smaller side. */
export function checkAugmentSpec(spec: AugmentSpec, shape: ImageShape): void {
  check(spec.kind === 'crop-flip', () => `augmentation must be crop-flip, got ${JSON.stringify(spec.kind)}`);
  const side = Math.min(shape.height, shape.width);
  checkInt(spec.padding, `crop padding (for ${shape.height}×${shape.width} images)`, 0, side - 1);
}

/**
 * The crop-and-flip draws of one training run. Call `startEpoch` before each epoch's first batch;
 * fillBatch calls `next` once per sample and reads `offsetY`, `offsetX` and `flip`.
 */
export class CropFlip {
  readonly shape: ImageShape;
  readonly padding: number;
  private readonly seed: number;
  private rng: Rng | null = null;
  /** Row offset oy of the last sample drawn, in [-padding, padding]. */
  offsetY = 0;
  /** Column offset ox of the last sample drawn, in [-padding, padding]. */
  offsetX = 0;
  /** Whether the last sample drawn is flipped left to right. */
  flip = false;

  constructor(spec: AugmentSpec, seed: number, shape: ImageShape) {
    checkAugmentSpec(spec, shape);
    check(Number.isSafeInteger(seed), () => `augmentation seed must be an integer, got ${String(seed)}`);
    this.shape = shape;
    this.padding = spec.padding;
    this.seed = seed;
  }

  /** Starts the draws of epoch `epoch` (0-based): its own stream, whatever earlier epochs drew. */
  startEpoch(epoch: number): void {
    checkInt(epoch, 'epoch', 0);
    this.rng = new Rng(deriveKey(AUGMENT_TAG, this.seed, epoch));
  }

  /** Draws the next sample's crop offsets and flip. */
  next(): void {
    const rng = this.rng;
    if (rng === null) throw new Error('CropFlip.next before startEpoch');
    const span = 2 * this.padding + 1;
    this.offsetY = rng.nextInt(span) - this.padding;
    this.offsetX = rng.nextInt(span) - this.padding;
    this.flip = rng.nextU32() >= 0x80000000;
  }
}
