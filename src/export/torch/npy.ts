/**
 * NumPy's .npy array format, version 1.0, for the dtypes the PyTorch export uses: float32 ('<f4'),
 * int32 ('<i4') and uint8 ('|u1'), and float64 ('<f8') for tests that compare in double precision;
 * little-endian, C order. numpy.save writes and
 * numpy.load reads exactly this; so does python/sobolnet_torch.
 *
 *   bytes 0..5   "\x93NUMPY"
 *   byte 6, 7    major 1, minor 0
 *   u16 (LE)     header length H
 *   H bytes      ASCII: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", padded with
 *                spaces and ended by "\n" so that 10 + H is a multiple of 64 (numpy's alignment)
 *   data         the elements, little-endian, C order (last index fastest)
 *
 * The reader also takes version 2.0 (u32 header length), which numpy writes for headers over 64 KiB.
 *
 * Shape legend: N elements, R rank.
 */
import { check, SobolnetError } from '../../core/errors.js';

export type NpyDtype = '<f4' | '<f8' | '<i4' | '|u1';

/** A typed array with its shape; the dtype follows from the array type. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;

function dtypeOf(data: NpyArray['data']): NpyDtype {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  return '|u1';
}

/** numpy's repr of a shape tuple: `()`, `(5,)`, `(3, 4)`. */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** array -> .npy bytes (version 1.0). shape's product must equal data.length. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { shape, data } = array;
  const N = shape.reduce((a, b) => a * b, 1);
  check(N === data.length, () => `npy: shape ${shapeRepr(shape)} holds ${N} elements, the data ${data.length}`);
  const dict = `{'descr': '${dtypeOf(data)}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  const unpadded = 10 + dict.length + 1;
  const H = dict.length + 1 + ((ALIGN - (unpadded % ALIGN)) % ALIGN);
  check(H <= 0xffff, () => `npy: a header of ${H} bytes does not fit version 1.0`);
  const header = dict.padEnd(H - 1, ' ') + '\n';
  const bytes = new Uint8Array(10 + H + data.byteLength);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, H, true);
  for (let i = 0; i < H; i++) bytes[10 + i] = header.charCodeAt(i);
  const view = new DataView(bytes.buffer, 10 + H);
  if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  else if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  else if (data instanceof Int32Array) for (let i = 0; i < data.length; i++) view.setInt32(4 * i, data[i], true);
  else bytes.set(data, 10 + H);
  return bytes;
}

const HEADER = /^\{\s*'descr':\s*'([^']*)',\s*'fortran_order':\s*(True|False),\s*'shape':\s*\(([^)]*)\),?\s*\}\s*$/;

/** The dtype, shape and element bytes of .npy bytes (no copy). `what` names the array in errors. */
function parseHeader(bytes: Uint8Array, what: string): { descr: string; shape: number[]; start: number } {
  const bad = (why: string): SobolnetError => new SobolnetError(`${what} is not a valid .npy array: ${why}`);
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw bad('it does not start with "\\x93NUMPY"');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major !== 1 && major !== 2) throw bad(`format version ${major}.${bytes[7]} (expected 1.0 or 2.0)`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw bad('truncated header');
  const H = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes + H;
  if (start > bytes.length) throw bad(`header length ${H} exceeds the ${bytes.length} bytes`);
  const text = String.fromCharCode(...bytes.subarray(8 + lengthBytes, start));
  const m = HEADER.exec(text);
  if (m === null) throw bad(`unreadable header ${JSON.stringify(text.trim())}`);
  if (m[2] === 'True') throw bad('Fortran order (expected C order)');
  const dims = m[3].split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!dims.every((d) => /^[0-9]+$/.test(d))) throw bad(`shape (${m[3]}) is not a tuple of sizes`);
  return { descr: m[1], shape: dims.map(Number), start };
}

/**
 * .npy bytes -> the array, checked to have `dtype` and exactly as many bytes as its shape needs.
 * `what` names it in the one-line errors. The data are copied (a zip entry need not be aligned).
 */
export function decodeNpy(bytes: Uint8Array, dtype: NpyDtype, what: string): NpyArray {
  const { descr, shape, start } = parseHeader(bytes, what);
  // numpy writes '<f4' on little-endian machines and '|u1' or '<u1' for bytes; accept the aliases it may write.
  const same = descr === dtype || (dtype === '|u1' && (descr === '<u1' || descr === '>u1'));
  check(same, () => `${what} has dtype ${descr}, expected ${dtype}`);
  const N = shape.reduce((a, b) => a * b, 1);
  const size = dtype === '|u1' ? 1 : dtype === '<f8' ? 8 : 4;
  check(bytes.length - start === N * size, () =>
    `${what} has shape ${shapeRepr(shape)} (${N * size} bytes of data) but holds ${bytes.length - start}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, N * size);
  if (dtype === '<f4') {
    const data = new Float32Array(N);
    for (let i = 0; i < N; i++) data[i] = view.getFloat32(4 * i, true);
    return { shape, data };
  }
  if (dtype === '<f8') {
    const data = new Float64Array(N);
    for (let i = 0; i < N; i++) data[i] = view.getFloat64(8 * i, true);
    return { shape, data };
  }
  if (dtype === '<i4') {
    const data = new Int32Array(N);
    for (let i = 0; i < N; i++) data[i] = view.getInt32(4 * i, true);
    return { shape, data };
  }
  return { shape, data: bytes.slice(start) };
}
