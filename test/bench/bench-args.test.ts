/**
 * The benches' flags: a bad one ends the bench with one line and exit code 1, before anything is
 * timed (bench/lib/args.ts badArgument), and --widths parses powers of two.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWidths } from '../../bench/lib/args.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('bench flags', () => {
  it('parses --widths, or falls back', () => {
    expect(parseWidths('1024,65536', [4096])).toEqual([1024, 65536]);
    expect(parseWidths(undefined, [4096])).toEqual([4096]);
  });

  for (const [script, argv, message] of [
    ['bench/width.bench.ts', ['--widths', '1000'], 'error: --widths takes powers of two >= 64, got 1000'],
    ['bench/data-parallel-bound.bench.ts', ['--what', 'nope'], 'error: --what takes epoch, step, got nope'],
    ['bench/kernels.bench.ts', ['--repeats', '0'], 'error: --repeats needs an integer >= 1, got 0'],
    ['bench/epoch-breakdown.bench.ts', ['stray'], 'error: unknown argument stray'],
  ] as const) {
    it(`${script} ${argv.join(' ')}: one line, exit code 1`, () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...argv], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(message);
      expect(run.stdout).toBe('');
    });
  }
});
