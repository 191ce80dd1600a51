import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/core/crc32.js';
import { SobolnetError } from '../../src/core/errors.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel, encodeModel } from '../../src/model/model-file.js';
import { Model } from '../../src/model/model.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { resealed, withHeader } from './header-edit.js';

const spec: ModelSpec = {
  widths: [32, 64, 64, 5],
  paths: { source: { kind: 'sobol-owen', seed: 3 }, paths: { fanIn: 4 } },
  outputLayer: 'dense', batchNorm: true, init: { kind: 'he', seed: 11 },
};

describe('model files', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips weights, state and metadata exactly, and re-encodes to the same bytes', () => {
    const model = new Model(spec, referenceKernels);
    model.namedArrays().forEach((a, i) => { for (let j = 0; j < a.value.length; j++) a.value[j] += 0.001 * ((i + j) % 7); });
    const bytes = encodeModel(model, { dataset: 'mnist', testAccuracy: 0.5 });
    const { model: back, meta } = decodeModel(bytes, referenceKernels, 'm.sobolnet');
    expect(meta).toEqual({ dataset: 'mnist', testAccuracy: 0.5 });
    // The stored spec names the hidden-unit order even where the spec left it to the default.
    expect(back.spec).toEqual({ ...spec, paths: { ...spec.paths, hiddenOrder: 'bit-reversed' } });
    const a = model.namedArrays(), b = back.namedArrays();
    expect(b.map((x) => x.name)).toEqual(a.map((x) => x.name));
    a.forEach((x, i) => expect(Array.from(b[i].value)).toEqual(Array.from(x.value)));
    expect(encodeModel(back, meta)).toEqual(bytes);
  });

  it("round-trips a model in 'blocks' order: the file names the order, the reload regenerates the same layers", () => {
    const blocks: ModelSpec = { ...spec, widths: [32, 64, 64, 64, 5], paths: { source: { kind: 'sobol' }, paths: { fanIn: 4 }, hiddenOrder: 'blocks' } };
    const model = new Model(blocks, referenceKernels);
    const bytes = encodeModel(model);
    const { model: back } = decodeModel(bytes, referenceKernels, 'm.sobolnet');
    expect(back.spec.paths?.hiddenOrder).toBe('blocks');
    const x = Float32Array.from({ length: 32 * 3 }, (_, i) => Math.sin(i));
    expect(Array.from(back.forward(x, 3, false))).toEqual(Array.from(model.forward(x, 3, false)));
    expect(encodeModel(back)).toEqual(bytes);
  });

  it('stores the topology as its spec, not as index arrays', () => {
    const model = new Model(spec, referenceKernels);
    const bytes = encodeModel(model);
    const floats = model.namedArrays().reduce((n, a) => n + a.value.length, 0);
    const headerLength = new DataView(bytes.buffer).getUint32(12, true);
    expect(headerLength).toBeLessThan(2000);
    expect(bytes.length).toBeLessThanOrEqual(16 + headerLength + 3 + 4 * floats + 4);
  });

  it('rejects a flipped byte, a truncated file and a foreign file with one clear message', () => {
    const bytes = encodeModel(new Model(spec, referenceKernels));
    const flipped = bytes.slice(); flipped[bytes.length - 40] ^= 0x10;
    expect(() => decodeModel(flipped, referenceKernels, 'f')).toThrow(/f is not a valid sobolnet model file: checksum mismatch/);
    expect(() => decodeModel(bytes.subarray(0, 100), referenceKernels, 't')).toThrow(/checksum mismatch/);
    expect(() => decodeModel(new TextEncoder().encode('hello world, not a model'), referenceKernels, 'x'))
      .toThrow(/does not start with "SOBOLNET"/);
  });

  it('refuses a file whose regenerated topology does not match its hash', () => {
    const bytes = encodeModel(new Model(spec, referenceKernels));
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"topologyHash":"') + '"topologyHash":"'.length;
    const tampered = bytes.slice();
    tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30; // change one hex digit of the stored hash
    expect(() => decodeModel(resealed(tampered), referenceKernels, 'h')).toThrow(SobolnetError);
    expect(() => decodeModel(resealed(tampered), referenceKernels, 'h')).toThrow(/regenerated topology has hash/);
  });

  it('refuses an unknown format version', () => {
    const bytes = encodeModel(new Model(spec, referenceKernels)).slice();
    new DataView(bytes.buffer).setUint32(8, 99, true);
    expect(() => decodeModel(resealed(bytes), referenceKernels, 'v')).toThrow(/format version 99/);
  });

  const line = (f: () => unknown): string => {
    try { f(); } catch (e) { expect(e).toBeInstanceOf(SobolnetError); return (e as Error).message; }
    throw new Error('accepted');
  };

  it('refuses a header that breaks the schema with one line naming the file, the key path and what was expected', () => {
    const bytes = encodeModel(new Model(spec, referenceKernels));
    const decode = (b: Uint8Array) => () => decodeModel(b, referenceKernels, 'm.sobolnet');
    expect(line(decode(withHeader(bytes, (h) => ({ ...h, spec: null })))))
      .toBe('m.sobolnet: model header: spec must be an object, got null');
    expect(line(decode(withHeader(bytes, (h) => ({ ...h, spec: { ...(h.spec as object), duplicatew: 'keep' } })))))
      .toBe('m.sobolnet: model header: unknown key "spec.duplicatew" (keys: widths, paths, outputLayer, batchNorm, init)');
    const withPaths = (paths: object) => decode(withHeader(bytes, (h) => {
      const s = h.spec as { paths: object };
      return { ...h, spec: { ...s, paths: { ...s.paths, ...paths } } };
    }));
    expect(line(withPaths({ source: { kind: 'halton' } }))).toBe('m.sobolnet: model header: spec.paths.source.kind must be one of' +
      ' "sobol", "sobol-shift", "sobol-owen", "random-walk", "random-mask", got "halton"');
    expect(line(withPaths({ source: { kind: 'sobol-owen', seed: 3, salt: 1 } })))
      .toBe('m.sobolnet: model header: unknown key "spec.paths.source.salt" (keys: kind, seed)');
    expect(line(withPaths({ hiddenOrder: 'reversed' })))
      .toBe('m.sobolnet: model header: spec.paths.hiddenOrder must be one of "natural", "bit-reversed", "blocks", got "reversed"');
    expect(line(decode(withHeader(bytes, (h) => ({ ...h, arrays: [{ name: '0.path.weight', length: -4 }] })))))
      .toBe('m.sobolnet: model header: arrays[0].length must be ≥ 0, got -4');
    expect(line(decode(withHeader(bytes, (h) => ({ ...h, spec: { ...(h.spec as object), widths: [32, 1e9, 64, 5] } })))))
      .toBe('m.sobolnet: model header: spec.widths[1] must be ≤ 16777216, got 1000000000');
  });

  it('refuses a header whose model would not fit the bytes present, before building it', () => {
    const bytes = encodeModel(new Model(spec, referenceKernels));
    // A bigger model with the arrays list unchanged: the arrays no longer match, but cost is checked first.
    const huge = withHeader(bytes, (h) => ({ ...h, spec: { ...(h.spec as object), widths: [32, 1 << 24, 1 << 24, 5] } }));
    expect(line(() => decodeModel(huge, referenceKernels, 'g'))).toMatch(
      /^g: model header spec asks for a model that takes \d+ scalars to build; the \d+ floats the file stores allow at most \d+$/);
    const more = withHeader(bytes, (h) => ({ ...h, arrays: [...(h.arrays as object[]), { name: 'extra', length: 1e9 }] }));
    expect(line(() => decodeModel(more, referenceKernels, 'a'))).toMatch(
      /^a is not a valid sobolnet model file: its header lists 1000\d+ floats, which take \d+ bytes, but the file has \d+$/);
  });

  it('refuses non-finite weights, naming the array and the index of the first one', () => {
    const model = new Model(spec, referenceKernels);
    const arrays = model.namedArrays();
    arrays[2].value[5] = Number.NaN;
    arrays[2].value[7] = Number.POSITIVE_INFINITY;
    expect(line(() => decodeModel(encodeModel(model), referenceKernels, 'n.sobolnet')))
      .toBe(`n.sobolnet: array ${arrays[2].name} holds NaN at index 5; model weights must be finite`);
    arrays[2].value[5] = 0;
    expect(line(() => decodeModel(encodeModel(model), referenceKernels, 'n.sobolnet')))
      .toBe(`n.sobolnet: array ${arrays[2].name} holds Infinity at index 7; model weights must be finite`);
  });

  it('refuses a negative batch-norm running variance, which would make every output NaN', () => {
    const model = new Model(spec, referenceKernels);
    const variance = model.namedArrays().find((a) => a.name.endsWith('runningVar'));
    if (variance === undefined) throw new Error('the spec has batch norm');
    variance.value[3] = -0.5;
    expect(line(() => decodeModel(encodeModel(model), referenceKernels, 'v.sobolnet')))
      .toBe(`v.sobolnet: array ${variance.name} holds -0.5 at index 3; running variances must be ≥ 0`);
    variance.value[3] = 0;
    expect(decodeModel(encodeModel(model), referenceKernels, 'v.sobolnet').model.namedArrays().length).toBe(model.namedArrays().length);
  });

  it('prefixes semantic spec errors with the file', () => {
    const bytes = encodeModel(new Model(spec, referenceKernels));
    const edited = withHeader(bytes, (h) => {
      const s = h.spec as { paths: object };
      return { ...h, spec: { ...s, paths: { ...s.paths, components: [0, 1] } } };
    });
    expect(line(() => decodeModel(edited, referenceKernels, 'c'))).toMatch(/^c: model header spec: topology components must be an array of 3 entries/);
  });
});
