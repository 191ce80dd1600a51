/**
 * Convolutional presets through the command line: `train --arch cnn` on MNIST and `train --arch
 * resnet20 --dataset cifar10` on CIFAR-format files written here run end to end, `eval` of the
 * saved model gives the recorded test accuracy, `topology --arch` reports the channel chain, and
 * options that do not apply to a preset end with one line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cifarBytes, tempDir } from '../data/fixtures.js';
import { sobolnet } from '../helpers/sobolnet-cli.js';
import { completeRecipe, modelSpecOf, NETWORK_DEFAULTS } from '../../src/experiment/run-recipe.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { Model } from '../../src/model/model.js';
import { topologyHash } from '../../src/topology/topology-hash.js';
import type { Topology } from '../../src/topology/build-topology.js';


function oneLineError(r: { status: number; stderr: string }): string {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0];
}

/** data_batch_1..5.bin (4 samples each) and test_batch.bin (6 samples) of class-coloured images. */
function writeCifar(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const pixel = (label: number) => (_n: number, c: number, y: number, x: number): number =>
    (c === label % 3 ? 180 : 50) + y + (label < 5 ? x : 31 - x);
  let k = 0;
  for (let i = 1; i <= 5; i++) {
    const labels = Array.from({ length: 4 }, () => (k++ * 7) % 10);
    writeFileSync(join(dir, `data_batch_${i}.bin`), Buffer.concat(labels.map((l) => cifarBytes([l], pixel(l)))));
  }
  const test = Array.from({ length: 6 }, (_, n) => (n * 3) % 10);
  writeFileSync(join(dir, 'test_batch.bin'), Buffer.concat(test.map((l) => cifarBytes([l], pixel(l)))));
}

/** The test accuracy a summary prints, as a string like "12.34 %". */
const testAccuracy = (stdout: string): string => /test accuracy\s+([\d.]+ %)/.exec(stdout)?.[1] ?? 'none';

describe('sobolnet with convolutional presets', () => {
  const { dir, remove } = tempDir();
  afterAll(remove);

  it('trains the cnn preset at C/4 on MNIST, saves it, and eval reproduces its test accuracy', () => {
    const out = join(dir, 'cnn.sobolnet');
    const r = sobolnet('train', '--arch', 'cnn', '--density', '0.25', '--limit', '200', '--validation', '100', '--epochs', '1',
      '--batch', '50', '--quiet', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/network\s+graph of 16 layers on 1×28×28, sobol paths, channel fan-in 0.25 of the inputs, init he/);
    const accuracy = testAccuracy(r.stdout);
    expect(accuracy).not.toBe('none');
    const e = sobolnet('eval', out, '--json');
    expect(e.status, e.stderr).toBe(0);
    const result = JSON.parse(e.stdout) as { accuracy: number; recordedAccuracy: number };
    expect(result.accuracy).toBe(result.recordedAccuracy);
    expect(`${(100 * result.accuracy).toFixed(2)} %`).toBe(accuracy);
  }, 120_000);

  it('trains resnet20 on CIFAR-format files end to end, and eval reproduces its test accuracy', () => {
    const data = join(dir, 'cifar');
    writeCifar(data);
    const out = join(dir, 'resnet20.sobolnet');
    const r = sobolnet('train', '--arch', 'resnet20', '--dataset', 'cifar10', '--data', data, '--density', '0.25',
      '--validation', '4', '--epochs', '1', '--batch', '8', '--quiet', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cifar10: 16 of 16 samples trained, 4 held out for validation, 6 test/);
    expect(r.stdout).toMatch(/network\s+graph of 23 layers on 3×32×32/);
    const e = sobolnet('eval', out, '--data', data, '--json');
    expect(e.status, e.stderr).toBe(0);
    const result = JSON.parse(e.stdout) as { accuracy: number; recordedAccuracy: number };
    expect(result.accuracy).toBe(result.recordedAccuracy);
  }, 120_000);

  it('prints the channel chain of a preset with its layers, degrees, permutation blocks and dense blocks', () => {
    const r = sobolnet('topology', '--arch', 'resnet20', '--dataset', 'cifar10', '--density', '0.25');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2 + 18);
    expect(lines[0]).toMatch(/^resnet20 on cifar10 \(channels\), sobol, 1024 paths/);
    expect(lines[8]).toMatch(/^6-7\s+9\.body\.0 conv 3×3\/2 16×32×32 -> 32×16×16\s+16 -> 32\s+128\s+128\s+25\.0 %\s+0\s+4\/4\/4\s+8\/8\/8\s+4\/4 of 32\s+4 of 8x4$/); // dense blocks: 4 groups of 8 output × 4 input channels
  });

  it('shows, given no fan-in, the topology that train builds given none (the same default and hash)', () => {
    const r = sobolnet('topology', '--arch', 'cnn', '--json');
    expect(r.status, r.stderr).toBe(0);
    const trained = new Model(modelSpecOf(completeRecipe({ arch: 'cnn' }, ''), NETWORK_DEFAULTS.fanIn), referenceKernels);
    expect((JSON.parse(r.stdout) as { hash: string }).hash).toBe(topologyHash(trained.topology as Topology));
  });

  it('refuses what does not apply to a preset with one line', () => {
    expect(oneLineError(sobolnet('train', '--arch', 'cnn', '--widths', '784-10')))
      .toBe('sobolnet: --widths applies only with --arch mlp, got --arch cnn');
    expect(oneLineError(sobolnet('train', '--arch', 'cnn', '--batch-norm')))
      .toBe('sobolnet: --batch-norm applies only with --arch mlp, got --arch cnn');
    expect(oneLineError(sobolnet('train', '--arch', 'vgg'))).toMatch(/'vgg'.*Allowed choices are mlp, cnn, resnet20/);
    expect(oneLineError(sobolnet('topology', '--arch', 'cnn', '--widths', '3-4')))
      .toBe('sobolnet: --widths and --arch exclude each other: a preset has its own layers');
    expect(oneLineError(sobolnet('topology', '--widths', '8-8', '--density', '0.5'))).toBe('sobolnet: --density applies only with --arch');
  });
});
