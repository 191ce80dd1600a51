/**
 * The generator spec of a whole model: widths, which layers are path-sparse, the topology's
 * generator spec, normalisation and initialisation. A model file stores this spec and the
 * weights; the topology is always regenerated from it.
 */
import { check, checkInt, SobolnetError } from '../core/errors.js';
import type { InitSpec } from '../layers/init.js';
import type { TopologySpec } from '../topology/spec.js';
import { hiddenUnitOrders, type UnitOrder } from '../topology/unit-order.js';

/**
 * The part of a topology spec that does not depend on the widths, and the storage order of the
 * hidden layers' units (default 'natural', which model files written before it existed use).
 */
export type PathSpec = Omit<TopologySpec, 'widths' | 'unitOrders'> & { readonly hiddenOrder?: UnitOrder };

export interface ModelSpec {
  /** All widths, input first, classes last: e.g. [784, 1024, 1024, 10]. */
  readonly widths: readonly number[];
  /** Path topology of the sparse layers; null makes every layer dense (the dense counterpart). */
  readonly paths: PathSpec | null;
  /** Whether the last layer is dense (default) or path-sparse too. Ignored when paths is null. */
  readonly outputLayer: 'dense' | 'path';
  /** Batch normalisation after every hidden linear layer. */
  readonly batchNorm: boolean;
  readonly init: InitSpec;
}

/** Number of leading linear layers that are path-sparse (0 for a dense model). */
export function pathLayerCount(spec: ModelSpec): number {
  if (spec.paths === null) return 0;
  const linear = spec.widths.length - 1;
  return spec.outputLayer === 'path' ? linear : linear - 1;
}

/** The topology spec of the path layers, or null when there are none. */
export function topologySpecOf(spec: ModelSpec): TopologySpec | null {
  const n = pathLayerCount(spec);
  if (spec.paths === null || n === 0) return null;
  const { hiddenOrder = 'natural', ...topology } = spec.paths;
  // The topology's last layer is hidden in the network unless the output layer is a path layer too.
  const unitOrders = hiddenUnitOrders(n + 1, hiddenOrder, spec.outputLayer === 'dense');
  return { ...topology, widths: spec.widths.slice(0, n + 1), unitOrders };
}

/** Validates what the topology does not: widths and layer arrangement. */
export function validateModelSpec(spec: ModelSpec): void {
  check(Array.isArray(spec.widths) && spec.widths.length >= 2, () =>
    `widths must list at least an input and an output width, got ${JSON.stringify(spec.widths)}`);
  spec.widths.forEach((w, l) => checkInt(w, `width of layer ${l}`, 1, 1 << 24));
  check(spec.outputLayer === 'dense' || spec.outputLayer === 'path', () =>
    `output layer must be dense or path, got ${JSON.stringify(spec.outputLayer)}`);
  if (spec.paths !== null && pathLayerCount(spec) === 0) {
    throw new SobolnetError(
      `widths ${spec.widths.join('-')} have no hidden layer for paths: add a hidden width or use --output-layer path`);
  }
}
