/**
 * Weight initialisers for linear layers (path-sparse and dense) and convolutions. Every variant
 * scales per target unit by its own fan-in, read from the CSR offsets by target; a dense layer
 * uses the implicit offsets o * I (`denseTargetOffsets`, re-exported here). Biases start at 0.
 *
 * Convolutions: an edge (input channel -> output channel) carries `taps` = k² weights, stored
 * edge-major (W[E][k][k] in gather order, or W[Co][Ci][k][k], whose edge o * Ci + c is the same
 * thing), so weight element m = e * taps + tap. The fan-in of output channel t is (edges into t)
 * * taps, and each of the taps weights of an edge is initialised like an edge weight of a linear
 * layer with that fan-in, taking element index m wherever the text below says e (the he stream
 * draws in element order; qmc-normal and fixed-sign read point m). A linear layer has taps = 1:
 * every formula below is then exactly the one for linear layers.
 *
 * - he:         N(0, 2 / fanIn), pseudo-random from a seeded Rng. Layer l draws from the stream
 *               `new Rng(layerSeed(seed, l))`, so layers (and seeds) get different streams.
 * - constant:   every weight = value, default 1 / sqrt(fanIn) of its target.
 * - qmc-normal: deterministic, no pseudo-random number at all: for edge e (gather order, or
 *               o * I + i for a dense layer), W[e] = inverseNormalCdf((x_e + 0.5) / 2^32) *
 *               sqrt(2 / fanIn), where x_e = floor(2^32 * point e) of Sobol' component
 *               `component`, natural order. The default component for layer l is 64 + l, clear
 *               of the components 0 .. L that a topology uses by default.
 * - fixed-sign: deterministic magnitudes |qmc-normal| (default component 64 + l), all with one
 *               sign; keepSign: the optimiser clamps the weights to that sign (signConstraint).
 *
 * Shape legend: O outputs (targets), I inputs, E edges, T taps per edge.
 */
import * as z from 'zod';
import { check, checkInt, checkNumber } from '../core/errors.js';
import type { Floats } from '../core/floats.js';
import { deriveKey } from '../sequences/hash.js';
import { inverseNormalCdf } from '../sequences/normal.js';
import { Rng } from '../sequences/rng.js';
import { SOBOL_COMPONENTS, sobolComponent } from '../sequences/sobol.js';
import type { Param } from './layer.js';
export { denseTargetOffsets } from './dense-target-offsets.js';

/** The schema of an init spec as stored in a model file (strict: no other keys). */
export const initSpecSchema = z.discriminatedUnion('kind', [
  // N(0, 2/fanIn(target)), seeded Rng
  z.strictObject({ kind: z.literal('he'), seed: z.int() }).readonly(),
  // every weight = value, default 1/sqrt(fanIn(target))
  z.strictObject({ kind: z.literal('constant'), value: z.number().optional() }).readonly(),
  // deterministic magnitudes |qmc-normal| * sqrt(2/fanIn), all with one sign; keepSign: clamp during training (sets Param.signConstraint)
  z.strictObject({ kind: z.literal('fixed-sign'), sign: z.literal([1, -1]), keepSign: z.boolean() }).readonly(),
  // deterministic normal values: inverseNormalCdf((x + 0.5) / 2^32) of a further Sobol' component, * sqrt(2/fanIn)
  z.strictObject({ kind: z.literal('qmc-normal'), component: z.int().min(0).max(SOBOL_COMPONENTS - 1).optional() }).readonly(),
]);
/** How a weight layer's weights start (he, constant, fixed-sign or qmc-normal) and the values each kind needs. */
export type InitSpec = z.infer<typeof initSpecSchema>;

/** The kind of an InitSpec. */
export type InitKind = InitSpec['kind'];
/** Every InitKind, for option choices and messages. */
export const INIT_KINDS: readonly InitKind[] = ['he', 'constant', 'fixed-sign', 'qmc-normal'];

/** The Sobol' component that qmc-normal and fixed-sign use for layer `layer` by default. */
export function defaultInitComponent(layer: number): number {
  return 64 + layer;
}

/** The hash-domain tag of he-init seeds ('HEIN'), so keys never coincide with other seeded uses. */
const HE_INIT_TAG = 0x4845494e;

/**
 * The Rng seed of layer `layer` for a he init with `seed` (any safe integer):
 * deriveKey('HEIN', seed, layer) from sequences/hash.ts. The last hash step is a bijection in the
 * layer, so for one seed every layer gets a different stream.
 */
export function layerSeed(seed: number, layer: number): number {
  return deriveKey(HE_INIT_TAG, seed, layer);
}

/** The sign constraint an init asks of its weights: only fixed-sign with keepSign has one. */
export function signConstraintOf(init: InitSpec): 0 | 1 | -1 {
  return init.kind === 'fixed-sign' && init.keepSign ? init.sign : 0;
}

