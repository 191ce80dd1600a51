/**
 * The browser bench's Web Worker (bundled by esbuild): the wasm backend on the threads it is told,
 * then trainingThroughput; posts the samples per second of each timed epoch.
 */
import { createBrowserKernels } from '../../src/index.js';
import { trainingThroughput } from './train-throughput.js';

interface WorkerScope {
  onmessage: ((event: { data: { threads: number; samples: number; repeats: number } }) => void) | null;
  postMessage(message: unknown): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { threads, samples, repeats } = event.data;
  void (async () => {
    try {
      const got = await createBrowserKernels({ threads });
      const rates = trainingThroughput(got.kernels, samples, repeats);
      scope.postMessage({ ok: true, name: got.kernels.name, threads: got.threads, build: got.build, rates });
      got.kernels.close();
    } catch (e) {
      scope.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  })();
};
