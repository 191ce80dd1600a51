/**
 * The fuzz targets: for each parser of untrusted bytes (model files, IDX files, experiment specs)
 * an arbitrary of mutated inputs and a check that runs one. The property of every target: the
 * input either loads (and then behaves: a model evaluates bit for bit like the original, a data
 * set is consistent, a spec plans its runs) or is refused with a SobolnetError. Any other
 * exception, or a load that behaves differently, is a crash. Shared by test/fuzz/*.test.ts (a few
 * thousand cases in CI) and scripts/fuzz.ts (as many as asked).
 */
import fc from 'fast-check';
import { SobolnetError } from '../../src/core/errors.js';
import { idxDataset, parseIdx } from '../../src/data/idx.js';
import { parseExperimentSpecText, planRuns } from '../../src/experiment/experiment-spec.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel, encodeModel } from '../../src/model/model-file.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { Model } from '../../src/model/model.js';
import { resealed, withHeaderText } from '../model/header-edit.js';
import { idxBytes } from '../data/fixtures.js';

/** What one case did: loaded (and behaved) or was refused with a SobolnetError. */
export type Outcome = 'loaded' | 'refused';

export interface FuzzTarget<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Runs one case; throws (anything but a SobolnetError) when the property is broken. */
  run(input: T): Outcome;
}

/** A broken property that is not an exception of the code under test. */
export class PropertyViolation extends Error {}

/** 'refused' for a SobolnetError; rethrows anything else. */
function refusedOrThrow(e: unknown): Outcome {
  if (e instanceof SobolnetError) {
    if (e.message.includes('\n')) throw new PropertyViolation(`a SobolnetError of several lines: ${JSON.stringify(e.message)}`);
    return 'refused';
  }
  throw e;
}

// ---------------------------------------------------------------- byte and JSON mutations

export type ByteEdit =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number };

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x22, 0x7b, 0x5b) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
);

/** `bytes` with `edit` applied (positions taken modulo the length). */
export function applyByteEdit(bytes: Uint8Array, edit: ByteEdit): Uint8Array {
  const n = bytes.length;
  const at = n === 0 ? 0 : edit.at % (n + (edit.kind === 'insert' ? 1 : 0));
  switch (edit.kind) {
    case 'flip': { if (n === 0) return bytes; const out = bytes.slice(); out[at] ^= 1 << edit.bit; return out; }
    case 'set': { if (n === 0) return bytes; const out = bytes.slice(); out[at] = edit.value; return out; }
    case 'truncate': return bytes.slice(0, at);
    case 'insert': { const out = new Uint8Array(n + edit.bytes.length); out.set(bytes.subarray(0, at)); out.set(edit.bytes, at); out.set(bytes.subarray(at), at + edit.bytes.length); return out; }
    case 'delete': {
      const end = Math.min(n, at + edit.count);
      const out = new Uint8Array(n - (end - at));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(end), at);
      return out;
    }
    default: return edit satisfies never;
  }
}

export type JsonEdit = { readonly kind: 'set' | 'delete' | 'add' | 'swap'; readonly pick: number; readonly key: string; readonly value: unknown };

/** Values a mutated field may take: edge numbers, huge and negative lengths, names of the formats, any JSON. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 0.5, 2 ** 24, 2 ** 24 + 1, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 1e308, -1e308, -(2 ** 31),
    '', 'natural', 'bit-reversed', 'gray', 'keep', 'merge', 'sobol', 'sobol-owen', 'random-mask', 'path', 'dense', 'he', 'constant',
    'qmc-normal', 'fixed-sign', true, false, null, [], {}, [1], [6, 8, 8, 3], { kind: 'sobol' }, { fanIn: 1 }, { total: 1e9 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Keys an edit may add: the formats' own (in the wrong place, or twice) and arbitrary ones. */
const jsonKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('spec', 'paths', 'widths', 'hiddenOrder', 'components', 'order', 'duplicates', 'seed', 'total', 'fanIn',
    'perLayer', 'kind', 'value', 'component', 'sign', 'keepSign', 'length', 'name', 'base', 'grids', 'seeds', 'series', 'rankBy',
    'duplicatew', 'epochs', 'source'),
  fc.string({ maxLength: 6 }),
);

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add', 'swap'), pick: fc.nat(), key: jsonKey, value: jsonValue,
});

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** Every (container, key) slot below `root`, depth first. */
function slots(root: Container): [Container, string | number][] {
  const out: [Container, string | number][] = [];
  const walk = (c: Container): void => {
    for (const key of Array.isArray(c) ? c.keys() : Object.keys(c)) {
      out.push([c, key]);
      const v = (c as Record<string | number, unknown>)[key];
      if (isContainer(v)) walk(v);
    }
  };
  walk(root);
  return out;
}

/** The same value as another JSON type: 3 -> "3", "3" -> 3, [a] -> {"0": a}, {a} -> [a], true -> 1, null -> 0. */
function swapType(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v === '' || Number.isNaN(Number(v)) ? [v] : Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return { ...v };
  if (isContainer(v)) return Object.values(v);
  return 0;
}

