/**
 * The .npy / .npz codec of the PyTorch export: round trips of every dtype and rank, numpy's header
 * layout (64-byte alignment, the shape tuple's spelling), refusals with one line, and equal bytes
 * for equal arrays (no timestamps). numpy's side is exercised by the parity and DDP tests.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeTorchExport } from '../../src/export/torch/encode-torch-export.js';
import { decodeNpy, encodeNpy } from '../../src/export/torch/npy.js';
import { decodeNpz, encodeNpz } from '../../src/export/torch/npz.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';
import { errorMessage } from '../helpers/error-message.js';
import { smallSpec } from '../helpers/small-model.js';

const header = (bytes: Uint8Array): string => String.fromCharCode(...bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));

const refused = errorMessage;

describe('npy', () => {
  it('round-trips float32, float64, int32 and uint8 arrays of any rank, with numpy\'s header', () => {
    const cases = [
      { shape: [], data: Float32Array.of(-0.5) },
      { shape: [3], data: Float32Array.of(1.5, -0, 3.4028234663852886e38) },
      { shape: [2, 3], data: Int32Array.of(-2147483648, 0, 1, 2, 3, 2147483647) },
      { shape: [0], data: new Uint8Array(0) },
      { shape: [2, 1, 2], data: Uint8Array.of(0, 1, 254, 255) },
      { shape: [2], data: Float64Array.of(0.1, -1e-300) },
    ];
    const dict = ["{'descr': '<f4', 'fortran_order': False, 'shape': (), }", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
      "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", "{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }",
      "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 2), }", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"];
    cases.forEach((a, i) => {
      const bytes = encodeNpy(a);
      expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const h = header(bytes);
      expect((10 + h.length) % 64).toBe(0);
      expect(h.endsWith('\n')).toBe(true);
      expect(h.trimEnd()).toBe(dict[i]);
      const dtype = a.data instanceof Float32Array ? '<f4' : a.data instanceof Float64Array ? '<f8' : a.data instanceof Int32Array ? '<i4' : '|u1';
      const back = decodeNpy(bytes, dtype, 'a');
      expect(back.shape).toEqual(a.shape);
      expect([...back.data]).toEqual([...a.data]);
      expect(Object.is(back.data[1], -0) || i !== 1).toBe(true);
    });
  });

  it('refuses what it cannot read with one line naming the array', () => {
    const good = encodeNpy({ shape: [2], data: Float32Array.of(1, 2) });
    const edit = (f: (b: Uint8Array) => void): Uint8Array => { const b = good.slice(); f(b); return b; };
    const fortran = new TextEncoder().encode("\x00{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }\n");
    expect(refused(() => decodeNpy(edit((b) => { b[1] = 0; }), '<f4', 'w'))).toBe('w is not a valid .npy array: it does not start with "\\x93NUMPY"');
    expect(refused(() => decodeNpy(edit((b) => { b[6] = 3; }), '<f4', 'w'))).toBe('w is not a valid .npy array: format version 3.0 (expected 1.0 or 2.0)');
    expect(refused(() => decodeNpy(good, '<i4', 'w'))).toBe('w has dtype <f4, expected <i4');
    expect(refused(() => decodeNpy(good.subarray(0, good.length - 1), '<f4', 'w'))).toBe('w has shape (2,) (8 bytes of data) but holds 7');
    const f = new Uint8Array(10 + fortran.length - 1);
    f.set(good.subarray(0, 8));
    f[8] = fortran.length - 1;
    f.set(fortran.subarray(1), 10);
    expect(refused(() => decodeNpy(f, '<f4', 'w'))).toBe('w is not a valid .npy array: Fortran order (expected C order)');
  });
});

describe('npz', () => {
  it('writes stored entries named <name>.npy, the same bytes for the same arrays, and reads them back', () => {
    const arrays = [['b', { shape: [1], data: Int32Array.of(7) }], ['a.x', { shape: [2], data: Float32Array.of(1, 2) }]] as const;
    const bytes = encodeNpz(arrays);
    expect(encodeNpz(arrays)).toEqual(bytes);
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect(bytes[8] | (bytes[9] << 8)).toBe(0); // method 0: stored
    const entries = decodeNpz(bytes, 'z');
    expect([...entries.keys()]).toEqual(['b', 'a.x']);
    expect([...decodeNpy(entries.get('a.x') as Uint8Array, '<f4', 'a.x').data]).toEqual([1, 2]);
    expect(refused(() => encodeNpz([arrays[0], arrays[0]]))).toBe('npz: two arrays are named b');
    expect(refused(() => decodeNpz(zipSync({ 'notes.txt': new Uint8Array(1) }), 'z')))
      .toBe('z is not a valid .npz archive: entry "notes.txt" is not a .npy array');
  });

  it('exports the same model to the same bytes', () => {
    const a = encodeTorchExport(new Model(smallSpec, referenceKernels), { dataset: 'mnist' });
    const b = encodeTorchExport(new Model(smallSpec, referenceKernels), { dataset: 'mnist' });
    expect(b).toEqual(a);
  });
});
