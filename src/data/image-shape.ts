/**
 * The image geometry of a sample: channels, rows and columns. A data set's `shape` is [R, Q] for
 * grey images (MNIST) or [C, R, Q] for colour images (CIFAR-10), channel-major, so a sample's bytes
 * are already in the unit order x[C][H][W] of the convolution layers (kernels/conv-shape.ts).
 */
import { check } from '../core/errors.js';
import type { ImageShape } from '../core/image-shape.js';

export type { ImageShape };

/** The image shape of a sample shape [R, Q] (one channel) or [C, R, Q]. */
export function imageShapeOf(shape: readonly number[], what = 'sample'): ImageShape {
  check(shape.length === 2 || shape.length === 3, () =>
    `${what} shape [${shape.join(', ')}] is not an image: expected [rows, columns] or [channels, rows, columns]`);
  const [channels, height, width] = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
  return { channels, height, width };
}
