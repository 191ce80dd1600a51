/**
 * The fuzz properties of test/fuzz/ run longer: `npm run fuzz -- --cases 100000 [--seed 1]`.
 * Prints per parser the cases run, how many loaded, were refused (a one-line SobolnetError) and
 * crashed (any other exception, or a load that behaves differently); exits 1 on any crash, after
 * printing the first few with their inputs.
 */
import fc from 'fast-check';
import { fuzzTargets, type Outcome } from '../test/fuzz/fuzz-targets.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`fuzz: --${name} must be an integer ≥ 0, got ${String(process.argv[i + 1])}`);
    process.exit(1);
  }
  return value;
}

const cases = option('cases', 10000);
const seed = option('seed', 1);
const CHUNK = 1000;

/** A case as JSON, byte arrays as lists, cut to one readable line. */
const show = (input: unknown): string =>
  JSON.stringify(input, (_, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)).slice(0, 400);

let crashes = 0;
for (const target of fuzzTargets()) {
  const counts: Record<Outcome | 'crash', number> = { loaded: 0, refused: 0, crash: 0 };
  const start = performance.now();
  for (let done = 0, chunk = 0; done < cases; done += CHUNK, chunk++) {
    for (const input of fc.sample(target.arbitrary, { seed: seed + chunk, numRuns: Math.min(CHUNK, cases - done) })) {
      try {
        counts[target.run(input)]++;
      } catch (e) {
        if (counts.crash++ < 5) console.log(`  crash in ${target.name}: ${String((e as Error).stack ?? e).split('\n').slice(0, 3).join(' | ')}\n    input ${show(input)}`);
      }
    }
  }
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`${target.name}: ${cases} cases, ${counts.loaded} loaded, ${counts.refused} refused, ${counts.crash} crashes (${seconds} s)`);
  crashes += counts.crash;
}
process.exit(crashes === 0 ? 0 : 1);
