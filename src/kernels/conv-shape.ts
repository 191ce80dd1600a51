/**
 * The geometry of a 2-D convolution or pooling window, shared by the kernels, the layers and the
 * model spec. Activations of images keep the MLP's layout with the batch innermost:
 * x[C][H][W][B], element (c, h, w, b) at ((c * H + h) * W + w) * B + b. So a channel is a unit
 * of H*W*B contiguous values, flatten is the identity, and every weight tap of a convolution meets
 * a contiguous run of B values (W*B for a whole output row at stride 1) — the same SIMD axpy over
 * the batch that the path-linear kernels run.
 *
 * Output size (floor division, PyTorch's convention): Ho = floor((H + 2p - k) / s) + 1.
 */
import { check, checkInt } from '../core/errors.js';

/** A square k×k convolution with stride s and zero padding p on every side. */
export interface ConvShape {
  readonly inChannels: number;    // Ci
  readonly outChannels: number;   // Co
  readonly inHeight: number;      // H
  readonly inWidth: number;       // W
  readonly outHeight: number;     // Ho
  readonly outWidth: number;      // Wo
  readonly kernel: number;        // k
  readonly stride: number;        // s
  readonly padding: number;       // p
}

/** A square pooling window (no padding): Ho = floor((H - size) / stride) + 1. */
export interface PoolShape {
  readonly channels: number;      // C
  readonly inHeight: number;      // H
  readonly inWidth: number;       // W
  readonly outHeight: number;     // Ho
  readonly outWidth: number;      // Wo
  readonly size: number;          // k
  readonly stride: number;        // s
}

/** The output extent of a window of `k` at stride `s` with padding `p` over `n` positions. */
export function windowOutput(n: number, k: number, s: number, p: number): number {
  return Math.floor((n + 2 * p - k) / s) + 1;
}

/** Validates the sizes of a convolution and derives its output extent. */
export function convShape(inChannels: number, outChannels: number, inHeight: number, inWidth: number,
  kernel: number, stride: number, padding: number): ConvShape {
  checkInt(inChannels, 'convolution input channels', 1);
  checkInt(outChannels, 'convolution output channels', 1);
  checkInt(inHeight, 'convolution input height', 1);
  checkInt(inWidth, 'convolution input width', 1);
  checkInt(kernel, 'convolution kernel size', 1);
  checkInt(stride, 'convolution stride', 1);
  checkInt(padding, 'convolution padding', 0);
  check(padding < kernel, () => `convolution padding must be smaller than the kernel size ${kernel}, got ${padding}`);
  const outHeight = windowOutput(inHeight, kernel, stride, padding);
  const outWidth = windowOutput(inWidth, kernel, stride, padding);
  check(outHeight >= 1 && outWidth >= 1, () =>
    `convolution kernel ${kernel} with padding ${padding} does not fit an input of ${inHeight}×${inWidth}`);
  return { inChannels, outChannels, inHeight, inWidth, outHeight, outWidth, kernel, stride, padding };
}

/** Validates the sizes of a pooling window and derives its output extent. */
export function poolShape(channels: number, inHeight: number, inWidth: number, size: number, stride: number): PoolShape {
  checkInt(channels, 'pooling channels', 1);
  checkInt(inHeight, 'pooling input height', 1);
  checkInt(inWidth, 'pooling input width', 1);
  checkInt(size, 'pooling window size', 1);
  checkInt(stride, 'pooling stride', 1);
  check(size <= inHeight && size <= inWidth, () =>
    `pooling window ${size} does not fit an input of ${inHeight}×${inWidth}`);
  return { channels, inHeight, inWidth, outHeight: windowOutput(inHeight, size, stride, 0),
    outWidth: windowOutput(inWidth, size, stride, 0), size, stride };
}
