/**
 * The browser bench's page (bundled by esbuild): runs the worker once on 1 thread and, where the
 * page is cross-origin isolated, once on 2 (a fresh worker each), and publishes what each reported
 * in globalThis.sobolnetPage (bench/lib/chromium-page.ts waits for its `done`).
 */
interface WorkerHandle { onmessage: ((e: { data: unknown }) => void) | null; postMessage(m: unknown): void; terminate(): void }
interface PageScope {
  Worker: new (url: string, options: { type: 'module' }) => WorkerHandle;
  crossOriginIsolated?: boolean;
  sobolnetPage?: { runs: unknown[]; done: boolean };
}
const scope = globalThis as unknown as PageScope;
const out: { runs: unknown[]; done: boolean } = { runs: [], done: false };
scope.sobolnetPage = out;
const SAMPLES = 6016, REPEATS = 3;

function runWorker(threads: number): Promise<unknown> {
  return new Promise((resolve) => {
    const worker = new scope.Worker('/worker.js', { type: 'module' });
    worker.onmessage = (e) => {
      worker.terminate();
      resolve(e.data);
    };
    worker.postMessage({ threads, samples: SAMPLES, repeats: REPEATS });
  });
}

void (async () => {
  for (const threads of scope.crossOriginIsolated === true ? [1, 2] : [1]) out.runs.push(await runWorker(threads));
  out.done = true;
})();
