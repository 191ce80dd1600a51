import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/core/crc32.js';
import { SobolnetError } from '../../src/core/errors.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel, encodeModel } from '../../src/model/model-file.js';
import { Model } from '../../src/model/model.js';
import type { ModelSpec } from '../../src/model/model-spec.js';

const spec: ModelSpec = {
  widths: [32, 64, 64, 5],
  paths: { source: { kind: 'sobol-owen', seed: 3 }, paths: { fanIn: 4 } },
  outputLayer: 'dense', batchNorm: true, init: { kind: 'he', seed: 11 },
};

/** Rewrites the CRC so that a deliberately altered file passes the checksum. */
function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

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
    expect(back.spec).toEqual(spec);
    const a = model.namedArrays(), b = back.namedArrays();
    expect(b.map((x) => x.name)).toEqual(a.map((x) => x.name));
    a.forEach((x, i) => expect(Array.from(b[i].value)).toEqual(Array.from(x.value)));
    expect(encodeModel(back, meta)).toEqual(bytes);
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
});
