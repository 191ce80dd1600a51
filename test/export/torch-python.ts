/**
 * What the PyTorch-bridge tests share: Debian's Python with torch (never the pyenv `python3` on
 * PATH, which has no torch), whether it is there, and .npz files read back as float32 arrays.
 *
 * Without torch the tests skip with a message, unless SOBOLNET_REQUIRE_TORCH=1 (set by .ci/run,
 * which installs python3-torch): then the missing torch is a failure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '../../src/export/torch/npy.js';
import { decodeNpz } from '../../src/export/torch/npz.js';
import { repositoryRoot } from '../helpers/sobolnet-cli.js';

/** Debian's interpreter; SOBOLNET_PYTHON names another (one with torch 1.13 or later and numpy). */
export const PYTHON = process.env.SOBOLNET_PYTHON ?? '/usr/bin/python3';


/** Why torch cannot be used here, or null when `/usr/bin/python3 -c 'import torch, numpy'` works. */
function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} cannot run (${r.error.message})`;
  return r.status === 0 ? null : `${PYTHON} has no torch/numpy (${r.stderr.trim().split('\n').at(-1) ?? ''}); apt-get install python3-torch python3-numpy`;
}

export const TORCH_MISSING = torchMissing();
export const TORCH_REQUIRED = process.env.SOBOLNET_REQUIRE_TORCH === '1';
if (TORCH_MISSING !== null && !TORCH_REQUIRED) process.stderr.write(`skipping the PyTorch bridge tests: ${TORCH_MISSING}\n`);

/** Runs a script of python/ with Debian's Python -> stdout; throws with its stderr when it fails. */
export function python(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000): string {
  const r = spawnSync(PYTHON, [join(repositoryRoot, script), ...args], { cwd: repositoryRoot, encoding: 'utf8', env: { ...process.env, ...env }, timeout });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}

/** Every entry of an .npz file of float32 (or float64) arrays, by name. */
export function readFloatNpz(path: string, dtype: '<f4' | '<f8' = '<f4'): Map<string, { shape: readonly number[]; data: Float32Array | Float64Array }> {
  const out = new Map<string, { shape: readonly number[]; data: Float32Array | Float64Array }>();
  for (const [name, bytes] of decodeNpz(readFileSync(path), path)) {
    const a = decodeNpy(bytes, dtype, `${path}: ${name}`);
    out.set(name, { shape: a.shape, data: a.data as Float32Array | Float64Array });
  }
  return out;
}

/** The largest error of `a` against the reference `b`, relative to b's largest magnitude: max|a-b| / max|b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
