/**
 * The named architectures of `sobolnet train --arch`. Each is a function of the data's shape and
 * returns layer specs; the path spec and init are the caller's.
 *
 * - mlp: today's network, an MLP spec of widths (model-spec.ts), built by the caller.
 * - cnn: a small VGG-style CNN for 28×28×1 images (MNIST, Fashion-MNIST). Three 3×3 convolutions
 *   with batch norm, ReLU and 2×2 max pooling (32, 64, 64 channels: 28 -> 14 -> 7 -> 3), then a
 *   dense 128-unit layer and the classes. The first convolution sees one input channel, so it is
 *   dense (a path layer with one source per target would be the same layer); the other two are
 *   path layers, one chain 32 -> 64 -> 64.
 * - resnet20: He et al.'s CIFAR ResNet-20 for 32×32×3: a 3×3 convolution to 16 channels, three
 *   stages of three basic blocks (16, 32, 64 channels; the first block of stages 2 and 3 has
 *   stride 2 and a 1×1 projection shortcut with batch norm), global average pooling and a linear
 *   layer to the classes. The 18 convolutions of the blocks are path layers (one chain
 *   16 -> 16 -> ... -> 64); the stem, the projections and the classifier are dense (3 input
 *   channels, 0.6 % and 0.2 % of the weights).
 *
 * Convolutions followed by batch norm have no bias (the norm's shift replaces it).
 */
import type { LayerSpec } from './layer-spec.js';

/** Every Architecture, for option choices and messages. */
export const ARCHITECTURES = ['mlp', 'cnn', 'resnet20'] as const;
/** A named architecture: an MLP of given widths, or a convolutional preset (cnn, resnet20). */
export type Architecture = (typeof ARCHITECTURES)[number];

/** conv k×k (stride s, 'same' padding) -> batch norm. */
function convNorm(outputs: number, kernel: number, stride: number, path: boolean): LayerSpec[] {
  return [{ kind: 'conv', outputs, kernel, stride, padding: (kernel - 1) >> 1, path, bias: false }, { kind: 'batchnorm' }];
}

/** The cnn preset's layers for `classes` classes. */
export function cnnLayers(classes: number): LayerSpec[] {
  const stage = (outputs: number, path: boolean): LayerSpec[] =>
    [...convNorm(outputs, 3, 1, path), { kind: 'relu' }, { kind: 'maxpool', size: 2, stride: 2 }];
  return [
    ...stage(32, false),
    ...stage(64, true),
    ...stage(64, true),
    { kind: 'flatten' },
    { kind: 'linear', outputs: 128, path: false },
    { kind: 'relu' },
    { kind: 'linear', outputs: classes, path: false },
  ];
}

/** A basic residual block: two 3×3 path convolutions, a projection shortcut when the shape changes. */
function basicBlock(inputs: number, outputs: number, stride: number): LayerSpec[] {
  const body = [...convNorm(outputs, 3, stride, true), { kind: 'relu' } as const, ...convNorm(outputs, 3, 1, true)];
  const shortcut = stride !== 1 || inputs !== outputs ? convNorm(outputs, 1, stride, false) : [];
  return [{ kind: 'residual', body, shortcut }, { kind: 'relu' }];
}

/** The resnet20 preset's layers for `classes` classes. */
export function resnet20Layers(classes: number): LayerSpec[] {
  const layers: LayerSpec[] = [...convNorm(16, 3, 1, false), { kind: 'relu' }];
  let channels = 16;
  for (const [outputs, stride] of [[16, 1], [32, 2], [64, 2]] as const) {
    for (let b = 0; b < 3; b++) {
      layers.push(...basicBlock(channels, outputs, b === 0 ? stride : 1));
      channels = outputs;
    }
  }
  layers.push({ kind: 'global-avgpool' }, { kind: 'linear', outputs: classes, path: false });
  return layers;
}

/** The layers of each convolutional preset for `classes` classes; they fit any image shape the pooling leaves room for. */
export const CONV_PRESETS = {
  cnn: { layers: cnnLayers },
  resnet20: { layers: resnet20Layers },
} as const satisfies Record<Exclude<Architecture, 'mlp'>, { layers: (classes: number) => LayerSpec[] }>;
