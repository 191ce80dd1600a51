/**
 * The messages between the page and its training worker (train-worker.ts). The worker owns the
 * kernels, the data and the current model; the page only sends settings, pixels and file bytes,
 * so the page's main thread never runs a kernel and stays responsive while training.
 */
import type { MlpSpec } from '../../src/index.js';

/** What a training run uses beside the network: a short run by default, so that the demo answers quickly. */
export interface RunSettings {
  readonly epochs: number;
  readonly batchSize: number;
  /** Train on the first `limit` training samples (all 60,000 when absent). */
  readonly limit?: number;
  /** Batches per worker turn: between turns the worker reads pause and stop messages and reports progress. */
  readonly chunk: number;
  readonly seed: number;
}

export type ToWorker =
  | { readonly type: 'train'; readonly spec: MlpSpec; readonly run: RunSettings }
  | { readonly type: 'pause' } | { readonly type: 'resume' } | { readonly type: 'stop' }
  | { readonly type: 'predict'; readonly id: number; readonly pixels: Uint8Array }
  | { readonly type: 'save'; readonly id: number }
  | { readonly type: 'load'; readonly id: number; readonly bytes: Uint8Array; readonly name: string }
  | { readonly type: 'evaluate'; readonly id: number };

/** One progress report: the running training loss and accuracy of the epoch, and the speed. */
export interface Progress {
  readonly step: number;
  readonly steps: number;
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly samplesPerSecond: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly kernels: string; readonly threads: number; readonly reason: string | null }
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'epoch'; readonly epoch: number; readonly testAccuracy: number }
  | { readonly type: 'finished'; readonly stopped: boolean; readonly testAccuracy: number | null }
  | { readonly type: 'paused'; readonly paused: boolean }
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };

/** What the page publishes as `globalThis.sobolnetDemo`, for its tests (test/browser/demo.test.ts). */
export interface DemoState {
  backend: { kernels: string; threads: number; reason: string | null } | null;
  crossOriginIsolated: boolean;
  drawing: { paths: number; drawn: number } | null;
  training: 'idle' | 'running' | 'paused' | 'finished';
  testAccuracy: number | null;
  lastProgress: Progress | null;
  image: number[] | null;
  probabilities: number[] | null;
  loaded: { spec: MlpSpec } | null;
  errors: string[];
}
