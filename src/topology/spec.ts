/**
 * The generator spec of a path topology. A topology is always stored and transmitted as this
 * spec, never as index arrays: the arrays are regenerated from it (and checked against a hash).
 */
import type { SobolOrder } from '../sequences/sobol.js';
import type { UnitOrder } from './unit-order.js';

/** Where the paths come from. */
export type PathSource =
  | { readonly kind: 'sobol' }                                   // plain Sobol' points
  | { readonly kind: 'sobol-shift'; readonly seed: number }      // random digital shift
  | { readonly kind: 'sobol-owen'; readonly seed: number }       // Owen nested uniform scrambling
  | { readonly kind: 'random-walk'; readonly seed: number }      // independent uniform PRNG units
  | { readonly kind: 'random-mask'; readonly seed: number };     // uniform random edges, same edge count per pair as plain Sobol'

export type PathSourceKind = PathSource['kind'];
export const PATH_SOURCE_KINDS: readonly PathSourceKind[] = ['sobol', 'sobol-shift', 'sobol-owen', 'random-walk', 'random-mask'];

/**
 * How many paths: a total P, a fan-in K per unit of the widest layer (P = K * max width), or a
 * count per layer pair: pair l keeps the edges of the first perLayer[l] paths (P = the largest).
 */
export type PathCount =
  | { readonly total: number }
  | { readonly fanIn: number }
  | { readonly perLayer: readonly number[] };

/** merge: repeated edges share one weight; keep: each path edge gets its own (parallel) weight. */
export type DuplicatePolicy = 'merge' | 'keep';

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
