/**
 * The options that describe a path topology, shared by `train` and `topology`,
 * and their translation into a PathSpec.
 */
import { Option, type Command } from 'commander';
import { SobolnetError } from '../core/errors.js';
import type { PathSpec } from '../model/model-spec.js';
import type { PathSource } from '../topology/spec.js';
import { parseInteger, parseIntegerList } from './parse.js';

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
}

export function addPathOptions(command: Command, sources: readonly string[], defaultFanIn: number): Command {
  return command
    .addOption(new Option('--source <kind>', 'where the paths come from').choices(sources).default('sobol'))
    .option('--seed <n>', 'seed of scrambling, random walks, random masks, initialisation and shuffling', parseInteger(0), 1)
    .option('--paths <P>', 'total number of paths (instead of --fan-in)', parseInteger(1))
    .option('--fan-in <K>', `paths per unit of the widest path layer: P = K × max width (default ${defaultFanIn})`, parseInteger(1))
    .option('--components <list>', 'Sobol\' component driving each layer, e.g. 0,1,2 (default 0,1,2,...)', parseIntegerList)
    .addOption(new Option('--order <order>', 'enumeration order of the Sobol\' points').choices(['natural', 'gray']).default('natural'))
    .addOption(new Option('--duplicates <policy>', 'repeated edges: merge into one weight, or keep as parallel weights')
      .choices(['merge', 'keep']).default('merge'));
}

function pathSource(kind: SourceChoice, seed: number): PathSource {
  switch (kind) {
    case 'sobol': return { kind };
    case 'sobol-shift': case 'sobol-owen': case 'random-walk': case 'random-mask': return { kind, seed };
    default: return kind satisfies never;
  }
}

/** The PathSpec of the options, or null for `--source dense`. */
export function pathSpecOf(options: PathOptions, defaultFanIn: number): PathSpec | null {
  if (options.source === 'dense') return null;
  if (options.paths !== undefined && options.fanIn !== undefined) {
    throw new SobolnetError(`give either --paths (${options.paths}) or --fan-in (${options.fanIn}), not both`);
  }
  return {
    source: pathSource(options.source, options.seed),
    paths: options.paths !== undefined ? { total: options.paths } : { fanIn: options.fanIn ?? defaultFanIn },
    ...(options.components ? { components: options.components } : {}),
    order: options.order,
    duplicates: options.duplicates,
  };
}
