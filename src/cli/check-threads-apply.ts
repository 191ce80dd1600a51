/** `--threads` applies to the threaded backends only (and to auto, which may pick one). */
import { check } from '../core/errors.js';
import type { BackendName } from '../kernels/node/select-kernels.js';

const THREADED: readonly (BackendName | 'auto')[] = ['auto', 'wasm-threads', 'wasm-fma-threads'];

/** Throws one line when `threads` is given with a backend that runs on one thread. */
export function checkThreadsApply(backend: BackendName | 'auto', threads: number | undefined): void {
  check(threads === undefined || THREADED.includes(backend), () =>
    `--threads applies only with --backend ${THREADED.join(', ')}, got --backend ${backend}`);
}