/** `root` (a fresh JSON copy) with `edit` applied at the slot or container it picks. */
export function applyJsonEdit(root: Container, edit: JsonEdit): Container {
  const all = slots(root);
  if (edit.kind === 'add') {
    const containers = [root, ...all.map(([c, k]) => (c as Record<string | number, unknown>)[k]).filter(isContainer)];
    const c = containers[edit.pick % containers.length];
    if (Array.isArray(c)) c.splice(edit.pick % (c.length + 1), 0, edit.value);
    else Object.defineProperty(c, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
    return root;
  }
  if (all.length === 0) return root;
  const [c, k] = all[edit.pick % all.length];
  const slot = c as Record<string | number, unknown>;
  if (edit.kind === 'delete') {
    if (Array.isArray(c)) c.splice(k as number, 1);
    else delete slot[k];
  } else {
    slot[k] = edit.kind === 'set' ? structuredClone(edit.value) : swapType(slot[k]);
  }
  return root;
}

// ---------------------------------------------------------------- model files

/** Tiny models covering every layer kind: path + batch norm, path output with random mask, dense. */
const MODEL_SPECS: readonly ModelSpec[] = [
  { widths: [6, 8, 8, 3], paths: { source: { kind: 'sobol-owen', seed: 3 }, paths: { fanIn: 2 } }, outputLayer: 'dense', batchNorm: true,
    init: { kind: 'he', seed: 11 } },
  { widths: [5, 7, 4], paths: { source: { kind: 'random-mask', seed: 4 }, paths: { total: 12 }, hiddenOrder: 'bit-reversed', order: 'gray' },
    outputLayer: 'path', batchNorm: false, init: { kind: 'qmc-normal' } },
  { widths: [4, 6, 3], paths: null, outputLayer: 'dense', batchNorm: true, init: { kind: 'fixed-sign', sign: -1, keepSign: true } },
];
const BATCH = 3;

/** logits[C][B] of `model` on a fixed batch. */
function logitsOf(model: Model): Float32Array {
  const x = new Float32Array(model.inputs * BATCH).map((_, i) => ((i * 29) % 13) / 6 - 1);
  return Float32Array.from(model.forward(x, BATCH, false));
}

interface ModelFixture { readonly bytes: Uint8Array; readonly logits: Float32Array; readonly header: string }

/** The encoded tiny models (weights and batch-norm state made non-trivial) and their logits. */
function modelFixtures(): ModelFixture[] {
  return MODEL_SPECS.map((spec) => {
    const model = new Model(spec, referenceKernels);
    model.namedArrays().forEach((a, i) => { for (let j = 0; j < a.value.length; j++) a.value[j] += 0.05 * ((i + 5 * j) % 7) - 0.1; });
    const bytes = encodeModel(model, { dataset: 'fuzz', accuracy: 0.5 });
    const headerLength = new DataView(bytes.buffer).getUint32(12, true);
    return { bytes, logits: logitsOf(model), header: new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)) };
  });
}

export type ModelCase =
  | { readonly model: number; readonly bytes: readonly ByteEdit[]; readonly reseal: boolean }
  | { readonly model: number; readonly header: readonly JsonEdit[] };

const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Model files: byte flips, truncations and insertions (CRC kept or recomputed) and header edits (CRC recomputed). */
export function modelFileTarget(): FuzzTarget<ModelCase> {
  const fixtures = modelFixtures();
  const model = fc.integer({ min: 0, max: fixtures.length - 1 });
  return {
    name: 'model file',
    arbitrary: fc.oneof(
      fc.record({ model, bytes: fc.array(byteEdit, { minLength: 1, maxLength: 3 }), reseal: fc.boolean() }),
      fc.record({ model, header: fc.array(jsonEdit, { minLength: 1, maxLength: 3 }) }),
    ),
    run(c) {
      const fixture = fixtures[c.model];
      let bytes: Uint8Array;
      if ('header' in c) {
        const header = c.header.reduce((h, e) => applyJsonEdit(h, e), JSON.parse(fixture.header) as Container);
        bytes = withHeaderText(fixture.bytes, JSON.stringify(header));
      } else {
        bytes = c.bytes.reduce(applyByteEdit, fixture.bytes);
        if (c.reseal && bytes.length >= 4) bytes = resealed(bytes);
      }
      let loaded: Model;
      try {
        loaded = decodeModel(bytes, referenceKernels, 'fuzz.sobolnet').model;
      } catch (e) {
        return refusedOrThrow(e);
      }
      const logits = logitsOf(loaded);
      // A resealed byte edit may change weights legitimately; anything else must load the original.
      const mayDiffer = 'reseal' in c && c.reseal;
      if (!mayDiffer && !sameBits(logits, fixture.logits)) {
        throw new PropertyViolation(`loaded a model whose logits differ from the original's: ${JSON.stringify(Array.from(logits))}`);
      }
      return 'loaded';
    },
  };
}

// ---------------------------------------------------------------- IDX files

