/**
 * Command-line flags shared by the benches. Every bench accepts:
 *   --quick          small repeat counts (and, for training, a 6000-sample epoch): for development
 *   --repeats N      timed repeats per measurement (default 7; 2 with --quick)
 *   --warmup N       untimed calls before the timed ones (default 3; 1 with --quick)
 *   --min-ms T       each timed sample repeats the call until it lasts at least T ms (default 20; 2 with --quick)
 *   --backends a,b   only these sobolnet backends (default: every backend available)
 *   --threads 1,2    thread counts for backends that take one (default 1,2)
 * BENCH_QUICK=1 in the environment acts as --quick (so `BENCH_QUICK=1 npm run bench` is quick throughout).
 */
export interface BenchArgs {
  readonly quick: boolean;
  readonly repeats: number;
  readonly warmup: number;
  readonly minSampleMs: number;
  readonly backends: readonly string[] | null;
  readonly threads: readonly number[];
  /** Flags this module does not know, as name -> value ('' for a bare flag). */
  readonly extra: ReadonlyMap<string, string>;
}

const KNOWN_VALUED = new Set(['--repeats', '--warmup', '--min-ms', '--backends', '--threads']);

/** Ends the bench with one line naming the bad argument and what was expected: exit code 1 (as the CLI's), no stack trace. */
export function badArgument(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

function positiveInt(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) badArgument(`${flag} needs an integer >= ${min}, got ${String(value)}`);
  return n;
}

/** The layer widths n of `--widths` (comma-separated powers of two >= 64), or `fallback` without the flag. */
export function parseWidths(value: string | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  const widths = value.split(',').map(Number);
  if (widths.some((n) => !Number.isInteger(n) || n < 64 || (n & (n - 1)) !== 0)) badArgument(`--widths takes powers of two >= 64, got ${value}`);
  return widths;
}

/** Defaults a bench may change: [full run, --quick]. */
export interface BenchDefaults {
  readonly repeats?: readonly [number, number];
  readonly warmup?: readonly [number, number];
}

/**
 * Parses process.argv (after the script) into bench options; `valued` lists extra flags that take
 * a value; `defaults` overrides the default repeat and warm-up counts.
 */
export function parseBenchArgs(argv: readonly string[] = process.argv.slice(2), valued: readonly string[] = [],
  defaults: BenchDefaults = {}): BenchArgs {
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const values = new Map<string, string>();
  const extra = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (KNOWN_VALUED.has(a) || valued.includes(a)) {
      const v = argv[++i];
      if (v === undefined) badArgument(`${a} needs a value`);
      (KNOWN_VALUED.has(a) ? values : extra).set(a, v);
    } else if (a === '--quick') {
      // handled above
    } else if (a.startsWith('--')) {
      extra.set(a, '');
    } else {
      badArgument(`unknown argument ${a}`);
    }
  }
  const list = (flag: string): string[] | null => {
    const v = values.get(flag);
    return v === undefined ? null : v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  };
  const threads = (list('--threads') ?? ['1', '2']).map((t) => positiveInt('--threads', t, 1));
  const minMs = values.get('--min-ms');
  return {
    quick,
    repeats: values.has('--repeats') ? positiveInt('--repeats', values.get('--repeats'), 1) : (defaults.repeats ?? [7, 2])[quick ? 1 : 0],
    warmup: values.has('--warmup') ? positiveInt('--warmup', values.get('--warmup'), 0) : (defaults.warmup ?? [3, 1])[quick ? 1 : 0],
    minSampleMs: minMs !== undefined ? Number(minMs) : quick ? 2 : 20,
    backends: list('--backends'),
    threads,
    extra,
  };
}
