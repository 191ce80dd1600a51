/**
 * The tools for training a sobolnet network outside sobolnet (python/examples/recipe_study.py):
 * - scripts/init-model.ts writes the untrained network of a recipe, the very weights and topology
 *   `sobolnet train` starts from, and refuses a bad recipe in one line;
 * - scripts/export-data.ts --pixels writes bytes plus a table whose lookup gives exactly the
 *   float32 inputs of the plain export (checked here in TypeScript, and in PyTorch by load_data);
 * - recipe_study.py runs its selection and final phases end to end on a tiny problem (CPU), reads
 *   the test set in the final runs only, and writes its summary.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvedModelSpec } from '../../src/experiment/path-count.js';
import { completeRecipe, NETWORK_DEFAULTS } from '../../src/experiment/run-recipe.js';
import { decodeNpy, type NpyArray, type NpyDtype } from '../../src/export/torch/npy.js';
import { decodeNpz } from '../../src/export/torch/npz.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';
import { loadModel } from '../../src/model/node/model-io.js';
import { cifarBytes } from '../data/fixtures.js';
import { repositoryRoot as root, sobolnet } from '../helpers/sobolnet-cli.js';
import { PYTHON, TORCH_MISSING } from './torch-python.js';

function script(name: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', name), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function npzEntry(path: string, name: string, dtype: NpyDtype): NpyArray {
  const entries = decodeNpz(readFileSync(path), path);
  const bytes = entries.get(name);
  if (bytes === undefined) throw new Error(`${path} has no ${name}`);
  return decodeNpy(bytes, dtype, `${path}:${name}`);
}

const RECIPE = { widths: [784, 64, 10], fanIn: 8, seed: 3 };

describe('scripts/init-model.ts', () => {
  it('writes the weights and topology that a recipe trains from, and records the recipe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-init-'));
    const out = join(dir, 'init.sobolnet');
    const r = script('init-model.ts', [JSON.stringify(RECIPE), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const { model, meta } = loadModel(out, referenceKernels);
    const recipe = completeRecipe(RECIPE, '');
    const fresh = new Model(resolvedModelSpec(recipe, NETWORK_DEFAULTS.fanIn), referenceKernels);
    const arrays = model.namedArrays(), expected = fresh.namedArrays();
    expect(arrays.map((a) => a.name)).toEqual(expected.map((a) => a.name));
    arrays.forEach((a, i) => expect(Array.from(a.value)).toEqual(Array.from(Float32Array.from(expected[i].value))));
    expect(meta).toMatchObject({ dataset: 'mnist', arch: 'mlp', inputOrder: 'raster', untrained: true, recipe: { seed: 3, fanIn: 8 } });
  });

  it('refuses a recipe that is not JSON, or not a recipe, in one line', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sobolnet-init-')), 'x.sobolnet');
    for (const [recipe, message] of [['{widths', /^init-model: the recipe must be a JSON object, got "\{widths"\n$/],
      ['{"widths":[784,64,10],"lr":-1}', /^init-model: recipe: lr .*\n$/]] as const) {
      const r = script('init-model.ts', [recipe, '--out', out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });
});

describe('scripts/export-data.ts --pixels', () => {
  it('writes bytes and a table that give exactly the float32 inputs of the plain export, in a smaller file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-pixels-'));
    const model = join(dir, 'init.sobolnet');
    expect(script('init-model.ts', [JSON.stringify(RECIPE), '--out', model]).status).toBe(0);
    const limits = ['--train-limit', '300', '--test-limit', '200'];
    for (const [file, extra] of [['float.npz', []], ['pixels.npz', ['--pixels']]] as const) {
      const r = script('export-data.ts', [model, '--out', join(dir, file), ...limits, ...extra]);
      expect(r.status, r.stderr).toBe(0);
    }
    const table = npzEntry(join(dir, 'pixels.npz'), 'input_table', '<f4');
    expect(table.shape).toEqual([1, 256]);
    for (const part of ['train', 'test']) {
      const x = npzEntry(join(dir, 'float.npz'), `x_${part}`, '<f4'), p = npzEntry(join(dir, 'pixels.npz'), `x_${part}`, '|u1');
      expect(p.shape).toEqual(x.shape);
      expect(Array.from(p.data, (v) => table.data[v])).toEqual(Array.from(x.data));
      expect(Array.from(npzEntry(join(dir, 'pixels.npz'), `y_${part}`, '<i4').data))
        .toEqual(Array.from(npzEntry(join(dir, 'float.npz'), `y_${part}`, '<i4').data));
    }
    expect(statSync(join(dir, 'pixels.npz')).size).toBeLessThan(statSync(join(dir, 'float.npz')).size / 4);
  });
});

describe('scripts/export-data.ts --pixels on normalised 3-channel images', () => {
  it('writes one table row per channel (the training statistics), which PyTorch applies by channel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-pixels3-'));
    const pixel = (l: number) => (n: number, c: number, y: number, x: number): number => (l * 25 + c * 40 + 3 * y + x + n) % 256;
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), Buffer.concat([0, 1, 2, 3].map((l) => cifarBytes([l], pixel(l)))));
    writeFileSync(join(dir, 'test_batch.bin'), Buffer.concat([0, 1, 2, 3, 4, 5].map((l) => cifarBytes([l], pixel(l)))));
    const model = join(dir, 'init.sobolnet');
    const r = script('init-model.ts', [JSON.stringify({ dataset: 'cifar10', arch: 'cnn', density: 0.25, validation: 4 }), '--data', dir, '--out', model]);
    expect(r.status, r.stderr).toBe(0);
    const { meta } = loadModel(model, referenceKernels);
    expect((meta.normalization as { mean: number[] }).mean).toHaveLength(3);   // statistics of the 16 training samples
    for (const [file, extra] of [['float.npz', []], ['pixels.npz', ['--pixels']]] as const) {
      const e = script('export-data.ts', [model, '--data', dir, '--out', join(dir, file), ...extra]);
      expect(e.status, e.stderr).toBe(0);
    }
    const table = npzEntry(join(dir, 'pixels.npz'), 'input_table', '<f4');
    expect(table.shape).toEqual([3, 256]);
    const x = npzEntry(join(dir, 'float.npz'), 'x_train', '<f4'), p = npzEntry(join(dir, 'pixels.npz'), 'x_train', '|u1');
    expect(p.shape).toEqual([20, 3, 32, 32]);
    const S = 32 * 32;
    expect(Array.from(p.data, (v, i) => table.data[256 * (Math.floor(i / S) % 3) + v])).toEqual(Array.from(x.data));
    if (TORCH_MISSING === null) {
      const same = spawnSync(PYTHON, ['-c', 'import sys, torch, sobolnet_torch as st\n' +
        'a, b = st.load_data(sys.argv[1]), st.load_data(sys.argv[2])\n' +
        'print(all(torch.equal(u, v) for u, v in zip(a, b)))', join(dir, 'pixels.npz'), join(dir, 'float.npz')],
      { cwd: join(root, 'python'), encoding: 'utf8' });
      expect(same.stdout.trim(), same.stderr).toBe('True');
    }
  });
});

describe.skipIf(TORCH_MISSING !== null)('python/examples/recipe_study.py', () => {
  it('chooses on validation, reads the test set in the final runs only, and load_data reads both data formats alike', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-study-'));
    for (const seed of [1, 2]) {
      const model = join(dir, `mlp-s${seed}.sobolnet`);
      expect(script('init-model.ts', [JSON.stringify({ ...RECIPE, seed }), '--out', model]).status).toBe(0);
      expect(sobolnet('export', model, '--format', 'torch', '--out', join(dir, `mlp-s${seed}.npz`)).status).toBe(0);
    }
    const limits = ['--train-limit', '600', '--test-limit', '300'];
    expect(script('export-data.ts', [join(dir, 'mlp-s1.sobolnet'), '--pixels', '--out', join(dir, 'data.npz'), ...limits]).status).toBe(0);
    expect(script('export-data.ts', [join(dir, 'mlp-s1.sobolnet'), '--out', join(dir, 'float.npz'), ...limits]).status).toBe(0);
    const same = spawnSync(PYTHON, ['-c', 'import sys, torch, sobolnet_torch as st\n' +
      'a, b = st.load_data(sys.argv[1]), st.load_data(sys.argv[2])\n' +
      'print(all(torch.equal(u, v) and u.dtype == v.dtype for u, v in zip(a, b)))', join(dir, 'data.npz'), join(dir, 'float.npz')],
    { cwd: join(root, 'python'), encoding: 'utf8' });
    expect(same.stdout.trim(), same.stderr).toBe('True');

    const r = spawnSync(PYTHON, [join(root, 'python/examples/recipe_study.py'), '--exports', dir, '--data', join(dir, 'data.npz'),
      '--variants', 'mlp', '--lrs', '0.003,0.01', '--epochs', '1', '--selection-seeds', '1', '--final-seeds', '2',
      '--validation', '100', '--device', 'cpu', '--out', join(dir, 'study')], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const runs = readFileSync(join(dir, 'study', 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(runs.map((x) => x.phase).sort()).toEqual(['final', 'selection', 'selection']);
    for (const run of runs) {
      expect(run.trainSamples).toBe(500);
      expect('testAccuracy' in run).toBe(run.phase === 'final');
    }
    // the highest validation accuracy; on a tie, the smaller rate
    const selected = runs.filter((x) => x.phase === 'selection').sort((a, b) =>
      (b.validationAccuracy as number) - (a.validationAccuracy as number) || (a.lr as number) - (b.lr as number))[0];
    const final = runs.find((x) => x.phase === 'final') as Record<string, unknown>;
    expect(final.lr).toBe(selected.lr);
    expect(readFileSync(join(dir, 'study', 'summary.md'), 'utf8')).toContain('## Final: the chosen recipe');
  }, 240_000);
});
