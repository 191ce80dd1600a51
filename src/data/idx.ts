/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
 * number 00 00 TT NN (TT = element type, NN = number of dimensions), NN big-endian uint32
 * dimension sizes, then the elements in row-major order. Only unsigned bytes (TT = 0x08) are
 * supported: images have magic 0x00000803 (N × rows × cols), labels 0x00000801 (N).
 *
 * Pure functions over bytes: no Node modules, so the browser can use them too.
 * Shape legend: N samples, D features, C classes.
 */
import { check, checkInt } from '../core/errors.js';
import type { Dataset } from './dataset.js';

/** Element types the IDX format defines, by type byte (for error messages). */
const IDX_TYPES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const UNSIGNED_BYTE = 0x08;

/** A parsed IDX file: its dimensions and its elements. */
export interface IdxArray {
  readonly dims: number[];
  /** Row-major elements, a view into the input bytes (no copy). */
  readonly data: Uint8Array;
}

const hex = (v: number, width: number): string => `0x${v.toString(16).padStart(width, '0')}`;

/**
 * Parses one IDX file of unsigned bytes. `what` names the file in error messages.
 * bytes: [4 + 4·ndims + prod(dims)] -> dims [ndims], data [prod(dims)].
 */
export function parseIdx(bytes: Uint8Array, what: string): IdxArray {
  check(bytes.length >= 4, () =>
    `${what}: truncated IDX file: expected at least 4 header bytes, got ${bytes.length}`);
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const type = bytes[2];
  const ndims = bytes[3];
  check(bytes[0] === 0 && bytes[1] === 0 && ndims >= 1 && type in IDX_TYPES, () =>
    `${what}: bad IDX magic number ${hex(magic, 8)}, expected 0x00000803 (images) or 0x00000801 (labels)`);
  check(type === UNSIGNED_BYTE, () =>
    `${what}: IDX element type ${hex(type, 2)} (${IDX_TYPES[type]}) is not supported, only 0x08 (unsigned byte)`);
  const header = 4 + 4 * ndims;
  check(bytes.length >= header, () =>
    `${what}: truncated IDX file: expected ${header} header bytes for ${ndims} dimensions, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < ndims; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    size *= dim;
  }
  const expected = header + size;
  check(bytes.length >= expected, () =>
    `${what}: truncated IDX file: dimensions [${dims.join(', ')}] need ${expected} bytes, got ${bytes.length}`);
  check(bytes.length === expected, () =>
    `${what}: ${bytes.length - expected} extra bytes after the IDX data: dimensions [${dims.join(', ')}] need ${expected} bytes, got ${bytes.length}`);
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}

/**
 * Builds a Dataset from an IDX image file (N × rows × cols, or any N × ...) and an IDX label file
 * (N), checking that the counts match and every label is below `classes`.
 * imagesBytes: IDX [N, ...shape]; labelsBytes: IDX [N] -> Dataset with D = prod(shape).
 */
export function idxDataset(
  name: string,
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  classes: number,
  imagesWhat = `${name} images`,
  labelsWhat = `${name} labels`,
): Dataset {
  checkInt(classes, `${name}: number of classes`, 1, 256);
  const images = parseIdx(imagesBytes, imagesWhat);
  const labels = parseIdx(labelsBytes, labelsWhat);
  check(images.dims.length >= 2, () =>
    `${imagesWhat}: an image file needs at least 2 dimensions (count, features...), got [${images.dims.join(', ')}]`);
  check(labels.dims.length === 1, () =>
    `${labelsWhat}: a label file needs 1 dimension (count), got [${labels.dims.join(', ')}]`);
  const count = images.dims[0];
  check(count >= 1, () =>
    `${imagesWhat}: the IDX header says 0 samples (dimensions [${images.dims.join(', ')}]); a data set needs at least one`);
  check(labels.dims[0] === count, () =>
    `${name}: ${imagesWhat} has ${count} samples but ${labelsWhat} has ${labels.dims[0]} labels`);
  const shape = images.dims.slice(1);
  const features = shape.reduce((a, b) => a * b, 1);
  check(features >= 1, () => `${imagesWhat}: empty sample shape [${shape.join(', ')}]`);
  const bad = firstLabelAtLeast(labels.data, classes);
  check(bad < 0, () =>
    `${labelsWhat}: label ${labels.data[bad]} of sample ${bad} is out of range, expected < ${classes} classes`);
  return { name, count, features, classes, shape, pixels: images.data, labels: labels.data };
}

/** Index of the first label >= classes, or -1. labels: [N]. */
function firstLabelAtLeast(labels: Uint8Array, classes: number): number {
  for (let i = 0; i < labels.length; i++) if (labels[i] >= classes) return i;
  return -1;
}
