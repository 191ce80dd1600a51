/**
 * Validation of the window geometry handed to a convolution or pooling layer. A ConvShape or
 * PoolShape is a plain object that anyone can write by hand, so a layer re-derives it from its
 * sizes (convShape / poolShape validate those) and refuses one whose output extent disagrees:
 * the kernels trust these numbers and never check them in their loops.
 */
import { check } from '../core/errors.js';
import type { ConvShape, PoolShape } from '../kernels/conv-shape.js';
import { convShape, poolShape } from '../kernels/conv-shape.js';

/** Throws unless `shape` is a valid convolution geometry; returns it. */
export function checkConvShape(shape: ConvShape, layer: string): ConvShape {
  const { inChannels, outChannels, inHeight, inWidth, kernel, stride, padding } = shape;
  const derived = convShape(inChannels, outChannels, inHeight, inWidth, kernel, stride, padding);
  check(derived.outHeight === shape.outHeight && derived.outWidth === shape.outWidth, () =>
    `${layer}: a ${kernel}×${kernel} window at stride ${stride} with padding ${padding} on ${inHeight}×${inWidth} gives ` +
    `${derived.outHeight}×${derived.outWidth} outputs, but the shape says ${shape.outHeight}×${shape.outWidth}`);
  return shape;
}

/** Throws unless `shape` is a valid pooling geometry; returns it. */
export function checkPoolShape(shape: PoolShape, layer: string): PoolShape {
  const { channels, inHeight, inWidth, size, stride } = shape;
  const derived = poolShape(channels, inHeight, inWidth, size, stride);
  check(derived.outHeight === shape.outHeight && derived.outWidth === shape.outWidth, () =>
    `${layer}: a ${size}×${size} window at stride ${stride} on ${inHeight}×${inWidth} gives ` +
    `${derived.outHeight}×${derived.outWidth} outputs, but the shape says ${shape.outHeight}×${shape.outWidth}`);
  return shape;
}
