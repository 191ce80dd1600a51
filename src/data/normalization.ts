/**
 * Per-channel input normalisation: pixel byte p of channel c enters the network as
 * (p / 255 - mean[c]) / std[c], with mean[c] and std[c] the mean and (population) standard
 * deviation of channel c's pixels / 255 over the training samples, never over the validation or
 * test samples. The same numbers then apply to training, validation and test batches, and a model
 * file stores them (ModelMeta `normalization`) so that evaluating it needs no training data.
 *
 * Without a normalisation a pixel is p / 255, as before this file existed (data/batch.ts).
 *
 * The statistics are exact functions of the bytes: a histogram per channel, integer sums, the
 * variance's numerator in BigInt, each quotient rounded once. So the same training bytes give the
 * same numbers on every platform.
 *
 * Shape legend: N samples, C channels, S pixels per channel (rows × columns).
 */
import { check, SobolnetError } from '../core/errors.js';
import type { ChannelNormalization, Dataset, DataSplit } from './dataset.js';
import { imageShapeOf } from './image-shape.js';

export type { ChannelNormalization } from './dataset.js';

/** The input normalisations there are: per channel from the training samples, or none (pixel / 255). */
export const NORMALIZATIONS = ['per-channel', 'none'] as const;
export type NormalizationKind = (typeof NORMALIZATIONS)[number];

const PIXEL_MAX = 255;

/**
 * The per-channel statistics of the first `count` samples of `data` (the samples a run trains on).
 * data: [N][C][S] bytes -> mean [C], std [C].
 */
export function channelStatistics(data: Dataset, count = data.count): ChannelNormalization {
  check(Number.isInteger(count) && count >= 1 && count <= data.count, () =>
    `normalisation statistics need 1 to ${data.count} samples of ${data.name}, got ${count}`);
  const { channels: C } = imageShapeOf(data.shape, data.name);
  const D = data.features, S = D / C;
  const histogram = new Float64Array(C * 256);
  const pixels = data.pixels;
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < C; c++) {
      const base = n * D + c * S, h = c * 256;
      for (let k = 0; k < S; k++) histogram[h + pixels[base + k]]++;
    }
  }
  const total = count * S;
  const mean: number[] = [], std: number[] = [];
  for (let c = 0; c < C; c++) {
    let sum = 0n, sumSq = 0n;
    for (let v = 0; v < 256; v++) {
      const h = BigInt(histogram[c * 256 + v]);
      sum += h * BigInt(v);
      sumSq += h * BigInt(v * v);
    }
    // Var(p) = (total · Σp² - (Σp)²) / total², an exact integer numerator.
    const numerator = BigInt(total) * sumSq - sum * sum;
    const sd = Math.sqrt(Number(numerator) / (total * total)) / PIXEL_MAX;
    mean.push(Number(sum) / (total * PIXEL_MAX));
    std.push(sd > 0 ? sd : 1);
  }
  return { mean, std };
}

/**
 * `split` with `norm` attached to its training, validation and test parts, so that every batch
 * of each (data/batch.ts) is normalised with the same numbers.
 */
export function withNormalization(split: DataSplit, norm: ChannelNormalization): DataSplit {
  const { channels } = imageShapeOf(split.train.shape, split.train.name);
  checkNormalization(norm, channels, 'the normalisation');
  const attach = (d: Dataset): Dataset => ({ ...d, normalization: norm });
  return {
    train: attach(split.train),
    ...(split.validation ? { validation: attach(split.validation) } : {}),
    test: attach(split.test),
  };
}

/**
 * Checks that `value` (e.g. read from a model file) is a normalisation of `channels` channels:
 * finite means and positive finite divisors. `what` names it in the one-line error.
 */
export function checkNormalization(value: unknown, channels: number, what: string): ChannelNormalization {
  const v = value as { mean?: unknown; std?: unknown } | null;
  const list = (x: unknown, ok: (n: number) => boolean): x is number[] =>
    Array.isArray(x) && x.length === channels && x.every((n) => typeof n === 'number' && ok(n));
  if (typeof v !== 'object' || v === null || !list(v.mean, Number.isFinite) || !list(v.std, (n) => Number.isFinite(n) && n > 0)) {
    throw new SobolnetError(`${what} must be { mean, std } with ${channels} finite mean(s) and ${channels} positive std(s), ` +
      `got ${JSON.stringify(value)}`);
  }
  return { mean: [...v.mean], std: [...v.std] };
}

const tables = new WeakMap<ChannelNormalization, Float64Array>();

/**
 * The input value of every pixel byte of every channel: entry c * 256 + p is (p / 255 - mean[c]) /
 * std[c] in float64 (rounded once more when stored in a float32 batch). -> [C * 256], cached per
 * normalisation.
 */
export function normalizationTable(norm: ChannelNormalization): Float64Array {
  let table = tables.get(norm);
  if (table === undefined) {
    const C = norm.mean.length;
    table = new Float64Array(C * 256);
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < 256; p++) table[c * 256 + p] = (p / PIXEL_MAX - norm.mean[c]) / norm.std[c];
    }
    tables.set(norm, table);
  }
  return table;
}
