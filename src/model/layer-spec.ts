/**
 * The layers of a graph model, as a generator spec: a list of layer specs applied in order, where
 * a residual block holds two such lists (its body and its shortcut) whose outputs are added. Path
 * layers name no indices: their topology is generated from the model's path spec (path-chain.ts).
 *
 * Every activation is an image c×h×w (a vector of n features is n×1×1), stored x[C][H][W][B]
 * (kernels/conv-shape.ts), so `flatten` is the identity and a linear layer after a convolution
 * reads its c·h·w units in that order.
 *
 * Shape legend: C channels, H height, W width.
 */
import * as z from 'zod';
import { check, SobolnetError } from '../core/errors.js';
import type { ImageShape } from '../core/image-shape.js';
import { convShape, poolShape, type ConvShape, type PoolShape } from '../kernels/conv-shape.js';

export type { ImageShape };

export const imageShapeSchema = z.strictObject({
  channels: z.int().min(1).max(1 << 24),
  height: z.int().min(1).max(1 << 16),
  width: z.int().min(1).max(1 << 16),
}).readonly();

/** Units of an activation: C·H·W. */
export function unitsOf(shape: ImageShape): number {
  return shape.channels * shape.height * shape.width;
}

/** Whether an activation is a vector (D×1×1: an MLP's input or a linear layer's output) rather than an image. */
export function isVectorShape(shape: ImageShape): boolean {
  return shape.height === 1 && shape.width === 1;
}

/** The dimensions of one sample as engines that put the batch first see it: [C, H, W], or [D] for a vector. */
export function sampleDims(shape: ImageShape): number[] {
  return isVectorShape(shape) ? [shape.channels] : [shape.channels, shape.height, shape.width];
}

const count = z.int().min(1).max(1 << 24);
const window = z.int().min(1).max(1 << 12);

/** One layer. `path`: path-sparse (its topology comes from the model's path spec) or dense. */
export type LayerSpec =
  | { readonly kind: 'linear'; readonly outputs: number; readonly path: boolean }
  | { readonly kind: 'conv'; readonly outputs: number; readonly kernel: number; readonly stride: number;
      readonly padding: number; readonly path: boolean; readonly bias: boolean }
  | { readonly kind: 'batchnorm' }
  | { readonly kind: 'relu' }
  | { readonly kind: 'maxpool'; readonly size: number; readonly stride: number }
  | { readonly kind: 'avgpool'; readonly size: number; readonly stride: number }
  | { readonly kind: 'global-avgpool' }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'residual'; readonly body: readonly LayerSpec[]; readonly shortcut: readonly LayerSpec[] };

export type LayerSpecKind = LayerSpec['kind'];

/** The schema of a layer spec (strict at every level; residual blocks nest). */
export const layerSpecSchema: z.ZodType<LayerSpec> = z.lazy(() => z.discriminatedUnion('kind', [
  // y[O] = bias + W x over the flattened input
  z.strictObject({ kind: z.literal('linear'), outputs: count, path: z.boolean() }).readonly(),
  // k×k convolution over channels, stride s, zero padding p
  z.strictObject({
    kind: z.literal('conv'), outputs: count, kernel: window, stride: window, padding: z.int().min(0).max(1 << 12),
    path: z.boolean(), bias: z.boolean(),
  }).readonly(),
  z.strictObject({ kind: z.literal('batchnorm') }).readonly(),   // per channel, over batch and positions
  z.strictObject({ kind: z.literal('relu') }).readonly(),
  z.strictObject({ kind: z.literal('maxpool'), size: window, stride: window }).readonly(),
  z.strictObject({ kind: z.literal('avgpool'), size: window, stride: window }).readonly(),
  z.strictObject({ kind: z.literal('global-avgpool') }).readonly(),  // C×H×W -> C×1×1
  z.strictObject({ kind: z.literal('flatten') }).readonly(),         // C×H×W -> (C·H·W)×1×1, the identity on data
  // body(x) + shortcut(x); an empty shortcut is the identity
  z.strictObject({ kind: z.literal('residual'), body: z.array(layerSpecSchema).readonly(), shortcut: z.array(layerSpecSchema).readonly() }).readonly(),
]));

