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
import type { Precision } from '../core/floats.js';
import type { Kernels } from '../kernels/kernels.js';
import { topologyHash } from '../topology/topology-hash.js';
import { Model } from './model.js';
import type { ModelSpec } from './model-spec.js';

export const MODEL_FORMAT_VERSION = 1;
const MAGIC = 'SOBOLNET';

/** Free-form facts recorded with the weights (dataset, training recipe, final accuracy). */
export type ModelMeta = Record<string, unknown>;

interface Header {
  readonly spec: ModelSpec;
  readonly topologyHash: string | null;
  readonly arrays: readonly { readonly name: string; readonly length: number }[];
  readonly meta: ModelMeta;
}

/** Serialises `model` (weights as float32) with `meta`. */
export function encodeModel(model: Model, meta: ModelMeta = {}): Uint8Array {
  const arrays = model.namedArrays();
  const header: Header = {
    spec: model.spec,
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

/** Parses a model file, rebuilds the model on `kernels` and verifies its topology. `what` names the file in errors. */
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
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as Header;
  } catch {
    throw corrupt('the header is not JSON');
  }
  const model = new Model(header.spec, kernels, precision);
  const expectedHash = model.topology ? topologyHash(model.topology) : null;
  check(expectedHash === header.topologyHash, () =>
    `${what}: the regenerated topology has hash ${String(expectedHash)}, the file says ${String(header.topologyHash)}`);
  const arrays = model.namedArrays();
  check(arrays.length === header.arrays.length && arrays.every((a, i) =>
    a.name === header.arrays[i].name && a.value.length === header.arrays[i].length), () =>
    `${what}: the stored arrays do not match the model its spec describes`);
  let at = align4(16 + headerLength);
  const floats = arrays.reduce((n, a) => n + a.value.length, 0);
  if (at + 4 * floats + 4 !== bytes.length) throw corrupt(`expected ${at + 4 * floats + 4} bytes, found ${bytes.length}`);
  for (const a of arrays) {
    for (let i = 0; i < a.value.length; i++, at += 4) a.value[i] = view.getFloat32(at, true);
  }
  return { model, meta: header.meta };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
