/**
 * NumPy's .npz archive: a zip file with one .npy entry (npy.ts) per array, named `<name>.npy`;
 * numpy.load(path) opens it as a mapping from `<name>` to array. Written with the entries stored
 * (no compression, as numpy.savez does) or deflated (`compress`, as numpy.savez_compressed does),
 * and a fixed timestamp, so equal arrays give equal bytes.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { check, SobolnetError } from '../../core/errors.js';
import { encodeNpy, type NpyArray } from './npy.js';

/** The timestamp of every entry: the zip epoch, 1980-01-01 (nothing time-dependent in the file). */
const ZIP_EPOCH = new Date(1980, 0, 1);

/** Named arrays -> .npz bytes, entries in the given order, deflated with `compress`. Names must be unique. */
export function encodeNpz(arrays: readonly (readonly [string, NpyArray])[], options: { compress?: boolean } = {}): Uint8Array {
  const level = options.compress === true ? 6 : 0;
  const files: Zippable = {};
  for (const [name, array] of arrays) {
    const file = `${name}.npy`;
    check(!(file in files), () => `npz: two arrays are named ${name}`);
    files[file] = [encodeNpy(array), { level, mtime: ZIP_EPOCH }];
  }
  return zipSync(files, { level, mtime: ZIP_EPOCH });
}

/**
 * .npz bytes -> the .npy bytes of each entry by array name (`.npy` removed). Refuses anything that
 * is not a zip of `.npy` entries with one line naming `what`.
 */
export function decodeNpz(bytes: Uint8Array, what: string): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new SobolnetError(`${what} is not a valid .npz archive: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [file, data] of Object.entries(files)) {
    check(file.endsWith('.npy'), () => `${what} is not a valid .npz archive: entry ${JSON.stringify(file)} is not a .npy array`);
    out.set(file.slice(0, -'.npy'.length), data);
  }
  return out;
}
