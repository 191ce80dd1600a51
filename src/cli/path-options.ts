/**
 * The options that describe a path topology, shared by `train` and `topology`,
 * and their translation into a PathSpec.
 */
import { Option, type Command } from 'commander';
import type { PathSpec } from '../model/model-spec.js';
import { pathSpecOf as recipePathSpec, RECIPE_DEFAULTS } from '../experiment/run-recipe.js';
import { parseInteger, parseIntegerList } from './parse.js';
import { UNIT_ORDERS, type UnitOrder } from '../topology/unit-order.js';

export const SOURCE_CHOICES = ['sobol', 'sobol-shift', 'sobol-owen', 'random-walk', 'random-mask'] as const;
export type SourceChoice = (typeof SOURCE_CHOICES)[number];

export interface PathOptions {
  source: SourceChoice | 'dense';
  seed: number;
  paths?: number;
  fanIn?: number;
  components?: number[];
  order: 'natural' | 'gray';
  duplicates: 'merge' | 'keep';
  hiddenOrder: UnitOrder;
}

export function addPathOptions(command: Command, sources: readonly string[], defaultFanIn: number): Command {
  return command
    .addOption(new Option('--source <kind>', 'where the paths come from').choices(sources).default(RECIPE_DEFAULTS.source))
    .option('--seed <n>', 'seed of scrambling, random walks, random masks, initialisation and shuffling', parseInteger(0), RECIPE_DEFAULTS.seed)
    .option('--paths <P>', 'total number of paths (instead of --fan-in)', parseInteger(1))
    .option('--fan-in <K>', `paths per unit of the widest path layer: P = K × max width (default ${defaultFanIn})`, parseInteger(1))
    .option('--components <list>', 'Sobol\' component driving each layer, e.g. 0,1,2 (default 0,1,2,...)', parseIntegerList)
    .addOption(new Option('--order <order>', 'enumeration order of the Sobol\' points').choices(['natural', 'gray']).default(RECIPE_DEFAULTS.order))
    .addOption(new Option('--duplicates <policy>', 'repeated edges: merge into one weight, or keep as parallel weights')
      .choices(['merge', 'keep']).default(RECIPE_DEFAULTS.duplicates))
    .addOption(new Option('--hidden-order <order>',
      'storage order of the hidden units (same network, relabelled): bit-reversed keeps the gathered rows off the same cache sets; blocks also stores each dense block\'s targets together (faster on wide layers)')
      .choices(UNIT_ORDERS).default(RECIPE_DEFAULTS.hiddenOrder));
}

/** The PathSpec of the options, or null for `--source dense`. */
export function pathSpecOf(options: PathOptions, defaultFanIn: number): PathSpec | null {
  return recipePathSpec({ ...RECIPE_DEFAULTS, ...options }, defaultFanIn);
}
