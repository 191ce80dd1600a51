/**
 * `sobolnet experiment` end to end: a sweep killed part-way and started again records every run
 * exactly once; bad specs give one line.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperimentSpec, planRuns } from '../../src/experiment/experiment-spec.js';
import { sobolnet } from '../helpers/sobolnet-cli.js';

const root = join(import.meta.dirname, '..', '..');
const cli = ['--import', 'tsx', join(root, 'src/cli/main.ts')];

const lines = (path: string): string[] => existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];

describe('sobolnet experiment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-experiment-'));
  const spec = {
    name: 'resume-check',
    base: { dataset: 'mnist', widths: [784, 16, 10], epochs: 1, limit: 600, batch: 100 },
    grids: [{ source: ['sobol', 'random-walk'], fanIn: [2, 4] }, { source: ['dense'] }],
    seeds: [1, 2],
  };
  const specPath = join(dir, 'resume-check.json');
  writeFileSync(specPath, JSON.stringify(spec));
  const out = join(dir, 'out');
  const results = join(out, 'results.jsonl');

  it('records every run exactly once across a kill and a restart', async () => {
    // First start: killed (SIGKILL, no chance to clean up) once two runs are recorded.
    const first = spawn(process.execPath, [...cli, 'experiment', specPath, '--out', out, '--backend', 'wasm', '--quiet'],
      { cwd: root, stdio: 'ignore' });
    const exited = new Promise((resolve) => first.on('exit', resolve));
    while (lines(results).length < 2) await new Promise((r) => setTimeout(r, 50));
    first.kill('SIGKILL');
    await exited;
    const before = lines(results).length;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(10);

    const second = sobolnet('experiment', specPath, '--out', out, '--backend', 'wasm');
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`resume-check: 10 runs, ${before} already in .*, ${10 - before} to go`));
    expect(second.stderr).toMatch(/run \d+\/10 .*source=.* seed=\d/);
    expect(second.stderr).toMatch(/left/);
    const keys = lines(results).map((l) => (JSON.parse(l) as { key: string }).key);
    const planned = planRuns(parseExperimentSpec(spec, 's'), 's').map((r) => r.key);
    expect(keys).toHaveLength(10);
    expect(new Set(keys)).toEqual(new Set(planned));
    expect(existsSync(`${results}.lock`)).toBe(false);

    // Nothing left to run: a third start only rewrites the report.
    const third = sobolnet('experiment', specPath, '--out', out);
    expect(third.stderr).toMatch(/10 already in .*, 0 to go/);
    expect(lines(results)).toHaveLength(10);
    // Records from before a field existed (here: no allocation, stale keys) still count as done:
    // identity comes from the recipe completed with today's defaults, not from the stored key.
    writeFileSync(results, lines(results).map((l) => {
      const r = JSON.parse(l) as { key: string; recipe: Record<string, unknown> };
      delete r.recipe.allocation;
      return JSON.stringify({ ...r, key: 'stale' }) + '\n';
    }).join(''));
    expect(sobolnet('experiment', specPath, '--out', out, '--max-runs', '0').stderr).toMatch(/10 already in .*, 0 to go/);
    const table = readFileSync(join(out, 'table.md'), 'utf8');
    // validation (the default 5000 held out) and test accuracy, each mean ± std over 2 seeds, then the seeds
    expect(table).toMatch(/\| random-walk \| 4 \| .* \| \d+\.\d\d ± \d+\.\d\d \| \d+\.\d\d ± \d+\.\d\d \| 2 \|/);
    // ...except a field whose default changed since: records without hiddenOrder were natural-order
    // runs, so they do not stand in for today's bit-reversed ones.
    const stored = readFileSync(results, 'utf8');
    writeFileSync(results, lines(results).map((l) => {
      const r = JSON.parse(l) as { recipe: Record<string, unknown> };
      delete r.recipe.hiddenOrder;
      return JSON.stringify(r) + '\n';
    }).join(''));
    expect(sobolnet('experiment', specPath, '--out', out, '--max-runs', '0').stderr).toMatch(/0 already in .*, 10 to go/);
    writeFileSync(results, stored);
    for (const f of ['mnist-accuracy-vs-weights', 'mnist-accuracy-vs-train-macs']) {
      expect(readFileSync(join(out, `${f}.svg`), 'utf8')).toMatch(/^<svg/);
      expect([...readFileSync(join(out, `${f}.png`)).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    }
  }, 180_000);

  it('rejects a missing or bad spec with one line and writes nothing', () => {
    const missing = sobolnet('experiment', join(dir, 'nope.json'), '--out', join(dir, 'nope'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^sobolnet: cannot read the experiment spec .*nope\.json: ENOENT$/);
    const badPath = join(dir, 'bad.json');
    writeFileSync(badPath, JSON.stringify({ ...spec, grids: [{ fanIn: [2, 'many'] }] }));
    const bad = sobolnet('experiment', badPath, '--out', join(dir, 'bad'));
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/bad\.json: grids\[0\]\.fanIn\[1\]: fanIn must be an integer.*"?many"?/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('checks every run against its data set and its memory before the first one trains', () => {
    const widthsPath = join(dir, 'widths.json');
    writeFileSync(widthsPath, JSON.stringify({ ...spec, grids: [{ widths: [[784, 64, 10], [784, 64, 11]] }] }));
    const widths = sobolnet('experiment', widthsPath, '--out', join(dir, 'widths'));
    expect(widths.status).toBe(1);
    expect(widths.stderr.trim().split('\n')).toHaveLength(1);
    expect(widths.stderr.trim()).toMatch(/widths\.json: grids\[0\] \{"widths":\[784,64,11\]\}: widths must end with the 10 classes of mnist, got 11$/);
    expect(existsSync(join(dir, 'widths'))).toBe(false);

    const hugePath = join(dir, 'huge.json');
    writeFileSync(hugePath, JSON.stringify({ ...spec, grids: [{ source: ['sobol'], widths: [[784, 16, 10], [784, 4194304, 4194304, 10]] }] }));
    const huge = sobolnet('experiment', hugePath, '--out', join(dir, 'huge'), '--backend', 'wasm');
    expect(huge.status).toBe(1);
    expect(huge.stderr.trim().split('\n')).toHaveLength(1);
    expect(huge.stderr.trim()).toMatch(/huge\.json: run widths=784-4194304-4194304-10 seed=1: the model needs about [\d.]+ GiB of wasm memory .*more than/);
    expect(existsSync(join(dir, 'huge'))).toBe(false);
  });
});
