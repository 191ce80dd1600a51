/**
 * The CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html): each file is a run of
 * 3073-byte records, 1 label byte (0..9) then 3072 pixel bytes: the 32×32 red plane, then green,
 * then blue, each row-major. The training set is data_batch_1..5.bin, the test set test_batch.bin.
 *
 * Pure functions over bytes: no Node modules, so the browser can use them too.
 * Shape legend: N samples, D features (3072 = 3 × 32 × 32), C classes.
 */
import { check } from '../core/errors.js';
import type { Dataset } from './dataset.js';

export const CIFAR10_CLASSES = 10;
export const CIFAR10_SHAPE: readonly number[] = [3, 32, 32];
export const CIFAR10_FEATURES = 3 * 32 * 32;
export const CIFAR10_RECORD_BYTES = 1 + CIFAR10_FEATURES;
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

/** One CIFAR-10 batch file: its bytes and a name for error messages. */
export interface Cifar10File {
  readonly what: string;
  readonly bytes: Uint8Array;
}

/**
 * Concatenates one or several CIFAR-10 batch files into one Dataset (shape [3, 32, 32], pixels
 * channel-major exactly as stored). files: each [n_f × 3073] -> Dataset with N = sum n_f.
 */
export function parseCifar10(name: string, files: readonly Cifar10File[]): Dataset {
  check(files.length >= 1, () => `${name}: no CIFAR-10 batch files given`);
  let count = 0;
  for (const { what, bytes } of files) {
    check(bytes.length > 0, () =>
      `${what}: empty file (0 bytes); a CIFAR-10 batch file holds whole ${CIFAR10_RECORD_BYTES}-byte records`);
    check(bytes.length % CIFAR10_RECORD_BYTES === 0, () =>
      `${what}: a CIFAR-10 batch file holds whole ${CIFAR10_RECORD_BYTES}-byte records, got ${bytes.length} bytes` +
      ` (${Math.floor(bytes.length / CIFAR10_RECORD_BYTES)} records + ${bytes.length % CIFAR10_RECORD_BYTES} bytes)`);
    count += bytes.length / CIFAR10_RECORD_BYTES;
  }
  const pixels = new Uint8Array(count * CIFAR10_FEATURES);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const { what, bytes } of files) {
    const records = bytes.length / CIFAR10_RECORD_BYTES;
    for (let r = 0; r < records; r++, n++) {
      const at = r * CIFAR10_RECORD_BYTES;
      const label = bytes[at];
      check(label < CIFAR10_CLASSES, () =>
        `${what}: label ${label} of record ${r} is out of range, expected < ${CIFAR10_CLASSES} classes`);
      labels[n] = label;
      pixels.set(bytes.subarray(at + 1, at + CIFAR10_RECORD_BYTES), n * CIFAR10_FEATURES);
    }
  }
  return {
    name, count, features: CIFAR10_FEATURES, classes: CIFAR10_CLASSES, shape: CIFAR10_SHAPE, pixels, labels,
  };
}
