/**
 * Training in the browser against training in Node: `npm start`'s network (784-1024-1024-10, fan-in
 * 32, dense output, Adam, batch 128) on synthetic MNIST-shaped data, in a Web Worker of Debian's
 * headless Chromium (a cross-origin isolated page: 1 and 2 threads; a plain page: 1 unshared
 * thread) and in this Node process on the same wasm build and thread counts.
 *
 *   npm run bench:browser [-- --rounds 3]
 *
 * Each run trains a warm-up epoch of 1,024 samples, then 3 epochs of 6,016 samples, and reports the
 * samples per second of each (the trainer's own count: training time, evaluation excluded). Node
 * and browser runs alternate, `rounds` times (default 3); the table gives the median over all timed
 * epochs of a case and the browser/Node ratio per thread count. Writes bench/results/browser.json.
 */
import { join } from 'node:path';
import { relaxedSimdAvailable } from '../src/kernels/node/load-wasm-module.js';
import { createNodeWasmKernels } from '../src/kernels/node/select-kernels.js';
import { badArgument } from './lib/args.js';
import { CHROMIUM_MISSING, runInChromium } from './lib/chromium-page.js';
import { printHeader } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { fmtNum, median, printTable } from './lib/timing.js';
import { trainingThroughput } from './lib/train-throughput.js';

interface BrowserRun { ok: boolean; error?: string; name: string; threads: number; build: string; rates: number[] }

async function main(): Promise<void> {
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
  if (!Number.isInteger(rounds) || rounds < 1) badArgument(`--rounds takes a positive integer, got ${process.argv[roundsArg + 1]}`);
  if (CHROMIUM_MISSING !== null) throw new Error(CHROMIUM_MISSING);
  const machine = printHeader('training npm start\'s network in Chromium (Web Workers) against Node, same wasm build', [
    `${rounds} rounds, each: Chromium isolated page (1 and 2 threads), plain page (1 thread), then Node (1 and 2 threads);` +
      ' per run a warm-up epoch of 1,024 samples, then 3 timed epochs of 6,016',
  ]);
  const build = relaxedSimdAvailable() ? 'simd-fma' : 'simd';
  const rates = new Map<string, number[]>();
  const add = (key: string, xs: readonly number[]): void => { rates.set(key, [...(rates.get(key) ?? []), ...xs]); };
  for (let round = 0; round < rounds; round++) {
    const runs = await runInChromium<{ runs: BrowserRun[] }>(join(import.meta.dirname, 'lib', 'browser-train-page.ts'),
      join(import.meta.dirname, 'lib', 'browser-train-worker.ts'), [true, false], 600_000);
    runs.forEach((run, i) => {
      for (const r of run.result.runs) {
        if (!r.ok) throw new Error(`the browser run failed: ${r.error}`);
        if (r.build !== build) throw new Error(`Chromium ran the ${r.build} build, Node runs ${build}: not comparable`);
        add(i === 0 ? `chromium isolated ${r.threads}t` : `chromium plain ${r.threads}t`, r.rates);
      }
    });
    for (const threads of [1, 2]) {
      const kernels = createNodeWasmKernels({ threads, build });
      add(`node ${threads}t`, trainingThroughput(kernels, 6016, 3));
      kernels.close();
    }
    console.log(`round ${round + 1}/${rounds} done`);
  }
  const rows = [...rates].map(([key, xs]) => ({ key, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), epochs: xs.length }));
  console.log('');
  printTable(['case', 'samples/s (median)', 'min–max', 'timed epochs'],
    rows.map((r) => [r.key, fmtNum(r.median), `${fmtNum(r.min)}–${fmtNum(r.max)}`, String(r.epochs)]));
  const ratio = (t: number): number => median(rates.get(`chromium isolated ${t}t`)!) / median(rates.get(`node ${t}t`)!);
  console.log(`\nbrowser / Node (isolated page, same build '${build}'): 1 thread ${(100 * ratio(1)).toFixed(0)} %, 2 threads ${(100 * ratio(2)).toFixed(0)} %`);
  writeResults('browser', { bench: 'browser', machine, build, rounds, rows, ratio1: ratio(1), ratio2: ratio(2) });
}

await main();
process.exit(0);
