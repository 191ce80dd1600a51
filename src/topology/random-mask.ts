/**
 * The uniform random mask baseline: for each layer pair, exactly as many distinct edges as the
 * plain Sobol' topology with the same widths, path count, components and order (merge policy),
 * chosen uniformly among all I * O pairs.
 *
 * Sampling: an edge is the key t * I + s (so ascending keys are gather order). Keys are drawn
 * i.i.d. uniform from one stream `new Rng(seed)` (each key is rng.nextInt(O) then rng.nextInt(I)),
 * layer pair by layer pair; after each round of draws they are sorted and deduplicated, and the
 * next round draws only the missing count. The result is the set of the first E distinct keys of
 * an i.i.d. stream, which is invariant under any permutation of the pairs and hence a uniform
 * E-subset. When E > I * O / 2 the complement (the I * O - E absent edges) is drawn instead, so a
 * round never wastes more than half its draws.
 *
 * Shape legend: P paths, L layers, I inputs, O outputs, E edges.
 */
import { check, checkInt } from '../core/errors.js';
import { Rng } from '../sequences/rng.js';
import { buildConnectivity } from './connectivity.js';
import type { LayerConnectivity } from './connectivity.js';
import { pairUnitLayers } from './path-units.js';
import type { ResolvedTopologySpec } from './spec.js';
import { transposeGather } from './transpose-gather.js';

/** The random mask of a resolved random-mask spec -> L layer pairs. */
export function randomMaskLayers(spec: ResolvedTopologySpec): LayerConnectivity[] {
  const source = spec.source;
  check(source.kind === 'random-mask', () => `randomMaskLayers needs a random-mask source, got ${source.kind}`);
  const counts = sobolEdgeCounts(spec);
  const rng = new Rng(source.seed);
  return counts.map((E, l) => randomMaskConnectivity(spec.widths[l], spec.widths[l + 1], E, rng));
}

/** Distinct edges per pair of the plain Sobol' topology matching `spec` -> [L]. */
export function sobolEdgeCounts(spec: ResolvedTopologySpec): number[] {
  const plain: ResolvedTopologySpec = { ...spec, source: { kind: 'sobol' }, duplicates: 'merge' };
  const counts: number[] = [];
  for (const [sources, targets] of pairUnitLayers(plain)) {
    const l = counts.length;
    counts.push(buildConnectivity(sources, targets, spec.widths[l], spec.widths[l + 1], 'merge').edges);
  }
  return counts;
}

/** E distinct edges drawn uniformly among I * O with `rng` -> gather index with E edges. */
export function randomMaskConnectivity(inputs: number, outputs: number, edges: number, rng: Rng): LayerConnectivity {
  checkInt(inputs, 'inputs', 1);
  checkInt(outputs, 'outputs', 1);
  const N = inputs * outputs;
  checkInt(edges, 'random mask edges', 0, Math.min(N, 2 ** 31 - 1));

  let keys: Float64Array;
  if (edges * 2 <= N) keys = distinctKeys(inputs, outputs, edges, rng);
  else keys = complementKeys(distinctKeys(inputs, outputs, N - edges, rng), N);

  const targetOffsets = new Int32Array(outputs + 1);
  const sources = new Int32Array(edges);
  for (let e = 0; e < edges; e++) {
    const key = keys[e];
    let t = Math.floor(key / inputs);
    let s = key - t * inputs;
    if (s < 0) { t--; s += inputs; } else if (s >= inputs) { t++; s -= inputs; }
    sources[e] = s;
    targetOffsets[t + 1]++;
  }
  for (let t = 0; t < outputs; t++) targetOffsets[t + 1] += targetOffsets[t];
  const transpose = transposeGather(targetOffsets, sources, inputs);
  return { inputs, outputs, targetOffsets, sources, ...transpose, edges, duplicates: 0 };
}

/** E distinct uniform keys t * I + s, ascending -> [E]. */
function distinctKeys(inputs: number, outputs: number, count: number, rng: Rng): Float64Array {
  const keys = new Float64Array(count);
  let have = 0;
  while (have < count) {
    for (let k = have; k < count; k++) keys[k] = rng.nextInt(outputs) * inputs + rng.nextInt(inputs);
    keys.sort();
    let w = 0;
    for (let r = 0; r < count; r++) if (w === 0 || keys[r] !== keys[w - 1]) keys[w++] = keys[r];
    have = w;
  }
  return keys;
}

/** Ascending keys in [0, N) absent from the ascending `excluded` -> [N - excluded.length]. */
function complementKeys(excluded: Float64Array, N: number): Float64Array {
  const keys = new Float64Array(N - excluded.length);
  let x = 0;
  let w = 0;
  for (let key = 0; key < N; key++) {
    if (x < excluded.length && excluded[x] === key) x++;
    else keys[w++] = key;
  }
  return keys;
}
