/**
 * Throughput of Sobol' component generation and scrambling.
 *
 *   npm run bench        (node --import tsx bench/sobol.bench.ts)
 *
 * Prints components/s (one component of one point = one 32-bit value written) for natural and Gray
 * order over several components and counts 2^20..2^22, then digital shift and Owen scrambling
 * (and, for comparison, the seeded Rng),
 * each as median, min and max of REPEATS timed runs after a warm-up, and writes the same numbers
 * to bench/results/sobol.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/sequences/rng.js';
import { digitalShift, owenScramble } from '../src/sequences/scramble.js';
import '../src/sequences/node/register-joe-kuo-table.js';   // COMPONENTS go up to 21200
import { sobolComponent } from '../src/sequences/sobol.js';
import type { SobolOrder } from '../src/sequences/sobol.js';

const REPEATS = 7;
const COMPONENTS = [0, 1, 100, 21200];
const ORDERS: SobolOrder[] = ['natural', 'gray'];
const COUNTS = [2 ** 20, 2 ** 21, 2 ** 22];
const START = 12345;   // unaligned, so partial blocks are included

interface Row {
  what: string;
  component: number;
  order: SobolOrder | '-';
  count: number;
  medianPerS: number;
  minPerS: number;
  maxPerS: number;
  medianMs: number;
}

/** Runs `f` once to warm up and REPEATS times timed; returns values/s statistics for `count` values. */
function measure(count: number, f: () => void): { median: number; min: number; max: number; medianMs: number } {
  f();
  const ms: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const med = ms[(ms.length - 1) >> 1];
  return { median: count / (med / 1e3), min: count / (ms[ms.length - 1] / 1e3), max: count / (ms[0] / 1e3), medianMs: med };
}

const fmt = (x: number): string => `${(x / 1e6).toFixed(0).padStart(6)} M/s`;

function main(): void {
  const rows: Row[] = [];
  const out = new Uint32Array(Math.max(...COUNTS));
  let sink = 0;   // keeps the results observable

  console.log(`Sobol' generation, ${REPEATS} timed runs each after one warm-up; start index ${START}; output preallocated.`);
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}\n`);
  console.log('what            comp  order      count    median       min       max   median ms');
  for (const component of COMPONENTS) {
    for (const order of ORDERS) {
      for (const count of COUNTS) {
        const s = measure(count, () => {
          sobolComponent(component, START, count, order, out);
          sink ^= out[count - 1];
        });
        rows.push({ what: 'sobolComponent', component, order, count, medianPerS: s.median, minPerS: s.min, maxPerS: s.max, medianMs: s.medianMs });
        console.log(`sobolComponent ${String(component).padStart(5)}  ${order.padEnd(7)} ${String(count).padStart(9)} ${fmt(s.median)} ${fmt(s.min)} ${fmt(s.max)} ${s.medianMs.toFixed(2).padStart(10)}`);
      }
    }
  }

  const fresh = measure(2 ** 22, () => {
    sink ^= sobolComponent(1, START, 2 ** 22)[7];
  });
  rows.push({ what: 'sobolComponent (allocating)', component: 1, order: 'natural', count: 2 ** 22, medianPerS: fresh.median, minPerS: fresh.min, maxPerS: fresh.max, medianMs: fresh.medianMs });
  console.log(`allocating out      1  natural ${String(2 ** 22).padStart(9)} ${fmt(fresh.median)} ${fmt(fresh.min)} ${fmt(fresh.max)} ${fresh.medianMs.toFixed(2).padStart(10)}`);

  console.log('\nscrambling in place (values of component 1)');
  for (const [what, scramble, count] of [['digitalShift', digitalShift, 2 ** 22], ['owenScramble', owenScramble, 2 ** 20]] as const) {
    const values = sobolComponent(1, 0, count);
    let seed = 0;
    const s = measure(count, () => {
      scramble(values, seed++, 1);
      sink ^= values[3];
    });
    rows.push({ what, component: 1, order: '-', count, medianPerS: s.median, minPerS: s.min, maxPerS: s.max, medianMs: s.medianMs });
    console.log(`${what.padEnd(14)} ${String(1).padStart(5)}  ${'-'.padEnd(7)} ${String(count).padStart(9)} ${fmt(s.median)} ${fmt(s.min)} ${fmt(s.max)} ${s.medianMs.toFixed(2).padStart(10)}`);
  }

  console.log('\nseeded Rng (xoshiro128**), draws per second');
  const rng = new Rng(1);
  for (const [what, draw] of [
    ['Rng.nextU32', () => rng.nextU32()],
    ['Rng.nextFloat', () => rng.nextFloat()],
    ['Rng.nextNormal', () => rng.nextNormal()],
  ] as const) {
    const count = 2 ** 22;
    const s = measure(count, () => {
      let acc = 0;
      for (let k = 0; k < count; k++) acc += draw();
      sink ^= acc;
    });
    rows.push({ what, component: -1, order: '-', count, medianPerS: s.median, minPerS: s.min, maxPerS: s.max, medianMs: s.medianMs });
    console.log(`${what.padEnd(14)} ${'-'.padStart(5)}  ${'-'.padEnd(7)} ${String(count).padStart(9)} ${fmt(s.median)} ${fmt(s.min)} ${fmt(s.max)} ${s.medianMs.toFixed(2).padStart(10)}`);
  }

  const gen = rows.filter((r) => r.what === 'sobolComponent');
  const best = Math.max(...gen.map((r) => r.medianPerS));
  const worst = Math.min(...gen.map((r) => r.medianPerS));
  const owen = rows.find((r) => r.what === 'owenScramble')!.medianPerS;
  console.log(`
napkin maths:
  generation writes 4 bytes per component: ${fmt(worst)} .. ${fmt(best)} = ${(worst * 4 / 1e9).toFixed(1)} .. ${(best * 4 / 1e9).toFixed(1)} GB/s
  of stores (one core streams about 30 GB/s), i.e. one table load + one XOR + one store per value.
  a topology of P = 2^20 paths through L+1 = 5 layers needs 5 * 2^20 = 5.2 M values:
  ${(5 * 2 ** 20 / worst * 1e3).toFixed(1)} ms plain, ${(5 * 2 ** 20 / owen * 1e3).toFixed(0)} ms Owen-scrambled
  (Owen: 4 hashes of 2 x fmix32 per value after a 2^15-entry table of the first 15 digits' flips,
  plus 5 table-bit extractions per 5 digits: ~150 integer ops per value).
  (checksum ${sink >>> 0})`);

  const path = join(dirname(fileURLToPath(import.meta.url)), 'results', 'sobol.json');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    repeats: REPEATS,
    start: START,
    unit: 'values (components of points) per second',
    rows,
  }, null, 1) + '\n');
  console.log(`\nwrote ${path}`);
}

main();
