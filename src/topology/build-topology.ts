/**
 * A spec -> its topology: the gather index of every layer pair. Path units are generated one layer
 * at a time, so at most two layers of units ([P] each) are alive besides the index arrays.
 *
 * Shape legend: P paths, L layers (L + 1 widths, L pairs).
 */
import { denseBlocks } from '../kernels/dense-blocks.js';
import { buildConnectivity } from './connectivity.js';
import type { LayerConnectivity } from './connectivity.js';
import { pairUnitLayers } from './path-units.js';
import { randomMaskLayers } from './random-mask.js';
import { resolveTopologySpec } from './resolve-spec.js';
import type { ResolvedTopologySpec, TopologySpec } from './spec.js';
import { relabelUnits, unitLabels } from './unit-order.js';

/** A path topology: its resolved spec and the gather index of every layer pair. */
export interface Topology {
  readonly spec: ResolvedTopologySpec;
  /** layers[l] connects layer l (inputs) to layer l + 1 (outputs). [L] */
  readonly layers: readonly LayerConnectivity[];
}

/** Validates `spec` and generates every layer pair's connectivity -> L pairs. */
export function buildTopology(spec: TopologySpec): Topology {
  const resolved = resolveTopologySpec(spec);
  if (resolved.source.kind === 'random-mask') return { spec: resolved, layers: randomMaskLayers(resolved) };
  const { widths, duplicates, unitOrders } = resolved;
  const labels = widths.map((n, l) => (unitOrders[l] === 'natural' ? null : unitLabels(n, unitOrders[l])));
  const relabel = (units: Int32Array, l: number): Int32Array => {
    const map = labels[l];
    return map === null ? units : relabelUnits(units, map);
  };
  const layers: LayerConnectivity[] = [];
  for (const [sources, targets] of pairUnitLayers(resolved)) {
    const l = layers.length;
    const pair = buildConnectivity(relabel(sources, l), relabel(targets, l + 1), widths[l], widths[l + 1], duplicates);
    const blockMajor = unitOrders[l + 1] === 'blocks' ? blockMajorLabels(pair) : null;
    if (blockMajor === null) {
      layers.push(pair);
      continue;
    }
    labels[l + 1] = relabelUnits(labels[l + 1]!, blockMajor); // the next pair reads this layer in block order too
    layers.push(buildConnectivity(relabel(sources, l), relabel(targets, l + 1), widths[l], widths[l + 1], duplicates));
  }
  return { spec: resolved, layers };
}

/**
 * The 'blocks' relabelling of a pair's targets: out[t] = the row of target t when each dense block's
 * targets are stored together (blocks in the order of their first target, targets ascending within
 * a block) -> [O]; null where the pair is not block-dense (the targets keep their rows).
 */
function blockMajorLabels(pair: LayerConnectivity): Int32Array | null {
  const blocks = denseBlocks(pair);
  if (blocks === null) return null;
  const out = new Int32Array(pair.outputs);
  blocks.targets.forEach((t, row) => (out[t] = row));
  return out;
}
