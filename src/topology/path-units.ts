/**
 * The unit every path visits in a layer: j_l(i) = floor(n_l * x_{i,l}).
 *
 * - sobol, sobol-shift, sobol-owen: x_{i,l} is component `components[l]` of Sobol' point i (in
 *   the spec's order), scrambled per layer by `digitalShift` / `owenScramble(values, seed,
 *   component)`. Each layer is computed on its own, so any layer is O(P).
 * - random-walk: one stream `new Rng(seed)`, drawn layer by layer (layer 0 first) and path by path
 *   within a layer: j_l(i) = rng.nextInt(n_l). Layer l is therefore the (l+1)-th run of P draws;
 *   `pathUnitLayers` walks the layers in order in O(P) each, `pathUnits` replays the earlier layers.
 * - random-mask has no paths: its edges are drawn directly (see random-mask.ts).
 *
 * Shape legend: P paths, L layers.
 */
import { check, checkInt } from '../core/errors.js';
import { Rng } from '../sequences/rng.js';
import { digitalShift, owenScramble } from '../sequences/scramble.js';
import { sobolComponent } from '../sequences/sobol.js';
import { pathsOfPair } from './resolve-spec.js';
import type { ResolvedTopologySpec } from './spec.js';

const TWO_POW_32 = 4294967296;

/** The unit of every path in layer `layer` of `spec` -> [P]. */
export function pathUnits(spec: ResolvedTopologySpec, layer: number): Int32Array {
  checkInt(layer, 'layer', 0, spec.widths.length - 1);
  let l = 0;
  for (const units of pathUnitLayers(spec)) {
    if (l === layer) return units;
    l++;
  }
  throw new Error('unreachable');
}

/** Every layer's path units in order, one layer at a time -> L+1 arrays of [P]. */
export function* pathUnitLayers(spec: ResolvedTopologySpec): Generator<Int32Array, void, undefined> {
  const source = spec.source;
  const P = spec.pathCount;
  switch (source.kind) {
    case 'sobol':
    case 'sobol-shift':
    case 'sobol-owen':
      for (let l = 0; l < spec.widths.length; l++) {
        const c = spec.components[l];
        const values = sobolComponent(c, 0, P, spec.order);
        if (source.kind === 'sobol-shift') digitalShift(values, source.seed, c);
        else if (source.kind === 'sobol-owen') owenScramble(values, source.seed, c);
        yield unitsFromFixedPoint(values, spec.widths[l]);
      }
      return;
    case 'random-walk': {
      const rng = new Rng(source.seed);
      for (let l = 0; l < spec.widths.length; l++) {
        const n = spec.widths[l];
        const units = new Int32Array(P);
        for (let i = 0; i < P; i++) units[i] = rng.nextInt(n);
        yield units;
      }
      return;
    }
    case 'random-mask':
      check(false, () => `topology source random-mask has no paths: it draws its edges directly`);
      return;
    default:
      source satisfies never;
  }
}

/**
 * Maps 32-bit fixed-point values v = floor(x * 2^32) to units floor(n * v / 2^32), exactly, for
 * n <= 2^24. The result reuses the storage of `values` (which is consumed). [P] -> [P]
 */
export function unitsFromFixedPoint(values: Uint32Array, n: number): Int32Array {
  checkInt(n, 'layer width', 1, 2 ** 24);
  const P = values.length;
  const units = new Int32Array(values.buffer, values.byteOffset, P);
  if ((n & (n - 1)) === 0) {
    // n = 2^m: the top m bits. (v >>> 32 would be v, so n = 1 is its own case.)
    if (n === 1) units.fill(0);
    else {
      const shift = 32 - Math.log2(n);
      for (let i = 0; i < P; i++) units[i] = values[i] >>> shift;
    }
  } else if (n <= 2 ** 21) {
    // n * v < 2^53: the product is exact, dividing by 2^32 is exact.
    for (let i = 0; i < P; i++) units[i] = Math.floor((n * values[i]) / TWO_POW_32);
  } else {
    // n * v = qh * 2^32 + rh * 2^16 + lo with every piece below 2^53.
    for (let i = 0; i < P; i++) {
      const v = values[i];
      const hi = n * (v >>> 16);
      const lo = n * (v & 0xffff);
      const qh = Math.floor(hi / 65536);
      const rh = hi - qh * 65536;
      units[i] = qh + Math.floor((rh * 65536 + lo) / TWO_POW_32);
    }
  }
  return units;
}

/**
 * The units of every layer pair's paths, pair by pair: [source units, target units] of the first
 * pathsOfPair(spec, l) paths -> L pairs of two [P_l] arrays.
 */
export function* pairUnitLayers(spec: ResolvedTopologySpec): Generator<[Int32Array, Int32Array], void, undefined> {
  let prev: Int32Array | null = null;
  let l = 0;
  for (const units of pathUnitLayers(spec)) {
    if (prev !== null) {
      const P = pathsOfPair(spec, l - 1);
      yield [prev.subarray(0, P), units.subarray(0, P)];
    }
    prev = units;
    l++;
  }
}
