/**
 * The path layers the benches time: the pairs of the MNIST MLP 784-1024-1024-10 (dense output
 * layer) that `sobolnet train` builds, plain Sobol' paths with fan-in K, hidden units stored in
 * `hiddenOrder` (train's default: bit-reversed). 784→1024 is the first pair, 1024→1024 the second.
 */
import type { SparseIndex } from '../../src/kernels/kernels.js';
import { topologySpecOf } from '../../src/model/model-spec.js';
import { buildTopology, type UnitOrder } from '../../src/topology/index.js';
import { RECIPE_DEFAULTS } from '../../src/experiment/run-recipe.js';

export const MLP_WIDTHS = [784, 1024, 1024, 10] as const;
export const DEFAULT_HIDDEN_ORDER: UnitOrder = RECIPE_DEFAULTS.hiddenOrder;

/** The MLP's path layer from I to O (784→1024 or 1024→1024). */
export function mlpPathLayer(I: number, O: number, fanIn: number, hiddenOrder: UnitOrder = DEFAULT_HIDDEN_ORDER): SparseIndex {
  const pair = [0, 1].find((l) => MLP_WIDTHS[l] === I && MLP_WIDTHS[l + 1] === O);
  if (pair === undefined) throw new Error(`the MLP ${MLP_WIDTHS.join('-')} has no path layer ${I}→${O}`);
  const spec = topologySpecOf({
    widths: MLP_WIDTHS, outputLayer: 'dense', batchNorm: false, init: { kind: 'he', seed: 1 },
    paths: { source: { kind: 'sobol' }, paths: { fanIn }, hiddenOrder },
  });
  return buildTopology(spec!).layers[pair];
}

/**
 * The path layer I→O as a topology of its own (widths [I, O], Sobol' components 0 and 1), both
 * layers' units in `order`: the layer that the benches timed before they took the MLP's pairs.
 */
export function standalonePathLayer(I: number, O: number, fanIn: number, order: UnitOrder): SparseIndex {
  return buildTopology({ widths: [I, O], source: { kind: 'sobol' }, paths: { fanIn }, unitOrders: [order, order] }).layers[0];
}

/**
 * A hidden pair n → n of an MLP as the width and thread-split benches time it: plain Sobol' paths,
 * components 1 and 2 (those of an MLP's first hidden pair), fan-in K, both layers stored in `order`
 * (default bit-reversed, train's default for hidden units). In 'blocks' order it is the middle pair
 * of n-n-n (components 0, 1, 2; layer 0 bit-reversed): its sources stored in the first pair's block
 * order, its targets in its own, as in a deep MLP stored that way.
 */
export function hiddenPairLayer(n: number, fanIn: number, order: UnitOrder = 'bit-reversed'): SparseIndex {
  if (order === 'blocks') {
    return buildTopology({
      widths: [n, n, n], source: { kind: 'sobol' }, paths: { fanIn }, unitOrders: ['bit-reversed', 'blocks', 'blocks'],
    }).layers[1];
  }
  return buildTopology({
    widths: [n, n], source: { kind: 'sobol' }, paths: { fanIn }, components: [1, 2], unitOrders: [order, order],
  }).layers[0];
}
