/**
 * `sobolnet topology`: build a path topology and print its statistics — of a chain of path layers
 * given by --widths, or of the path chain of a convolutional preset (--arch), whose units are
 * channels and whose edges are k×k kernels.
 */
import { Option, type Command } from 'commander';
import { check, SobolnetError } from '../core/errors.js';
import { NETWORK_DEFAULTS, RECIPE_DATASETS, completeRecipe, flagOf, modelSpecOf, type RecipeDataset } from '../experiment/run-recipe.js';
import { buildTopology, type Topology } from '../topology/build-topology.js';
import { formatStatsTable } from '../topology/stats-table.js';
import { topologyStats } from '../topology/stats.js';
import { topologyHash } from '../topology/topology-hash.js';
import { hiddenUnitOrders } from '../topology/unit-order.js';
import { pathChain, type GraphSpec } from '../model/graph-spec.js';
import { shapeText } from '../model/layer-spec.js';
import { checkIndexFits, estimateMemory, estimateModelMemory, memoryLayoutOf } from '../model/memory-estimate.js';
import type { MlpSpec } from '../model/model-spec.js';
import { DEFAULT_HIDDEN_ORDER, topologySpecOf } from '../model/model-spec.js';
import { memoryLimitsOf } from '../model/node/memory-limits.js';
import { ARCHITECTURES, type Architecture } from '../model/presets.js';
import { parseNumber, parseWidths } from './parse.js';
import { addPathOptions, pathSpecOf, SOURCE_CHOICES, type PathOptions } from './path-options.js';

/** The fan-in when none is given: train's (NETWORK_DEFAULTS), so `topology --arch` shows what `train --arch` builds. */
const DEFAULT_FAN_IN = NETWORK_DEFAULTS.fanIn;

interface TopologyOptions extends PathOptions {
  widths?: number[];
  arch?: Exclude<Architecture, 'mlp'>;
  dataset: RecipeDataset;
  density?: number;
  json: boolean;
}

export function registerTopology(program: Command): void {
  const command = program.command('topology')
    .description('build a path topology and report edges, density, duplicates, degrees, the permutation check and the dense blocks')
    .option('--widths <list>', 'layer widths of the path layers, e.g. 1024-1024-1024', parseWidths)
    .addOption(new Option('--arch <name>', 'instead of --widths: the path layers of a convolutional preset (units are channels)')
      .choices(ARCHITECTURES.filter((a) => a !== 'mlp')))
    .addOption(new Option('--dataset <name>', 'with --arch: the data set whose images the preset reads').choices(RECIPE_DATASETS).default('mnist'))
    .option('--density <f>', 'with --arch, instead of --fan-in: every path layer\'s channel fan-in as this fraction of its input channels',
      parseNumber(0, 1, true));
  addPathOptions(command, SOURCE_CHOICES, DEFAULT_FAN_IN)
    .option('--json', 'print the statistics as JSON', false)
    .action((o: TopologyOptions, cmd: Command) => {
      const given = (name: string): boolean => ![undefined, 'default'].includes(cmd.getOptionValueSource(name));
      const { topology, labels, title } = o.arch !== undefined ? presetTopology(o, given) : widthsTopology(o, given);
      const stats = topologyStats(topology);
      if (o.json) {
        process.stdout.write(JSON.stringify({ spec: topology.spec, hash: topologyHash(topology), layers: stats }, null, 2) + '\n');
      } else {
        process.stdout.write(`${title}, ${topology.spec.source.kind}, ${topology.spec.pathCount} paths, ` +
          `components ${topology.spec.components.join(',')}, ${topology.spec.order} order, duplicates ${topology.spec.duplicates}` +
          // Only hidden layers are relabelled: without one, the order is not a property of the topology.
          `${topology.spec.widths.length > 2 ? `, hidden units ${o.hiddenOrder}` : ''}\n`);
        process.stdout.write(formatStatsTable(stats, labels) + '\n');
      }
    });
}

interface Built { topology: Topology; labels?: string[]; title: string }

/** A chain of path layers of the given widths, every layer a path layer. */
function widthsTopology(o: TopologyOptions, given: (name: string) => boolean): Built {
  check(o.widths !== undefined, () => 'give --widths (e.g. 1024-1024-1024) or --arch');
  for (const name of ['density', 'dataset']) {
    check(!given(name), () => `--${name} applies only with --arch`);
  }
  const paths = pathSpecOf(o, DEFAULT_FAN_IN);
  if (!paths) throw new SobolnetError('a topology needs a path source, got dense');
  // Its index arrays must fit before any is built (every layer a path layer, no training).
  const spec: MlpSpec = { widths: o.widths, paths, outputLayer: 'path', batchNorm: false, init: { kind: 'qmc-normal' } };
  checkIndexFits(estimateMemory(memoryLayoutOf(spec, { batch: 1, evalBatch: 1, optimizer: 'sgd' })),
    memoryLimitsOf('reference').hostMemory, '--widths or --fan-in/--paths');
  // As in a model whose layers are all path layers: the first and last widths keep their order.
  const { hiddenOrder = DEFAULT_HIDDEN_ORDER, ...rest } = paths;
  const topology = buildTopology({ ...rest, widths: o.widths, unitOrders: hiddenUnitOrders(o.widths.length, hiddenOrder, false) });
  return { topology, title: `widths ${o.widths.join('-')}` };
}

/** The path chain of a preset on a data set's images, with each pair's model layer. */
function presetTopology(o: TopologyOptions, given: (name: string) => boolean): Built {
  check(o.widths === undefined, () => '--widths and --arch exclude each other: a preset has its own layers');
  const fields = Object.fromEntries(['source', 'seed', 'fanIn', 'paths', 'density', 'components', 'order', 'duplicates', 'hiddenOrder']
    .filter(given).map((name) => [name, (o as unknown as Record<string, unknown>)[name]]));
  const fanIn = o.fanIn === undefined && o.density === undefined && o.paths === undefined ? { fanIn: DEFAULT_FAN_IN } : {};
  const recipe = completeRecipe({ arch: o.arch, dataset: o.dataset, ...fanIn, ...fields }, '', flagOf);
  const spec = modelSpecOf(recipe, DEFAULT_FAN_IN) as GraphSpec;
  checkIndexFits(estimateModelMemory(spec, { batch: 1, evalBatch: 1, optimizer: 'sgd' }),
    memoryLimitsOf('reference').hostMemory, '--fan-in/--density');
  const tspec = topologySpecOf(spec);
  if (tspec === null) throw new SobolnetError('a topology needs a path source, got dense');
  const labels = pathChain(spec).map(({ where, placed }) => {
    const s = placed.spec;
    const op = s.kind === 'conv' ? `conv ${s.kernel}×${s.kernel}${s.stride > 1 ? `/${s.stride}` : ''}` : 'linear';
    return `${where} ${op} ${shapeText(placed.input)} -> ${shapeText(placed.output)}`;
  });
  return { topology: buildTopology(tspec), labels, title: `${o.arch} on ${o.dataset} (channels)` };
}
