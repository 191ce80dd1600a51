/**
 * The generator spec of a path topology. A topology is always stored and transmitted as this
 * spec, never as index arrays: the arrays are regenerated from it (and checked against a hash).
 */
import * as z from 'zod';
import { shortJson } from '../core/parse-with-schema.js';
import type { SobolOrder } from '../sequences/sobol.js';
import type { UnitOrder } from './unit-order.js';

const seed = z.int();

/**
 * Where the paths come from; the schema of the `source` of a stored spec (strict: no other keys).
 * Seeds are safe integers; the ranges of the rest are checked by resolveTopologySpec.
 */
export const pathSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sobol') }).readonly(),                     // plain Sobol' points
  z.strictObject({ kind: z.literal('sobol-shift'), seed }).readonly(),         // random digital shift
  z.strictObject({ kind: z.literal('sobol-owen'), seed }).readonly(),          // Owen nested uniform scrambling
  z.strictObject({ kind: z.literal('random-walk'), seed }).readonly(),         // independent uniform PRNG units
  z.strictObject({ kind: z.literal('random-mask'), seed }).readonly(),         // uniform random edges, same edge count per pair as plain Sobol'
]);
/** Where a topology's paths come from: plain Sobol', a scrambled Sobol' (with a seed), or a random baseline. */
export type PathSource = z.infer<typeof pathSourceSchema>;

/** The kind of a PathSource. */
export type PathSourceKind = PathSource['kind'];
/** Every PathSourceKind. */
export const PATH_SOURCE_KINDS: readonly PathSourceKind[] = ['sobol', 'sobol-shift', 'sobol-owen', 'random-walk', 'random-mask'];

/**
 * How many paths: a total P, a fan-in K per unit of the widest layer (P = K * max width), or a
 * count per layer pair: pair l keeps the edges of the first perLayer[l] paths (P = the largest).
 */
export const pathCountSchema = z.union([
  z.strictObject({ total: z.int().min(1) }).readonly(),
  z.strictObject({ fanIn: z.int().min(1) }).readonly(),
  z.strictObject({ perLayer: z.array(z.int().min(1)).readonly() }).readonly(),
], { error: (iss) => `must be one of {"total": P}, {"fanIn": K}, {"perLayer": [P_0, ...]} (positive integers), got ${shortJson(iss.input)}` });
/** How many paths: a total, a fan-in (P = fan-in × the widest layer), or one count per layer pair. */
export type PathCount = z.infer<typeof pathCountSchema>;

/** merge: repeated edges share one weight; keep: each path edge gets its own (parallel) weight. */
export const duplicatePolicySchema = z.enum(['merge', 'keep']);
/** What repeated edges become: merged into one edge, or kept as parallel edges. */
export type DuplicatePolicy = z.infer<typeof duplicatePolicySchema>;

/** A topology's generator spec: widths, path source and count, components, order, duplicates, unit orders. */
export interface TopologySpec {
  /** Layer widths n_0 .. n_L (at least two layers). */
  readonly widths: readonly number[];
  readonly source: PathSource;
  readonly paths: PathCount;
  /** Sequence component driving each layer (length = widths.length). Default 0, 1, 2, ... */
  readonly components?: readonly number[];
  /** Enumeration order of the Sobol' points. Default 'natural'. */
  readonly order?: SobolOrder;
  /** Default 'merge'. */
  readonly duplicates?: DuplicatePolicy;
  /**
   * Storage order of each layer's units (length = widths.length); default all 'natural'. Relabel
   * hidden layers only: inputs and classes have fixed meanings. Random masks ignore it.
   */
  readonly unitOrders?: readonly UnitOrder[];
}

/** A spec with every default filled in and validated. */
export interface ResolvedTopologySpec {
  readonly widths: readonly number[];
  readonly source: PathSource;
  readonly paths: PathCount;
  readonly pathCount: number;            // P
  readonly components: readonly number[];
  readonly order: SobolOrder;
  readonly duplicates: DuplicatePolicy;
  readonly unitOrders: readonly UnitOrder[];
}
