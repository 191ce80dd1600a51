/**
 * The generator spec of a graph model: an input image shape, a list of layer specs (layer-spec.ts),
 * the path spec that generates the topology of its path layers, and the initialisation. Like the
 * MLP spec, it is all a model file stores besides the weights.
 *
 * The path layers (path-sparse linear and convolution layers, in execution order, residual bodies
 * included) form one chain of the topology: path layer j connects topology layer j to j + 1, whose
 * units are the layer's input and output units (channels for a convolution, where an edge is a
 * k×k kernel). So each path layer must read as many units as the path layer before it writes; the
 * layers between them (batch norm, ReLU, pooling, dense layers off the chain such as a 1×1
 * projection shortcut) keep the channel count. One chain keeps one topology, one hash and the
 * paper's construction: the same paths run through every layer.
 *
 * Path counts per layer pair: {fanIn: K} gives every output unit of every path layer fan-in K
 * (at most its inputs): P_j = min(K, in_j) · out_j paths. {fraction: f} gives fan-in
 * max(1, round(f · in_j)): channel fan-in C/4 is fraction 0.25, the density of each path layer.
 * {perLayer} and {total} are passed to the topology as they are.
 *
 * Shape legend: P paths, L path layers.
 */
import * as z from 'zod';
import { check } from '../core/errors.js';
import { initSpecSchema } from '../layers/init.js';
import { SOBOL_ORDERS } from '../sequences/sobol.js';
import { duplicatePolicySchema, pathCountSchema, pathSourceSchema, type PathCount, type TopologySpec } from '../topology/spec.js';
import { UNIT_ORDERS, type UnitOrder } from '../topology/unit-order.js';
import { imageShapeSchema, layerSpecSchema, unitsOf, walkLayers, type ImageShape, type LayerPath, type PlacedLayer } from './layer-spec.js';

/** Path counts of a graph model: the topology's, or a fraction of each path layer's inputs. */
export const graphPathCountSchema = z.union([
  pathCountSchema,
  z.strictObject({ fraction: z.number().gt(0).max(1) }).readonly(),
], { error: () => 'must be one of {"fanIn": K}, {"fraction": f}, {"total": P}, {"perLayer": [P_0, ...]}' });
/** How many paths a graph model's path layers get: a count, or a fraction of each layer's input channels. */
export type GraphPathCount = z.infer<typeof graphPathCountSchema>;

/** The path spec of a graph model (strict). hiddenOrder relabels chain layers that are neither the model's input nor its output. */
export const graphPathSpecSchema = z.strictObject({
  source: pathSourceSchema,
  paths: graphPathCountSchema,
  components: z.array(z.int().min(0)).readonly().optional(),
  order: z.enum(SOBOL_ORDERS).optional(),
  duplicates: duplicatePolicySchema.optional(),
  hiddenOrder: z.enum(UNIT_ORDERS),
}).readonly();
/** The path spec of a graph model: source, count, Sobol' details and the hidden-unit order. */
export type GraphPathSpec = z.infer<typeof graphPathSpecSchema>;

export const graphSpecSchema = z.strictObject({
  /** The shape of one input sample (a feature vector of n is n×1×1). */
  input: imageShapeSchema,
  layers: z.array(layerSpecSchema).min(1).readonly(),
  /** Topology of the path layers; null when the model has none. */
  paths: graphPathSpecSchema.nullable(),
  init: initSpecSchema,
}).readonly();
/** A graph model: an input shape, a list of layer specs (convolutions, pooling, residual blocks), paths and init. */
export type GraphSpec = z.infer<typeof graphSpecSchema>;

/** A path layer of the chain: where it is, and the units it connects. */
export interface ChainLink {
  readonly where: LayerPath;
  readonly placed: PlacedLayer;
  /** Input units of the topology layer pair (channels for a convolution). */
  readonly inputs: number;
  readonly outputs: number;
}

/** Every layer of `spec`, placed, in execution order (residual blocks before their body and shortcut). */
export function placedLayers(spec: GraphSpec): { layers: { placed: PlacedLayer; where: LayerPath }[]; output: ImageShape } {
  const layers: { placed: PlacedLayer; where: LayerPath }[] = [];
  const output = walkLayers(spec.layers, spec.input, '', (placed, where) => layers.push({ placed, where }));
  return { layers, output };
}

