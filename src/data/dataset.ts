/**
 * A labelled image data set held as raw bytes. Pixels stay `Uint8Array` (60000 × 784 bytes for
 * MNIST train, not 4× that in float32); `fillBatch` scales them to [0, 1] when it builds a batch,
 * or normalises them per channel when the data set carries a `normalization`.
 *
 * Shape legend: N samples, D features (= product of `shape`), C classes.
 */
export interface Dataset {
  /** E.g. "mnist/train". Used in messages and reports. */
  readonly name: string;
  /** N: number of samples. */
  readonly count: number;
  /** D: bytes per sample, the product of `shape`. */
  readonly features: number;
  /** C: labels are in [0, C). */
  readonly classes: number;
  /** One sample's shape, e.g. [28, 28] (rows, columns) or [3, 32, 32] (channels, rows, columns). */
  readonly shape: readonly number[];
  /** [N][D] sample-major raw bytes: sample n, feature d at `n * D + d`. */
  readonly pixels: Uint8Array;
  /** [N] class of each sample. */
  readonly labels: Uint8Array;
  /**
   * Per-channel normalisation of every batch built from this data set (data/normalization.ts);
   * absent: pixel / 255. The training, validation and test parts of a split carry the same one.
   */
  readonly normalization?: ChannelNormalization;
}

/** Per-channel mean and divisor in units of pixel / 255 (data/normalization.ts). Both [C]. */
export interface ChannelNormalization {
  readonly mean: readonly number[];
  /** The divisor of each channel: its standard deviation, or 1 where that is 0 (a constant channel is only centred). */
  readonly std: readonly number[];
}

/**
 * The parts of a data set: training, an optional validation part held out of the training file
 * (see validation-split.ts; evaluated after every epoch) and the test part (evaluated once, after
 * training).
 */
export interface DataSplit {
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly test: Dataset;
}
