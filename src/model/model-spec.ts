/**
 * The generator spec of a whole model, in one of two forms. A model file stores this spec and the
 * weights; the topology is always regenerated from it.
 * - An MLP spec (`widths`): widths, which linear layers are path-sparse, the topology's generator
 *   spec, normalisation and initialisation; the form of every model file before graph models.
 * - A graph spec (`layers`, graph-spec.ts): convolutions, pooling, residual blocks.
 */
import * as z from 'zod';
import { check, checkInt, SobolnetError } from '../core/errors.js';
import { initSpecSchema } from '../layers/init.js';
import { SOBOL_ORDERS } from '../sequences/sobol.js';
import { pathsOfPair, resolveTopologySpec } from '../topology/resolve-spec.js';
import { duplicatePolicySchema, pathCountSchema, pathSourceSchema, type ResolvedTopologySpec, type TopologySpec } from '../topology/spec.js';
import { hiddenUnitOrders, UNIT_ORDERS, type UnitOrder } from '../topology/unit-order.js';
import type { ImageShape, LayerSpec } from './layer-spec.js';
import { graphBuildCost, graphSpecSchema, graphTopologySpec, pathChain, validateGraphSpec, type GraphSpec } from './graph-spec.js';

/**
 * The hidden-unit order of a path spec that names none: bit-reversed, the faster storage of the
 * same network (the default of `sobolnet train` and of run recipes, which read it from here). A
 * model file always stores it explicitly (encodeModel fills it in; files from before it was stored
 * decode as 'natural'), so changing this default never changes what a saved file means.
 */
export const DEFAULT_HIDDEN_ORDER: UnitOrder = 'bit-reversed';

/**
 * The part of a topology spec that does not depend on the widths, and the storage order of the
 * hidden layers' units (default DEFAULT_HIDDEN_ORDER). Strict: no other keys. Value ranges that
 * depend on the widths are checked by resolveTopologySpec.
 */
export const pathSpecSchema = z.strictObject({
  source: pathSourceSchema,
  paths: pathCountSchema,
  /** Sequence component driving each layer. */
  components: z.array(z.int().min(0)).readonly().optional(),
  /** Enumeration order of the Sobol' points. */
  order: z.enum(SOBOL_ORDERS).optional(),
  duplicates: duplicatePolicySchema.optional(),
  hiddenOrder: z.enum(UNIT_ORDERS).optional(),
}).readonly();
/** The part of a topology spec that does not depend on the widths, and the hidden units' storage order. */
export type PathSpec = z.infer<typeof pathSpecSchema>;

/** The largest width of any layer (units are addressed by Int32 and mapped exactly). */
export const MAX_MODEL_WIDTH = 1 << 24;

/** The schema of an MLP spec (strict at every level). */
export const mlpSpecSchema = z.strictObject({
  /** All widths, input first, classes last: e.g. [784, 1024, 1024, 10]. */
  widths: z.array(z.int().min(1).max(MAX_MODEL_WIDTH)).min(2).readonly(),
  /** Path topology of the sparse layers; null makes every layer dense (the dense counterpart). */
  paths: pathSpecSchema.nullable(),
  /** Whether the last layer is dense (default) or path-sparse too. Ignored when paths is null. */
  outputLayer: z.enum(['dense', 'path']),
  /** Batch normalisation after every hidden linear layer. */
  batchNorm: z.boolean(),
  init: initSpecSchema,
}).readonly();
/** An MLP: widths, which linear layers are path layers (the topology's spec), batch norm and init. */
export type MlpSpec = z.infer<typeof mlpSpecSchema>;

/** A model spec: an MLP spec or a graph spec. */
export type ModelSpec = MlpSpec | GraphSpec;

/**
 * The schema that `value` (untrusted JSON) must follow: the graph spec's when it has a `layers`
 * key, the MLP spec's otherwise. Choosing before parsing keeps every error about the one form
 * meant (`spec.widths[1] must be ...`) rather than a union's "matches neither".
 */
export function modelSpecSchemaFor(value: unknown): typeof mlpSpecSchema | typeof graphSpecSchema {
  return typeof value === 'object' && value !== null && 'layers' in value ? graphSpecSchema : mlpSpecSchema;
}

/** Whether `spec` is a graph spec (else an MLP spec). */
export function isGraphSpec(spec: ModelSpec): spec is GraphSpec {
  return 'layers' in spec;
}

