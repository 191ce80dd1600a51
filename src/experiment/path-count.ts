/**
 * Path counts from a weight budget: `density` d asks for the largest number of paths P whose
 * network has at most d × (the dense network's weights) weights, counting every linear weight
 * (path edges after merging duplicates, and the dense output layer if there is one; biases and
 * batch-norm parameters excluded). Published sparse-training results (SET, SNIP, Sparse Momentum)
 * count density this way, over all layers.
 */
import { check } from '../core/errors.js';
import { pathLayerCount, topologySpecOf, type MlpSpec } from '../model/model-spec.js';
import { buildTopology } from '../topology/build-topology.js';
import type { ModelSpec } from '../model/model-spec.js';
import { mlpSpecOf, mlpWidths, modelSpecOf, type RunRecipe } from './run-recipe.js';

/** Linear weights of the dense network with these widths: sum of w[l] * w[l+1]. */
export function denseWeightCount(widths: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < widths.length; l++) n += widths[l] * widths[l + 1];
  return n;
}

/** Linear weights of a model spec: path edges of the generated topology plus its dense layers. */
export function weightCount(spec: MlpSpec): number {
  const topologySpec = topologySpecOf(spec);
  const pathLayers = pathLayerCount(spec);
  const edges = topologySpec ? buildTopology(topologySpec).layers.reduce((n, c) => n + c.edges, 0) : 0;
  return edges + denseWeightCount(spec.widths.slice(pathLayers));
}

/**
 * The recipe with its `density` replaced by the path count that meets it (a recipe without a
 * density comes back as it is). Binary search: the weights grow with the paths, since a prefix
 * of the sequence (or of the random walks) only gains edges as it gets longer.
 *
 * allocation 'uniform': the largest total P. 'erdos-renyi': pair l gets round(s * (n_l + n_(l+1)))
 * paths (at least 1), for the largest scale s (found to 1e-9 relative) within the budget.
 */
export function resolveDensity(r: RunRecipe, defaultFanIn: number): RunRecipe {
  // A preset's density is a channel fraction per path layer (graphSpecOf), not a weight budget.
  if (r.density === undefined || r.source === 'dense' || r.arch !== 'mlp') return r;
  const { density, ...rest } = r;
  const widths = mlpWidths(r);
  const denseWeights = denseWeightCount(widths);
  const budget = density * denseWeights;
  const cleared = { ...rest, fanIn: undefined, paths: undefined, pathsPerLayer: undefined };
  if (r.allocation === 'erdos-renyi') {
    const pairs = pathLayerCount(mlpSpecOf(cleared, defaultFanIn));
    const perLayerAt = (s: number): number[] =>
      Array.from({ length: pairs }, (_, l) => Math.max(1, Math.round(s * (widths[l] + widths[l + 1]))));
    const fits = (s: number): boolean =>
      weightCount(mlpSpecOf({ ...cleared, pathsPerLayer: perLayerAt(s) }, defaultFanIn)) <= budget;
    check(fits(0), () => `density ${density} is below what one path per layer pair gives`);
    let lo = 0, hi = 1;
    while (fits(hi) && hi < denseWeights) { lo = hi; hi *= 2; }
    while (hi - lo > 1e-9 * hi) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid; else hi = mid;
    }
    return { ...cleared, pathsPerLayer: perLayerAt(lo) };
  }
  const weightsAt = (paths: number): number => weightCount(mlpSpecOf({ ...cleared, paths }, defaultFanIn));
  check(weightsAt(1) <= budget, () =>
    `density ${density} is below what one path gives (${weightsAt(1)} of ${denseWeights} weights)`);
  let lo = 1, hi = 2;
  while (weightsAt(hi) <= budget && hi < denseWeights) { lo = hi; hi *= 2; }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (weightsAt(mid) <= budget) lo = mid; else hi = mid;
  }
  return { ...cleared, paths: lo };
}

/** The model spec a recipe trains: its density resolved to a path count first (train, experiment and scripts/init-model.ts). */
export function resolvedModelSpec(r: RunRecipe, defaultFanIn: number): ModelSpec {
  return modelSpecOf(resolveDensity(r, defaultFanIn), defaultFanIn);
}