/** One layer spec with its input shape and the geometry it derives, found by `walkLayers`. */
export type PlacedLayer =
  | { readonly spec: Extract<LayerSpec, { kind: 'linear' }>; readonly input: ImageShape; readonly output: ImageShape }
  | { readonly spec: Extract<LayerSpec, { kind: 'conv' }>; readonly input: ImageShape; readonly output: ImageShape; readonly conv: ConvShape }
  | { readonly spec: Extract<LayerSpec, { kind: 'maxpool' | 'avgpool' }>; readonly input: ImageShape; readonly output: ImageShape; readonly pool: PoolShape }
  | { readonly spec: Extract<LayerSpec, { kind: 'batchnorm' | 'relu' | 'global-avgpool' | 'flatten' | 'residual' }>; readonly input: ImageShape; readonly output: ImageShape };

/** The name of a layer in messages and model files: `3`, or `5.body.1` inside a residual block. */
export type LayerPath = string;

/** The output shape of `spec` on `input`, and its derived geometry. Errors name the layer `where`. */
export function placeLayer(spec: LayerSpec, input: ImageShape, where: LayerPath): PlacedLayer {
  const at = (step: () => PlacedLayer): PlacedLayer => {
    try {
      return step();
    } catch (e) {
      if (e instanceof SobolnetError) throw new SobolnetError(`layer ${where} (${spec.kind}): ${e.message}`);
      throw e;
    }
  };
  return at(() => {
    switch (spec.kind) {
      case 'linear':
        return { spec, input, output: { channels: spec.outputs, height: 1, width: 1 } };
      case 'conv': {
        const conv = convShape(input.channels, spec.outputs, input.height, input.width, spec.kernel, spec.stride, spec.padding);
        return { spec, input, conv, output: { channels: conv.outChannels, height: conv.outHeight, width: conv.outWidth } };
      }
      case 'maxpool':
      case 'avgpool': {
        const pool = poolShape(input.channels, input.height, input.width, spec.size, spec.stride);
        return { spec, input, pool, output: { channels: pool.channels, height: pool.outHeight, width: pool.outWidth } };
      }
      case 'batchnorm':
      case 'relu':
        return { spec, input, output: input };
      case 'global-avgpool':
        return { spec, input, output: { channels: input.channels, height: 1, width: 1 } };
      case 'flatten':
        return { spec, input, output: { channels: unitsOf(input), height: 1, width: 1 } };
      case 'residual': {
        const body = outputShape(spec.body, input, `${where}.body`);
        const shortcut = outputShape(spec.shortcut, input, `${where}.shortcut`);
        check(sameShape(body, shortcut), () =>
          `its body gives ${shapeText(body)} but its shortcut gives ${shapeText(shortcut)}; they must match to be added`);
        return { spec, input, output: body };
      }
      default:
        return spec satisfies never;
    }
  });
}

/**
 * Visits every layer of `layers` in execution order, depth first (a residual block, then its body,
 * then its shortcut), with its placement and name. Returns the output shape of the list.
 */
export function walkLayers(layers: readonly LayerSpec[], input: ImageShape, prefix: string,
  visit: (placed: PlacedLayer, where: LayerPath) => void): ImageShape {
  let shape = input;
  layers.forEach((spec, i) => {
    const where = prefix === '' ? String(i) : `${prefix}.${i}`;
    const placed = placeLayer(spec, shape, where);
    visit(placed, where);
    if (spec.kind === 'residual') {
      walkLayers(spec.body, shape, `${where}.body`, visit);
      walkLayers(spec.shortcut, shape, `${where}.shortcut`, visit);
    }
    shape = placed.output;
  });
  return shape;
}

/** The output shape of a list of layers on `input`. */
export function outputShape(layers: readonly LayerSpec[], input: ImageShape, prefix: string): ImageShape {
  let shape = input;
  layers.forEach((spec, i) => {
    shape = placeLayer(spec, shape, prefix === '' ? String(i) : `${prefix}.${i}`).output;
  });
  return shape;
}

export function sameShape(a: ImageShape, b: ImageShape): boolean {
  return a.channels === b.channels && a.height === b.height && a.width === b.width;
}

/** `64×8×8`. */
export function shapeText(s: ImageShape): string {
  return `${s.channels}×${s.height}×${s.width}`;
}
