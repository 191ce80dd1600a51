/** Builders of small data files for the data tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** IDX bytes: magic 00 00 type ndims, big-endian dims, then `data`. */
export function idxBytes(dims: readonly number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(data), header);
  return out;
}

/** CIFAR-10 records: for each sample, its label then 3072 pixel bytes given by `pixel(n, c, y, x)`. */
export function cifarBytes(labels: readonly number[], pixel: (n: number, c: number, y: number, x: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, n) => {
    const at = n * 3073;
    out[at] = label;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[at + 1 + c * 1024 + y * 32 + x] = pixel(n, c, y, x) & 255;
  });
  return out;
}

/** A fresh temporary folder and its remover. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-data-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
