/**
 * The memory check of a run before anything is allocated: the estimate of its model and training
 * (model/memory-estimate.ts) against the limits of the backend it will run on.
 */
import type { BackendName } from '../../kernels/node/select-kernels.js';
import { checkMemoryFits, estimateMemory, estimateModelMemory, memoryLayoutOf, type MemoryEstimate } from '../../model/memory-estimate.js';
import { memoryLimitsOf } from '../../model/node/memory-limits.js';
import { evalBatchOf } from '../../train/evaluate.js';
import { pathLayerCount, type ModelSpec } from '../../model/model-spec.js';
import { denseWeightCount } from '../path-count.js';
import { mlpSpecOf, mlpWidths, modelSpecOf, type FieldLabel, type RunRecipe } from '../run-recipe.js';

/**
 * The estimate of recipe `r`. A density is not resolved (that builds topologies): each path layer
 * is bounded by the smaller of its dense size and the whole weight budget.
 */
export function recipeMemoryEstimate(r: RunRecipe, defaultFanIn: number): MemoryEstimate {
  const train = (spec: ModelSpec) => ({ batch: r.batch, evalBatch: evalBatchOf(spec), optimizer: r.optimizer });
  if (r.arch !== 'mlp') {
    const spec = modelSpecOf(r, defaultFanIn);
    return estimateModelMemory(spec, train(spec));
  }
  const spec = mlpSpecOf({ ...r, density: undefined }, defaultFanIn);
  const layout = memoryLayoutOf(spec, train(spec));
  if (r.density === undefined) return estimateMemory(layout);
  const budget = Math.ceil(r.density * denseWeightCount(mlpWidths(r)));
  const paths = pathLayerCount(spec);
  return estimateMemory({ ...layout, weights: layout.weights.map((dense, l) => (l < paths ? Math.min(dense, budget) : dense)) });
}

/** Throws one line when recipe `r` would not fit the memory of `backend`; `label` names the fields to change. */
export function checkRecipeMemory(r: RunRecipe, backend: BackendName | 'auto', defaultFanIn: number, label: FieldLabel): void {
  const options = r.arch !== 'mlp' ? `${label('batch')}`
    : r.source === 'dense' ? `${label('widths')} or ${label('batch')}`
    : `${label('widths')}, ${label('fanIn')}/${label('paths')} or ${label('batch')}`;
  checkMemoryFits(recipeMemoryEstimate(r, defaultFanIn), memoryLimitsOf(backend), options);
}
