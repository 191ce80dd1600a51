/**
 * Timing: warm-up, calibration, then timed repeats run round-robin over a group of cases, so that a
 * change of machine load during the run affects every case of the group alike and the ratios
 * between them stay meaningful. A case may return a promise (onnxruntime's run): it is awaited.
 *
 * Each timed sample repeats the call `callsPerSample` times (chosen so that a sample lasts at least
 * `minSampleMs`) and yields the time per call; a case's result is the median and min..max of its
 * samples.
 */

export interface Case {
  readonly key: string;
  readonly call: () => unknown;
}

export interface Timing {
  /** Per-call milliseconds: median and spread of the timed samples. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samples: number;
  readonly callsPerSample: number;
}

export interface TimingOptions {
  readonly repeats: number;
  readonly warmup: number;
  readonly minSampleMs: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? Number.NaN : n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Median, min and max of `xs`. */
export function summarise(xs: readonly number[]): { median: number; min: number; max: number } {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

async function callN(c: Case, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = c.call();
    if (r instanceof Promise) await r;
  }
}

/** Times every case of the group, round-robin; returns the timing of each, by key. */
export async function timeCases(cases: readonly Case[], o: TimingOptions): Promise<Map<string, Timing>> {
  const per = new Map<string, { n: number; ms: number[] }>();
  for (const c of cases) {
    await callN(c, o.warmup);
    const t0 = performance.now();
    await callN(c, 1);
    const one = Math.max(1e-4, performance.now() - t0);
    per.set(c.key, { n: Math.max(1, Math.min(100_000, Math.ceil(o.minSampleMs / one))), ms: [] });
  }
  for (let r = 0; r < o.repeats; r++) {
    for (const c of cases) {
      const p = per.get(c.key)!;
      const t0 = performance.now();
      await callN(c, p.n);
      p.ms.push((performance.now() - t0) / p.n);
    }
  }
  const out = new Map<string, Timing>();
  for (const c of cases) {
    const p = per.get(c.key)!;
    const s = summarise(p.ms);
    out.set(c.key, { medianMs: s.median, minMs: s.min, maxMs: s.max, samples: p.ms.length, callsPerSample: p.n });
  }
  return out;
}

/** "1.234 (1.200–1.300)": median and spread in ms, with a sensible number of digits. */
export function fmtMs(t: { medianMs: number; minMs: number; maxMs: number }): string {
  return `${fmtNum(t.medianMs)} (${fmtNum(t.minMs)}–${fmtNum(t.maxMs)})`;
}

/** A number with 3–4 significant digits, no exponent for the usual ranges. */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 10) return x.toFixed(2);
  if (a >= 1) return x.toFixed(3);
  if (a >= 0.01) return x.toFixed(4);
  return x.toPrecision(3);
}

/** Left-aligned first column, right-aligned others; prints the table with a header rule. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
