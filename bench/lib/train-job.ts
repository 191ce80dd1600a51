/** What bench/train.bench.ts asks of bench/train-run.ts (one child process per run), and what it gets back. */

export interface TrainJob {
  readonly engine: 'sobolnet' | 'tfjs';
  readonly model: 'path' | 'dense';
  readonly backend?: string;
  readonly threads?: number | null;
  /** tfjs only: 'stock' kernels, or BatchMatMul re-registered to transpose explicitly (see tfjs-wasm.ts). */
  readonly tfjsMatMul?: 'stock' | 'explicit-transpose';
  /** Train on the first `limit` samples (null: all 60000). */
  readonly limit: number | null;
  /** The mini-batch (default: the recipe's, 128). */
  readonly batch?: number;
  readonly warmupBatches: number;
}

export interface TrainResult {
  readonly job: TrainJob;
  readonly samples: number;
  readonly epochSeconds: number;
  readonly samplesPerSecond: number;
  readonly testAccuracy: number;
  readonly trainLoss: number | null;
  readonly parameters: number;
  readonly macsPerSample: number;
  readonly peakRssMiB: number;
  readonly engineInfo: string;
}

export const RESULT_MARK = '@@result ';
