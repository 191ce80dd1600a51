import { describe, expect, it } from 'vitest';
import { SobolnetError } from '../../src/core/errors.js';
import { idxDataset, parseIdx } from '../../src/data/idx.js';
import { idxBytes } from './fixtures.js';

describe('parseIdx', () => {
  it('reads dims and bytes of an image file', () => {
    const bytes = idxBytes([2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 8, 3]);
    const { dims, data } = parseIdx(bytes, 'x');
    expect(dims).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('reads big-endian dims above 255 and views an offset buffer', () => {
    const inner = idxBytes([300], new Uint8Array(300).map((_, i) => i % 7));
    const padded = new Uint8Array(inner.length + 5);
    padded.set(inner, 5);
    const { dims, data } = parseIdx(padded.subarray(5), 'labels');
    expect(dims).toEqual([300]);
    expect(data.length).toBe(300);
    expect(data[299]).toBe(299 % 7);
    expect(data[8]).toBe(1);
  });

  it('rejects a bad magic number', () => {
    const bytes = idxBytes([2], [1, 2]);
    bytes[0] = 0x12;
    expect(() => parseIdx(bytes, 'f.idx')).toThrow(SobolnetError);
    expect(() => parseIdx(bytes, 'f.idx')).toThrow('f.idx: bad IDX magic number 0x12000801');
    expect(() => parseIdx(new TextEncoder().encode('<html>not a file</html>'), 'page'))
      .toThrow('page: bad IDX magic number 0x3c68746d');
  });

  it('rejects element types other than unsigned byte by name', () => {
    expect(() => parseIdx(idxBytes([1], [0, 0, 0, 0], 0x0d), 'floats'))
      .toThrow('floats: IDX element type 0x0d (float32) is not supported, only 0x08 (unsigned byte)');
  });

  it('rejects truncated files naming expected and actual bytes', () => {
    const bytes = idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => parseIdx(bytes.subarray(0, 20), 'imgs'))
      .toThrow('imgs: truncated IDX file: dimensions [2, 2, 2] need 24 bytes, got 20');
    expect(() => parseIdx(bytes.subarray(0, 10), 'imgs'))
      .toThrow('imgs: truncated IDX file: expected 16 header bytes for 3 dimensions, got 10');
    expect(() => parseIdx(bytes.subarray(0, 2), 'imgs'))
      .toThrow('imgs: truncated IDX file: expected at least 4 header bytes, got 2');
  });

  it('rejects extra bytes', () => {
    const bytes = new Uint8Array(12);
    bytes.set(idxBytes([2], [1, 2]));
    expect(() => parseIdx(bytes, 'lbl'))
      .toThrow('lbl: 2 extra bytes after the IDX data: dimensions [2] need 10 bytes, got 12');
  });
});

describe('idxDataset', () => {
  const images = idxBytes([3, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
  it('builds a dataset', () => {
    const ds = idxDataset('toy', images, idxBytes([3], [2, 0, 1]), 3);
    expect(ds).toMatchObject({ name: 'toy', count: 3, features: 4, classes: 3, shape: [2, 2] });
    expect(Array.from(ds.labels)).toEqual([2, 0, 1]);
    expect(Array.from(ds.pixels.subarray(4, 8))).toEqual([10, 11, 12, 13]);
  });

  it('rejects a label out of range', () => {
    expect(() => idxDataset('toy', images, idxBytes([3], [2, 3, 1]), 3))
      .toThrow('toy labels: label 3 of sample 1 is out of range, expected < 3 classes');
  });

  it('rejects mismatched counts and swapped files', () => {
    expect(() => idxDataset('toy', images, idxBytes([2], [0, 1]), 3))
      .toThrow('toy: toy images has 3 samples but toy labels has 2 labels');
    expect(() => idxDataset('toy', idxBytes([3], [0, 1, 2]), images, 3))
      .toThrow('toy images: an image file needs at least 2 dimensions (count, features...), got [3]');
  });
});
