/** `sobolnet topology`: build a path topology and print its statistics. */
import type { Command } from 'commander';
import { SobolnetError } from '../core/errors.js';
import { buildTopology } from '../topology/build-topology.js';
import { formatStatsTable } from '../topology/stats-table.js';
import { topologyStats } from '../topology/stats.js';
import { topologyHash } from '../topology/topology-hash.js';
import { hiddenUnitOrders } from '../topology/unit-order.js';
import { checkIndexFits, estimateMemory, memoryLayoutOf } from '../model/memory-estimate.js';
import type { ModelSpec } from '../model/model-spec.js';
import { memoryLimitsOf } from '../model/node/memory-limits.js';
import { parseWidths } from './parse.js';
import { addPathOptions, pathSpecOf, SOURCE_CHOICES, type PathOptions } from './path-options.js';

const DEFAULT_FAN_IN = 16;

interface TopologyOptions extends PathOptions { widths: number[]; json: boolean }

export function registerTopology(program: Command): void {
  const command = program.command('topology')
    .description('build a path topology and report edges, density, duplicates, degrees and the permutation check')
    .requiredOption('--widths <list>', 'layer widths of the path layers, e.g. 1024-1024-1024', parseWidths);
  addPathOptions(command, SOURCE_CHOICES, DEFAULT_FAN_IN)
    .option('--json', 'print the statistics as JSON', false)
    .action((o: TopologyOptions) => {
      const paths = pathSpecOf(o, DEFAULT_FAN_IN);
      if (!paths) throw new SobolnetError('a topology needs a path source, got dense');
      // Its index arrays must fit before any is built (every layer a path layer, no training).
      const spec: ModelSpec = { widths: o.widths, paths, outputLayer: 'path', batchNorm: false, init: { kind: 'qmc-normal' } };
      checkIndexFits(estimateMemory(memoryLayoutOf(spec, { batch: 1, evalBatch: 1, optimizer: 'sgd' })),
        memoryLimitsOf('reference').hostMemory, '--widths or --fan-in/--paths');
      // As in a model whose layers are all path layers: the first and last widths keep their order.
      const { hiddenOrder = 'natural', ...rest } = paths;
      const topology = buildTopology({ ...rest, widths: o.widths, unitOrders: hiddenUnitOrders(o.widths.length, hiddenOrder, false) });
      const stats = topologyStats(topology);
      if (o.json) {
        process.stdout.write(JSON.stringify({ spec: topology.spec, hash: topologyHash(topology), layers: stats }, null, 2) + '\n');
      } else {
        process.stdout.write(`widths ${o.widths.join('-')}, ${topology.spec.source.kind}, ${topology.spec.pathCount} paths, ` +
          `components ${topology.spec.components.join(',')}, ${topology.spec.order} order, duplicates ${topology.spec.duplicates}` +
          // Only hidden layers are relabelled: without one, the order is not a property of the topology.
          `${o.widths.length > 2 ? `, hidden units ${hiddenOrder}` : ''}\n`);
        process.stdout.write(formatStatsTable(stats) + '\n');
      }
    });
}