/** The path layers of `spec` in order, checked to form one chain. */
export function pathChain(spec: GraphSpec): ChainLink[] {
  const links: ChainLink[] = [];
  for (const { placed, where } of placedLayers(spec).layers) {
    const s = placed.spec;
    if ((s.kind === 'linear' || s.kind === 'conv') && s.path) {
      const inputs = s.kind === 'conv' ? placed.input.channels : unitsOf(placed.input);
      links.push({ where, placed, inputs, outputs: s.outputs });
    }
  }
  links.forEach((link, j) => {
    if (j === 0) return;
    const before = links[j - 1];
    check(link.inputs === before.outputs, () =>
      `path layers must form one chain: layer ${link.where} (${link.placed.spec.kind}) reads ${link.inputs} units but the path ` +
      `layer before it, ${before.where}, writes ${before.outputs}; make one of them dense (path: false)`);
  });
  return links;
}

/** Validates a graph spec: shapes fit, the path layers form a chain, and there are path layers when paths are given. */
export function validateGraphSpec(spec: GraphSpec): void {
  const chain = pathChain(spec);
  if (spec.paths !== null) {
    check(chain.length > 0, () => 'the model has a path spec but no path layer (no layer with "path": true)');
  } else {
    check(chain.length === 0, () => `layer ${chain[0].where} is a path layer but the model has no path spec ("paths": null)`);
  }
}

/** The topology spec of the path chain, or null without path layers. */
export function graphTopologySpec(spec: GraphSpec): TopologySpec | null {
  const chain = pathChain(spec);
  if (spec.paths === null || chain.length === 0) return null;
  const { paths, hiddenOrder, ...rest } = spec.paths;
  const widths = [chain[0].inputs, ...chain.map((c) => c.outputs)];
  const first = chain[0].placed, last = chain[chain.length - 1].placed;
  // The model's own input and output units have fixed meanings (pixels, classes): never relabelled.
  const readsInput = first.input === spec.input;
  const writesOutput = placedLayers(spec).layers.at(-1)?.placed === last;
  const unitOrders: UnitOrder[] = widths.map((_, l) =>
    (l === 0 && readsInput) || (l === widths.length - 1 && writesOutput) ? 'natural' : hiddenOrder);
  return { ...rest, widths, paths: chainPathCount(paths, chain), unitOrders };
}

/** A graph path count in the topology's terms. */
function chainPathCount(paths: GraphPathCount, chain: readonly ChainLink[]): PathCount {
  if ('fanIn' in paths) return { perLayer: chain.map((c) => Math.min(paths.fanIn, c.inputs) * c.outputs) };
  if ('fraction' in paths) {
    return { perLayer: chain.map((c) => fanInOfFraction(paths.fraction, c.inputs) * c.outputs) };
  }
  return paths;
}

/** The channel fan-in a fraction gives a path layer with `inputs` input units. */
export function fanInOfFraction(fraction: number, inputs: number): number {
  return Math.max(1, Math.round(fraction * inputs));
}

/**
 * How many scalars building a model of `spec` touches, found without generating anything: a path
 * layer its P_j paths, its units and P_j · k² weights (an upper bound on its edges), a dense layer
 * its weights, every layer its output units. Validates the spec first.
 */
export function graphBuildCost(spec: GraphSpec, pathsOfLink: (j: number) => number): number {
  validateGraphSpec(spec);
  let cost = 0, j = 0;
  for (const { placed } of placedLayers(spec).layers) {
    const s = placed.spec;
    cost += unitsOf(placed.output);
    if (s.kind !== 'linear' && s.kind !== 'conv') continue;
    const taps = s.kind === 'conv' ? s.kernel * s.kernel : 1;
    const inputs = s.kind === 'conv' ? placed.input.channels : unitsOf(placed.input);
    if (s.path) {
      const P = pathsOfLink(j++);
      cost += P * (1 + taps) + inputs + s.outputs;
    } else {
      cost += inputs * s.outputs * taps + s.outputs;
    }
  }
  return cost;
}
