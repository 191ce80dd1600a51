/**
 * Test helpers for model files: rewrite a file's JSON header (recomputing the header length, the
 * padding and the CRC, so that only the schema and the later checks can refuse it) and reseal a
 * file whose bytes were altered.
 */
import { crc32 } from '../../src/core/crc32.js';

/** Rewrites the CRC so that a deliberately altered file passes the checksum. */
export function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** The parsed JSON header of a model file. */
export function headerOf(bytes: Uint8Array): unknown {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
}

/** The same file with `headerText` as its header and the same floats, sealed with a fresh CRC. */
export function withHeaderText(bytes: Uint8Array, headerText: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const oldLength = view.getUint32(12, true);
  const floats = bytes.subarray(align4(16 + oldLength), bytes.length - 4);
  const header = new TextEncoder().encode(headerText);
  const start = align4(16 + header.length);
  const out = new Uint8Array(start + floats.length + 4);
  out.set(bytes.subarray(0, 12));
  new DataView(out.buffer).setUint32(12, header.length, true);
  out.set(header, 16);
  out.set(floats, start);
  return resealed(out);
}

/** The same file with its header replaced by `edit(header)` (a fresh copy of the parsed header). */
export function withHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => unknown): Uint8Array {
  return withHeaderText(bytes, JSON.stringify(edit(headerOf(bytes) as Record<string, unknown>)));
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
