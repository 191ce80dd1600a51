/**
 * The layering of src/ (README, "How the code is laid out"): which folder may import which, and
 * no Node module outside the Node-only files, so that the main entry runs in the browser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');

const MAY_IMPORT: Record<string, string[]> = {
  core: ['core'],
  sequences: ['core', 'sequences'],
  topology: ['core', 'sequences', 'topology', 'kernels'], // kernels: the SparseIndex type it produces
  kernels: ['core', 'kernels'],
  data: ['core', 'sequences', 'data'], // sequences: the seeded Rng of the pixel shuffle
  layers: ['core', 'sequences', 'kernels', 'layers'],
  model: ['core', 'sequences', 'topology', 'kernels', 'layers', 'model'],
  train: ['core', 'sequences', 'kernels', 'layers', 'model', 'data', 'train'],
  experiment: ['core', 'sequences', 'topology', 'kernels', 'layers', 'model', 'train', 'data', 'experiment'],
  export: ['core', 'sequences', 'topology', 'kernels', 'layers', 'model', 'export'], // model files -> ONNX and PyTorch (issue #12)
  cli: ['core', 'sequences', 'topology', 'kernels', 'layers', 'model', 'train', 'data', 'experiment', 'export', 'cli'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
}

describe('architecture', () => {
  const all = files(src).map((f) => relative(src, f));

  it('keeps each folder to the imports the layering allows', () => {
    const bad: string[] = [];
    for (const file of all.filter((f) => f.includes('/'))) {
      const folder = file.split('/')[0];
      for (const spec of imports(join(src, file)).filter((s) => s.startsWith('.'))) {
        const target = relative(src, join(src, file, '..', spec)).split('/')[0];
        if (!MAY_IMPORT[folder]?.includes(target)) bad.push(`${file} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses Node modules only in node/ folders, the CLI and src/node.ts', () => {
    const nodeOnly = (f: string): boolean => f.startsWith('cli/') || f === 'node.ts' || f.split('/').includes('node');
    const bad = all.filter((f) => !nodeOnly(f)).flatMap((f) =>
      imports(join(src, f)).filter((s) => s.startsWith('node:') || ['fs', 'path', 'zlib', 'os', 'worker_threads'].includes(s))
        .map((s) => `${f} imports ${s}`));
    expect(bad).toEqual([]);
  });

  it('never calls Math.random', () => {
    expect(all.filter((f) => readFileSync(join(src, f), 'utf8').includes('Math.random('))).toEqual([]);
  });
});
