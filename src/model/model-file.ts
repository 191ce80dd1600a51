/**
 * The model file format, version 1 (little-endian):
 *
 *   bytes 0..7    "SOBOLNET"
 *   u32           format version (1)
 *   u32           header length H in bytes
 *   H bytes       header, UTF-8 JSON: { spec, topologyHash, arrays: [{name, length}], meta }
 *   0..3 bytes    zero padding to a multiple of 4
 *   f32 × n       every array of `arrays`, in order
 *   u32           CRC-32 of all bytes before it
 *
 * The topology is stored as its generator spec only. Loading rebuilds the model from the spec,
 * regenerates the topology and refuses the file unless its hash equals the stored one.
 * Nothing time- or machine-dependent goes into the file, so equal training gives equal bytes.
 */
import { crc32 } from '../core/crc32.js';
import { check, SobolnetError } from '../core/errors.js';
import type { Floats, Precision } from '../core/floats.js';
import { parseWithSchema } from '../core/parse-with-schema.js';
import type { Kernels } from '../kernels/kernels.js';
import { topologyHash } from '../topology/topology-hash.js';
import { Model } from './model.js';
import { modelHeaderSchemaFor, type ModelHeader } from './model-header-schema.js';
import { DEFAULT_HIDDEN_ORDER, modelBuildCost, modelSpecSchemaFor, type ModelSpec } from './model-spec.js';

/** The model-file format version this build writes and reads. */
export const MODEL_FORMAT_VERSION = 1;
const MAGIC = 'SOBOLNET';

/**
 * How much building a model may cost per float its file stores, plus a fixed allowance: a header
 * edited to ask for a gigantic model is refused before anything is allocated. Legitimate files
 * stay far below it (a path layer generates P_l paths for about P_l stored edges).
 */
const BUILD_COST_PER_FLOAT = 64;
const BUILD_COST_ALLOWANCE = 1 << 20;

/** Free-form facts recorded with the weights (dataset, training recipe, final accuracy). */
export type ModelMeta = Record<string, unknown>;

/** The spec as stored: keys in schema order, the hidden-unit order named even when defaulted. */
export function storedSpec(spec: ModelSpec): ModelSpec {
  const parsed: ModelSpec = parseWithSchema(modelSpecSchemaFor(spec), spec, 'model spec');
  return parsed.paths === null || parsed.paths.hiddenOrder !== undefined ? parsed
    : { ...parsed, paths: { ...parsed.paths, hiddenOrder: DEFAULT_HIDDEN_ORDER } };
}

/** Serialises `model` (weights as float32) with `meta`. */
export function encodeModel(model: Model, meta: ModelMeta = {}): Uint8Array {
  const arrays = model.namedArrays();
  const header: ModelHeader = {
    spec: storedSpec(model.spec),
    topologyHash: model.topology ? topologyHash(model.topology) : null,
    arrays: arrays.map((a) => ({ name: a.name, length: a.value.length })),
    meta,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(16 + headerBytes.length);
  const floats = arrays.reduce((n, a) => n + a.value.length, 0);
  const bytes = new Uint8Array(dataStart + 4 * floats + 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  bytes.set(headerBytes, 16);
  let at = dataStart;
  for (const a of arrays) {
    for (let i = 0; i < a.value.length; i++, at += 4) view.setFloat32(at, a.value[i], true);
  }
  view.setUint32(at, crc32(bytes.subarray(0, at)), true);
  return bytes;
}

/** Runs `step`, prefixing any SobolnetError it raises with `prefix`. */
function prefixed<T>(prefix: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof SobolnetError) throw new SobolnetError(`${prefix}${e.message}`);
    throw e;
  }
}

/**
 * Parses a model file, rebuilds the model on `kernels` and verifies its topology. `what` names the
 * file in errors. Order of checks: framing and checksum, the header against its schema, the stored
 * byte count against the arrays the header lists, the cost of building the spec against that
 * count, then the model itself (topology hash, array names and lengths) and finally every weight
 * (finite). Every refusal is one SobolnetError line naming `what`.
 */
export function decodeModel(bytes: Uint8Array, kernels: Kernels, what: string, precision: Precision = 'f32'): { model: Model; meta: ModelMeta } {
  const corrupt = (why: string): SobolnetError => new SobolnetError(`${what} is not a valid sobolnet model file: ${why}`);
  if (bytes.length < 20 || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) throw corrupt('it does not start with "SOBOLNET"');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  check(version === MODEL_FORMAT_VERSION, () =>
    `${what} has model format version ${version}; this sobolnet reads version ${MODEL_FORMAT_VERSION}`);
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) throw corrupt('checksum mismatch (the file is truncated or damaged)');
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length - 4) throw corrupt(`header length ${headerLength} exceeds the file`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)));
  } catch {
    throw corrupt('the header is not JSON');
  }
  const header = parseWithSchema(modelHeaderSchemaFor(json), json, `${what}: model header`);

  // Everything the header promises must be present before anything is built.
  const floats = header.arrays.reduce((n, a) => n + a.length, 0);
  const dataStart = align4(16 + headerLength);
  const size = dataStart + 4 * floats + 4;
  if (size !== bytes.length) throw corrupt(`its header lists ${floats} floats, which take ${size} bytes, but the file has ${bytes.length}`);
  const cost = prefixed(`${what}: model header spec: `, () => modelBuildCost(header.spec));
  const budget = BUILD_COST_PER_FLOAT * floats + BUILD_COST_ALLOWANCE;
  check(cost <= budget, () => `${what}: model header spec asks for a model that takes ${cost} scalars to build;` +
    ` the ${floats} floats the file stores allow at most ${budget}`);

  const model = prefixed(`${what}: model header spec: `, () => new Model(header.spec, kernels, precision));
  const expectedHash = model.topology ? topologyHash(model.topology) : null;
  check(expectedHash === header.topologyHash, () =>
    `${what}: the regenerated topology has hash ${String(expectedHash)}, the file says ${String(header.topologyHash)}`);
  const arrays = model.namedArrays();
  check(arrays.length === header.arrays.length && arrays.every((a, i) =>
    a.name === header.arrays[i].name && a.value.length === header.arrays[i].length), () =>
    `${what}: the stored arrays do not match the model its spec describes`);
  let at = dataStart;
  for (const a of arrays) {
    readFloats(view, at, a.value);
    const bad = firstNonFinite(a.value);
    check(bad < 0, () => `${what}: array ${a.name} holds ${String(a.value[bad])} at index ${bad}; model weights must be finite`);
    if (a.name.endsWith('runningVar')) {
      // Batch norm divides by sqrt(runningVar + eps): a negative variance makes every output NaN.
      const negative = a.value.findIndex((v) => v < 0);
      check(negative < 0, () =>
        `${what}: array ${a.name} holds ${String(a.value[negative])} at index ${negative}; running variances must be ≥ 0`);
    }
    at += 4 * a.value.length;
  }
  return { model, meta: header.meta };
}

// out[n] <- the n little-endian float32 values at byte `at` of `view`
function readFloats(view: DataView, at: number, out: Floats): void {
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(at + 4 * i, true);
}

/** Index of the first NaN or ±Infinity in values[n], or -1. */
function firstNonFinite(values: Floats): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
