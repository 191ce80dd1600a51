/**
 * Run by pool.test.ts in a child process: uses a 2-thread pool and returns without close(); the
 * process must still exit on its own (the workers are unref'd).
 */
import { selectKernels } from '../../src/kernels/node/select-kernels.js';

const k = selectKernels('wasm-threads', { threads: 2 });
const n = 1 << 20; // above the parallel threshold: the worker does half
const x = k.alloc('f32', n).fill(-1);
x[n - 1] = 5;
k.reluForward(x, x, n);
process.stdout.write(`${k.name} ${x[0]} ${x[n - 1]}\n`);
