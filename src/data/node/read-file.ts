/**
 * Reads a data file into bytes, gunzipping it when it starts with the gzip magic 1f 8b, so that
 * "train-images-idx3-ubyte" and "train-images-idx3-ubyte.gz" read the same. Node only.
 */
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SobolnetError } from '../../core/errors.js';
import { readInputFile } from '../../core/node/read-input-file.js';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes of the file at `path`, gunzipped if gzip-compressed. -> [file length]. */
export function readDataFile(path: string): Uint8Array {
  const raw = readInputFile(path, 'dataset file');
  let bytes: Buffer = raw;
  if (isGzip(raw)) {
    try {
      bytes = gunzipSync(raw);
    } catch (err) {
      throw new SobolnetError(`corrupted gzip file ${path}: ${(err as Error).message}`);
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The first of `candidates` that exists, or null when none does. */
export function findDataFile(candidates: readonly string[]): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}
