/**
 * Fuses each ReLU of a layer chain into the linear layers next to it, so that an MLP step runs no
 * separate ReLU pass (four passes over [units, batch] per hidden layer and step):
 * - linear → ReLU: the linear layer's forward writes max(y, 0) (its kernels' epilogue on rows still
 *   in L1), and the ReLU's forward passes its input through;
 * - ReLU → linear: the linear layer's input gradient is masked by its input x > 0 (x is the ReLU's
 *   output), and the ReLU's backward passes its gradient through.
 * The kernels give the bits of the separate passes (kernels.ts), so the losses, the weights and the
 * model bytes do not change. Only adjacent layers of one chain are fused (not across a residual
 * block's boundary, nor through batch normalisation).
 */
import { DenseLinear } from '../layers/dense-linear.js';
import type { Layer } from '../layers/layer.js';
import { PathLinear } from '../layers/path-linear.js';
import { Relu } from '../layers/relu.js';

const isLinear = (layer: Layer | undefined): layer is PathLinear | DenseLinear =>
  layer instanceof PathLinear || layer instanceof DenseLinear;

/** Marks the fusions of `layers` (a chain, in order) on the layers themselves. */
export function fuseRelus(layers: readonly Layer[]): void {
  layers.forEach((layer, i) => {
    if (!(layer instanceof Relu)) return;
    const before = layers[i - 1];
    const after = layers[i + 1];
    if (isLinear(before)) {
      before.fusion.output = true;
      layer.fused.forward = true;
    }
    if (isLinear(after) && after.needsInputGradient) {
      after.fusion.input = true;
      layer.fused.backward = true;
    }
  });
}
