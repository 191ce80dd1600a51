/**
 * `sobolnet/experiment`: the experiment harness behind `sobolnet train` and `sobolnet experiment`,
 * for Node. A run recipe (the flat vocabulary of `train`'s options) becomes a model spec and a
 * training configuration; an experiment spec is a grid of recipes, run each in a child process,
 * summarised as a markdown table and plotted.
 *
 * Plots need the optional peer dependencies vega, vega-lite, @resvg/resvg-js and dejavu-fonts-ttf;
 * they are imported when a plot is first drawn, and a missing one ends with one line that says
 * what to install. Everything else here needs only what the main entry needs.
 *
 * @module sobolnet/experiment
 */
import './sequences/node/register-joe-kuo-table.js';

export {
  completeRecipe, datasetImageShape, DATASET_INPUT_DEFAULTS, modelSpecOf, NETWORK_DEFAULTS, recipeKey,
  trainConfigOf, RECIPE_DEFAULTS, RECIPE_DATASETS, RECIPE_SOURCES,
} from './experiment/run-recipe.js';
export type { CompleteRecipeOptions, FieldLabel, RecipeDataset, RecipeSource, RunRecipe } from './experiment/run-recipe.js';
export { parseExperimentSpec, planRuns } from './experiment/experiment-spec.js';
export type { ExperimentSpec, PlannedRun } from './experiment/experiment-spec.js';
export { dataForRecipe, runRecipe, type RunRecord } from './experiment/run-record.js';
export { resolveDensity } from './experiment/path-count.js';
export { markdownTable, RANK_BY, summarize } from './experiment/summarize.js';
export type { AccuracySummary, GroupSummary, RankBy } from './experiment/summarize.js';
export { accuracyPlotSpec } from './experiment/plot-specs.js';
export type { AccuracyPlotOptions, PlotPoint } from './experiment/plot-specs.js';
export { runExperiment } from './experiment/node/run-experiment.js';
export type { ExperimentEvents, ExperimentOptions, ExperimentOutcome } from './experiment/node/run-experiment.js';
export { loadPlotting, PLOT_PACKAGES, renderSvg, svgToPng, writePlot } from './experiment/node/render-plot.js';
export type { Plotting } from './experiment/node/render-plot.js';