/**
 * The fixed digital shift of the init component. Point 0 of every Sobol' component is x = 0, which
 * would put edge 0 at about -6.2σ; XOR with alternating bits moves every point into the interior
 * of its stratum (point 0 to 1/3) and, being a digital shift, keeps each aligned block stratified.
 */
export const QMC_INIT_SHIFT = 0x55555555;

// W[E] <- deterministic standard normals: edge e gets inverseNormalCdf of point e of `component`, shifted
function qmcNormals(E: number, component: number): (e: number) => number {
  const x = sobolComponent(component, 0, E, 'natural');
  return (e) => inverseNormalCdf((((x[e] ^ QMC_INIT_SHIFT) >>> 0) + 0.5) * 2 ** -32);
}

// W[E*T] <- factor(fanIn of m's target) * value(m), elements m in order (targets from
// targetOffsets[O+1] over edges; element m belongs to edge floor(m / T); fanIn = edges * T)
function fillPerTarget(W: Floats, targetOffsets: Int32Array, taps: number, factor: (fanIn: number) => number,
  value: (m: number) => number): void {
  const O = targetOffsets.length - 1;
  for (let t = 0; t < O; t++) {
    const start = targetOffsets[t] * taps;
    const end = targetOffsets[t + 1] * taps;
    const f = factor(end - start);
    for (let m = start; m < end; m++) W[m] = f * value(m);
  }
}

/**
 * W[E*T] <- the initial weights of weight layer number `layer` (0 = the first one).
 * targetOffsets[O+1] is the CSR by target over edges (denseTargetOffsets for a dense layer);
 * every edge has `taps` consecutive weights (k² for a convolution, 1 for a linear layer).
 */
export function initialiseWeights(W: Floats, targetOffsets: Int32Array, init: InitSpec, layer: number, taps = 1): void {
  checkInt(layer, 'layer number', 0);
  checkInt(taps, 'weights per edge', 1);
  const O = targetOffsets.length - 1;
  check(O >= 0 && targetOffsets[0] === 0 && targetOffsets[O] * taps === W.length, () => taps === 1
    ? `init: targetOffsets must run from 0 to the ${W.length} weights, got ${targetOffsets[0]} .. ${targetOffsets[O]}`
    : `init: targetOffsets must run from 0 to the ${W.length} weights / ${taps} taps, got ${targetOffsets[0]} .. ${targetOffsets[O]}`);
  const he = (fanIn: number): number => Math.sqrt(2 / fanIn);
  switch (init.kind) {
    case 'he': {
      checkInt(init.seed, 'he init seed', Number.MIN_SAFE_INTEGER);
      const rng = new Rng(layerSeed(init.seed, layer));
      fillPerTarget(W, targetOffsets, taps, he, () => rng.nextNormal());
      return;
    }
    case 'constant': {
      const value = init.value;
      if (value === undefined) {
        fillPerTarget(W, targetOffsets, taps, (fanIn) => 1 / Math.sqrt(fanIn), () => 1);
      } else {
        checkNumber(value, 'constant init value', Number.NEGATIVE_INFINITY);
        W.fill(value);
      }
      return;
    }
    case 'fixed-sign': {
      const sign = init.sign;
      check(sign === 1 || sign === -1, () => `fixed-sign init sign must be 1 or -1, got ${String(sign)}`);
      const normal = qmcNormals(W.length, defaultInitComponent(layer));
      fillPerTarget(W, targetOffsets, taps, he, (m) => sign * Math.abs(normal(m)));
      return;
    }
    case 'qmc-normal': {
      const component = init.component ?? defaultInitComponent(layer);
      checkInt(component, 'qmc-normal init component', 0);
      fillPerTarget(W, targetOffsets, taps, he, qmcNormals(W.length, component));
      return;
    }
    default:
      init satisfies never;
  }
}

/** The parts of a weight layer (PathLinear, DenseLinear, PathConv2d, Conv2d) that initialisation touches. */
export interface InitialisableLayer {
  readonly weight: Param;
  readonly bias: Param | null;
  /** CSR offsets by target over edges [O+1]. */
  readonly targetOffsets: Int32Array;
  /** Weights per edge: k² for a convolution; absent (1) for a linear layer. */
  readonly taps?: number;
}

/** Initialises a weight layer: weights per `init`, bias 0, and the weights' sign constraint. */
export function initialiseLayer(target: InitialisableLayer, init: InitSpec, layer: number): void {
  initialiseWeights(target.weight.value, target.targetOffsets, init, layer, target.taps ?? 1);
  target.weight.signConstraint = signConstraintOf(init);
  target.bias?.value.fill(0);
}
