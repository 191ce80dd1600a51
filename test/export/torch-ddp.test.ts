/**
 * The DDP worked example end to end: the default network is exported (`sobolnet export --format
 * torch`), 4,000 MNIST training samples and the 10,000 test samples are written by
 * scripts/export-data.ts, two processes on 127.0.0.1 train one epoch with gloo
 * (python/examples/train_ddp.py under torchrun), the two replicas end bit-identical, and the
 * imported result evaluated by `sobolnet eval` counts exactly as many correct test samples as
 * PyTorch did. The log is printed for the record.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeRecipe, modelSpecOf, NETWORK_DEFAULTS } from '../../src/experiment/run-recipe.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { saveModel } from '../../src/model/node/model-io.js';
import { Model } from '../../src/model/model.js';
import { repositoryRoot as root } from '../helpers/sobolnet-cli.js';
import { PYTHON, TORCH_MISSING } from './torch-python.js';

/** A TCP port that nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(command: string, args: readonly string[], timeout = 180_000): string {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout, env: { ...process.env, FORCE_COLOR: '0' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

const sobolnet = (...args: string[]): string => run(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args]);

describe.skipIf(TORCH_MISSING !== null)('DistributedDataParallel with two gloo processes', () => {
  it('trains one epoch on 4,000 MNIST samples into bit-identical replicas whose import evaluates as PyTorch measured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sobolnet-ddp-'));
    const spec = modelSpecOf(completeRecipe({ widths: [784, ...NETWORK_DEFAULTS.hidden, 10] }, 'ddp'), NETWORK_DEFAULTS.fanIn);
    saveModel(join(dir, 'm.sobolnet'), new Model(spec, referenceKernels), { dataset: 'mnist', inputOrder: 'raster' });
    sobolnet('export', join(dir, 'm.sobolnet'), '--format', 'torch', '--out', join(dir, 'm.npz'));
    run(process.execPath, ['--import', 'tsx', join(root, 'scripts/export-data.ts'), join(dir, 'm.sobolnet'),
      '--out', join(dir, 'data.npz'), '--train-limit', '4000']);

    // --redirects 1 --tee 1: Debian's torch 1.13 on Python 3.11 cannot parse torchrun's default "0" (IntFlag iteration changed)
    const log = run(PYTHON, ['-m', 'torch.distributed.run', '--redirects', '1', '--tee', '1', '--nnodes', '1', '--nproc_per_node', '2',
      '--master_addr', '127.0.0.1', '--master_port', String(await freePort()),
      join(root, 'python/examples/train_ddp.py'), '--export', join(dir, 'm.npz'), '--data', join(dir, 'data.npz'),
      '--epochs', '1', '--batch', '64', '--lr', '0.05', '--momentum', '0.9', '--seed', '1',
      '--out', join(dir, 'trained.npz'), '--replica-dir', dir]);
    process.stdout.write(`--- DDP log ---\n${log.trim()}\n`);
    expect(readFileSync(join(dir, 'rank0.npz')).equals(readFileSync(join(dir, 'rank1.npz')))).toBe(true);
    const result = /result (\{.*\})/.exec(log);
    expect(result, log).not.toBeNull();
    const torch = JSON.parse((result as RegExpExecArray)[1]) as { correct: number; count: number };
    expect(torch.count).toBe(10_000);
    expect(torch.correct / torch.count).toBeGreaterThan(0.8); // one epoch of 4,000 samples learns something

    sobolnet('import', join(dir, 'trained.npz'), '--into', join(dir, 'm.sobolnet'), '--out', join(dir, 'imported.sobolnet'));
    const evaluation = JSON.parse(sobolnet('eval', join(dir, 'imported.sobolnet'), '--json')) as { accuracy: number; count: number };
    process.stdout.write(`sobolnet eval of the import: ${Math.round(evaluation.accuracy * evaluation.count)}/${evaluation.count}; ` +
      `PyTorch: ${torch.correct}/${torch.count}\n`);
    expect(evaluation.count).toBe(torch.count);
    expect(Math.round(evaluation.accuracy * evaluation.count)).toBe(torch.correct);
  }, 300_000);
});