export type IdxCase =
  | { readonly images: readonly ByteEdit[]; readonly labels: readonly ByteEdit[] }
  | { readonly imageDims: readonly number[]; readonly labelDims: readonly number[]; readonly fill: boolean }
  | { readonly raw: Uint8Array };

const dim = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 255, 2 ** 16, 2 ** 31, 2 ** 32 - 1), fc.integer({ min: 0, max: 2 ** 32 - 1 }));

/** IDX images [3, 2, 2] and labels [3]: byte edits, arbitrary dimensions, random files. */
export function idxTarget(): FuzzTarget<IdxCase> {
  const images = idxBytes([3, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const labels = idxBytes([3], [4, 0, 9]);
  return {
    name: 'IDX reader',
    arbitrary: fc.oneof(
      fc.record({ images: fc.array(byteEdit, { maxLength: 3 }), labels: fc.array(byteEdit, { maxLength: 3 }) }),
      fc.record({ imageDims: fc.array(dim, { minLength: 0, maxLength: 4 }), labelDims: fc.array(dim, { minLength: 0, maxLength: 2 }), fill: fc.boolean() }),
      fc.record({ raw: fc.uint8Array({ maxLength: 40 }) }),
    ),
    run(c) {
      let imageBytes: Uint8Array, labelBytes: Uint8Array;
      if ('raw' in c) {
        try {
          const { dims, data } = parseIdx(c.raw, 'raw');
          const size = dims.reduce((a, b) => a * b, 1);
          if (data.length !== size) throw new PropertyViolation(`parseIdx returned ${data.length} elements for dimensions [${dims.join(', ')}]`);
          return 'loaded';
        } catch (e) {
          return refusedOrThrow(e);
        }
      }
      if ('images' in c) {
        imageBytes = c.images.reduce(applyByteEdit, images);
        labelBytes = c.labels.reduce(applyByteEdit, labels);
      } else {
        // Data sized to the dimensions when small enough (fill), else the original elements.
        const data = (dims: readonly number[], original: Uint8Array): Uint8Array => {
          const size = dims.reduce((a, b) => a * b, 1);
          return c.fill && size <= 4096 ? new Uint8Array(size).map((_, i) => (i * 7) % 12) : original.subarray(4 + 4 * original[3]);
        };
        imageBytes = idxBytes(c.imageDims, data(c.imageDims, images));
        labelBytes = idxBytes(c.labelDims, data(c.labelDims, labels));
      }
      try {
        const ds = idxDataset('fuzz', imageBytes, labelBytes, 10);
        const ok = ds.count >= 1 && ds.features >= 1 && ds.pixels.length === ds.count * ds.features &&
          ds.labels.length === ds.count && ds.labels.every((l) => l < ds.classes) &&
          ds.shape.reduce((a, b) => a * b, 1) === ds.features;
        if (!ok) throw new PropertyViolation(`an inconsistent data set: ${JSON.stringify({ ...ds, pixels: ds.pixels.length, labels: ds.labels.length })}`);
        return 'loaded';
      } catch (e) {
        return refusedOrThrow(e);
      }
    },
  };
}

// ---------------------------------------------------------------- experiment specs

export type SpecCase = { readonly edits: readonly JsonEdit[] } | { readonly text: readonly ByteEdit[] };

const SPEC = {
  name: 'fuzz',
  description: 'a spec to mutate',
  base: { dataset: 'mnist', widths: [784, 64, 10], epochs: 2, batchNorm: true },
  grids: [{ source: ['sobol', 'random-walk'], fanIn: [4, 8] }, { source: ['dense'] }],
  seeds: [1, 2],
  series: ['source'],
};

/** Experiment specs: JSON edits (then planning the runs) and byte edits of the text. */
export function experimentSpecTarget(): FuzzTarget<SpecCase> {
  const text = new TextEncoder().encode(JSON.stringify(SPEC));
  return {
    name: 'experiment spec',
    arbitrary: fc.oneof(
      fc.record({ edits: fc.array(jsonEdit, { minLength: 1, maxLength: 3 }) }),
      fc.record({ text: fc.array(byteEdit, { minLength: 1, maxLength: 3 }) }),
    ),
    run(c) {
      const json = 'edits' in c
        ? JSON.stringify(c.edits.reduce((s, e) => applyJsonEdit(s, e), structuredClone(SPEC) as Container))
        : new TextDecoder().decode(c.text.reduce(applyByteEdit, text));
      try {
        const spec = parseExperimentSpecText(json, 'fuzz.json');
        const runs = planRuns(spec, 'fuzz.json');
        if (runs.length === 0) throw new PropertyViolation('a spec that plans no run');
        return 'loaded';
      } catch (e) {
        return refusedOrThrow(e);
      }
    },
  };
}

/** Every target, in the order the fuzz script reports them. */
export function fuzzTargets(): FuzzTarget<unknown>[] {
  return [modelFileTarget(), idxTarget(), experimentSpecTarget()] as FuzzTarget<unknown>[];
}