/** Number of path layers: leading linear layers of an MLP, the chain of a graph (0 for a dense model). */
export function pathLayerCount(spec: ModelSpec): number {
  if (spec.paths === null) return 0;
  if (isGraphSpec(spec)) return pathChain(spec).length;
  const linear = spec.widths.length - 1;
  return spec.outputLayer === 'path' ? linear : linear - 1;
}

/** The topology spec of the path layers, or null when there are none. */
export function topologySpecOf(spec: ModelSpec): TopologySpec | null {
  if (isGraphSpec(spec)) return graphTopologySpec(spec);
  const n = pathLayerCount(spec);
  if (spec.paths === null || n === 0) return null;
  const { hiddenOrder = DEFAULT_HIDDEN_ORDER, ...topology } = spec.paths;
  // The topology's last layer is hidden in the network unless the output layer is a path layer too.
  const unitOrders = hiddenUnitOrders(n + 1, hiddenOrder, spec.outputLayer === 'dense');
  return { ...topology, widths: spec.widths.slice(0, n + 1), unitOrders };
}

/** Validates what the schema and the topology do not: widths and layer arrangement, shapes of a graph. */
export function validateModelSpec(spec: ModelSpec): void {
  if (isGraphSpec(spec)) {
    validateGraphSpec(spec);
    return;
  }
  check(Array.isArray(spec.widths) && spec.widths.length >= 2, () =>
    `widths must list at least an input and an output width, got ${JSON.stringify(spec.widths)}`);
  spec.widths.forEach((w, l) => checkInt(w, `width of layer ${l}`, 1, 1 << 24));
  check(spec.outputLayer === 'dense' || spec.outputLayer === 'path', () =>
    `output layer must be dense or path, got ${JSON.stringify(spec.outputLayer)}`);
  if (spec.paths !== null && pathLayerCount(spec) === 0) {
    throw new SobolnetError(
      `widths ${spec.widths.join('-')} have no hidden layer for paths: add a hidden width or use --output-layer path`);
  }
}

/**
 * How many scalars building a Model of `spec` touches (topology generation and every array), found
 * without allocating: for an MLP, per path layer P_l + I + O, per dense layer I * O + O (a graph:
 * graphBuildCost). Validates the spec (SobolnetError) first. Lets a loader refuse a spec whose cost
 * its file's size cannot justify.
 */
export function modelBuildCost(spec: ModelSpec): number {
  validateModelSpec(spec);
  if (isGraphSpec(spec)) {
    const tspec = graphTopologySpec(spec);
    const topology = tspec === null ? null : resolveTopologySpec(tspec);
    return graphBuildCost(spec, (j) => (topology === null ? 0 : pathsOfPair(topology, j)));
  }
  const w = spec.widths;
  return linearLayerPaths(spec).paths.reduce<number>((cost, P, l) =>
    cost + (P === null ? w[l] * w[l + 1] + w[l + 1] : P + w[l] + w[l + 1]), 0);
}

/**
 * The paths P_l that each linear layer of an MLP spec generates (null for a dense layer), and the
 * resolved topology spec they come from (null without path layers); nothing is generated.
 */
export function linearLayerPaths(spec: MlpSpec): { readonly topology: ResolvedTopologySpec | null; readonly paths: (number | null)[] } {
  const tspec = topologySpecOf(spec);
  const topology = tspec === null ? null : resolveTopologySpec(tspec);
  const pathLayers = pathLayerCount(spec);
  return { topology, paths: spec.widths.slice(1).map((_, l) => (topology !== null && l < pathLayers ? pathsOfPair(topology, l) : null)) };
}

/**
 * The layer specs of any model spec and its input shape: a graph's own, or an MLP's linear layers
 * (path for the first pathLayerCount), with batch norm (if asked) and ReLU between them.
 */
export function layersOf(spec: ModelSpec): { readonly input: ImageShape; readonly layers: readonly LayerSpec[] } {
  if (isGraphSpec(spec)) return spec;
  const w = spec.widths;
  const paths = pathLayerCount(spec);
  const layers: LayerSpec[] = [];
  for (let l = 0; l + 1 < w.length; l++) {
    layers.push({ kind: 'linear', outputs: w[l + 1], path: l < paths });
    if (l + 2 < w.length) {
      if (spec.batchNorm) layers.push({ kind: 'batchnorm' });
      layers.push({ kind: 'relu' });
    }
  }
  return { input: { channels: w[0], height: 1, width: 1 }, layers };
}
