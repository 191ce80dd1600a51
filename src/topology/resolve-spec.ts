/**
 * Validation of a topology spec and its defaults. Everything that reads a spec takes the resolved
 * form, so checks happen once, here, with the bad value in the message.
 *
 * Shape legend: P paths, L layers (widths.length = L + 1 layers, L layer pairs).
 */
import { check, checkInt, checkOneOf } from '../core/errors.js';
import { SOBOL_COMPONENTS } from '../sequences/sobol.js';
import { UNIT_ORDERS } from './unit-order.js';
import type { SobolOrder } from '../sequences/sobol.js';
import { PATH_SOURCE_KINDS } from './spec.js';
import type { DuplicatePolicy, PathCount, PathSource, ResolvedTopologySpec, TopologySpec } from './spec.js';

/** Widest layer allowed: units are addressed by Int32 and the unit map stays exact. */
export const MAX_WIDTH = 2 ** 24;
/** Most paths allowed: edge offsets are Int32. */
export const MAX_PATHS = 2 ** 30;
/** Most path-edges over all layer pairs (P * L): bounds the memory of the index arrays (12 bytes each). */
export const MAX_PATH_EDGES = 2 ** 28;

/**
 * What a topology spec that leaves a field out gets, here and in `sobolnet train` (the recipe
 * defaults read them from here): the Sobol' points in natural order, and repeated edges merged.
 */
export const TOPOLOGY_DEFAULTS = { order: 'natural', duplicates: 'merge' } as const satisfies {
  order: SobolOrder; duplicates: DuplicatePolicy;
};

const ORDERS: readonly SobolOrder[] = ['natural', 'gray'];
const POLICIES: readonly DuplicatePolicy[] = ['merge', 'keep'];

/** Checks `spec` and fills its defaults. Widths [L+1] -> the same spec with P and every field set. */
export function resolveTopologySpec(spec: TopologySpec): ResolvedTopologySpec {
  check(typeof spec === 'object' && spec !== null, () => `topology spec must be an object, got ${String(spec)}`);
  const widthsIn = spec.widths as unknown;
  check(Array.isArray(widthsIn) && widthsIn.length >= 2, () =>
    `topology widths must be an array of at least 2 layer widths, got ${JSON.stringify(widthsIn)}`);
  const widths = (widthsIn as readonly number[]).map((n, l) => checkInt(n, `topology widths[${l}]`, 1, MAX_WIDTH));
  const pairs = widths.length - 1;

  const source = resolveSource(spec.source);
  const { paths, pathCount } = resolvePaths(spec.paths, widths);
  check(pathCount * pairs <= MAX_PATH_EDGES, () =>
    `topology paths x layer pairs must be at most ${MAX_PATH_EDGES}, got ${pathCount} x ${pairs} = ${pathCount * pairs}`);

  const componentsIn = (spec.components ?? widths.map((_, l) => l)) as unknown;
  check(Array.isArray(componentsIn) && componentsIn.length === widths.length, () =>
    `topology components must be an array of ${widths.length} entries (one per layer), got ${JSON.stringify(componentsIn)}`);
  const components = (componentsIn as readonly number[]).map((c, l) =>
    checkInt(c, `topology components[${l}]`, 0, SOBOL_COMPONENTS - 1));

  const order = checkOneOf(String(spec.order ?? TOPOLOGY_DEFAULTS.order), 'topology order', ORDERS);
  const duplicates = checkOneOf(String(spec.duplicates ?? TOPOLOGY_DEFAULTS.duplicates), 'topology duplicates', POLICIES);
  const ordersIn = (spec.unitOrders ?? widths.map(() => 'natural')) as unknown;
  check(Array.isArray(ordersIn) && ordersIn.length === widths.length, () =>
    `topology unitOrders must be an array of ${widths.length} entries (one per layer), got ${JSON.stringify(ordersIn)}`);
  const unitOrders = (ordersIn as readonly unknown[]).map((o, l) => checkOneOf(String(o), `topology unitOrders[${l}]`, UNIT_ORDERS));
  return { widths, source, paths, pathCount, components, order, duplicates, unitOrders };
}

/** How many paths layer pair l (layer l to l + 1) takes its edges from: the first ones of the P. */
export function pathsOfPair(spec: ResolvedTopologySpec, l: number): number {
  return 'perLayer' in spec.paths ? spec.paths.perLayer[l] : spec.pathCount;
}

/** A fresh copy of the path source holding only its own fields. */
function resolveSource(source: PathSource): PathSource {
  check(typeof source === 'object' && source !== null, () => `topology source must be an object, got ${String(source)}`);
  const kind = checkOneOf(String(source.kind), 'topology source kind', PATH_SOURCE_KINDS);
  if (kind === 'sobol') return { kind };
  const seed = (source as { seed?: unknown }).seed;
  check(typeof seed === 'number' && Number.isSafeInteger(seed), () =>
    `topology source seed (${kind}) must be a safe integer, got ${String(seed)}`);
  switch (kind) {
    case 'sobol-shift':
    case 'sobol-owen':
    case 'random-walk':
    case 'random-mask':
      return { kind, seed };
    default:
      kind satisfies never;
      throw new Error('unreachable');
  }
}

/** Exactly one of total / fanIn; P = total or fanIn * max(widths). */
function resolvePaths(paths: PathCount, widths: readonly number[]): { paths: PathCount; pathCount: number } {
  check(typeof paths === 'object' && paths !== null, () => `topology paths must be an object, got ${String(paths)}`);
  const kinds = ['total', 'fanIn', 'perLayer'].filter((k) => k in paths);
  check(kinds.length === 1, () =>
    `topology paths must have exactly one of total, fanIn, perLayer, got ${JSON.stringify(paths)}`);
  if ('total' in paths) {
    const total = checkInt(paths.total, 'topology paths total', 1, MAX_PATHS);
    return { paths: { total }, pathCount: total };
  }
  if ('perLayer' in paths) {
    const list = paths.perLayer as unknown;
    check(Array.isArray(list) && list.length === widths.length - 1, () =>
      `topology paths perLayer must list ${widths.length - 1} counts (one per layer pair), got ${JSON.stringify(list)}`);
    const perLayer = (list as readonly number[]).map((n, l) => checkInt(n, `topology paths perLayer[${l}]`, 1, MAX_PATHS));
    return { paths: { perLayer }, pathCount: Math.max(...perLayer) };
  }
  const widest = Math.max(...widths);
  const fanIn = checkInt(paths.fanIn, 'topology paths fanIn', 1, Math.max(1, Math.floor(MAX_PATHS / widest)));
  return { paths: { fanIn }, pathCount: fanIn * widest };
}
