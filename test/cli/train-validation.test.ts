/**
 * `sobolnet train` end to end on the validation split and on divergence: a diverging run ends
 * with one line naming epoch, step and learning rate, exit 1 and no model file; --validation
 * holds samples out, reports them per epoch and records them in the model file.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel } from '../../src/model/model-file.js';
import { sobolnet } from '../helpers/sobolnet-cli.js';


describe('sobolnet train: divergence and the validation split', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-validation-'));
  const small = ['train', '--widths', '784-64-10', '--fan-in', '4', '--epochs', '2', '--backend', 'reference'];

  it('stops a diverging run with one line, exit 1 and no model file', () => {
    const out = join(dir, 'diverged.sobolnet');
    const r = sobolnet(...small, '--limit', '2000', '--lr', '100', '--weight-decay', '1', '--schedule', 'constant', '--out', out);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^sobolnet: training diverged at epoch 1, step \d+ of 16: the loss is (NaN|Infinity); try a smaller learning rate \(got 100\)$/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('holds out --validation samples, shows validation accuracy per epoch and records it', () => {
    const out = join(dir, 'validated.sobolnet');
    const r = sobolnet(...small, '--limit', '2000', '--validation', '2000', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^epoch 1\/2 .* train \d+\.\d\d % {2}validation \d+\.\d\d %/m);
    expect(r.stderr).not.toMatch(/test/);
    expect(r.stdout).toMatch(/dataset\s+mnist: 2000 of 58000 samples trained, 2000 held out for validation, 10000 test/);
    const validation = Number(/validation accuracy\s+(\d+\.\d\d) %/.exec(r.stdout)?.[1]);
    const test = Number(/test accuracy\s+(\d+\.\d\d) %/.exec(r.stdout)?.[1]);
    expect(validation).toBeGreaterThan(20) // chance: 10 %;
    expect(test).toBeGreaterThan(20);
    expect(r.stdout).toMatch(/weights\s+3,760 {2}= 7\.40 % of dense 50,816 {2}\(linear weights, biases excluded\)/);
    const { meta } = decodeModel(new Uint8Array(readFileSync(out)), referenceKernels, out);
    expect(meta).toMatchObject({ trainSamples: 2000, validationSamples: 2000 });
    expect((100 * (meta.validationAccuracy as number)).toFixed(2)).toBe(validation.toFixed(2));
    expect((100 * (meta.testAccuracy as number)).toFixed(2)).toBe(test.toFixed(2));
  });

  it('refuses --validation at or above the training set size in one line', () => {
    const r = sobolnet(...small, '--validation', '60000');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('sobolnet: --validation 60000 must be less than the 60000 training samples of mnist/train, ' +
      'or 0 for no validation split');
  });
});
