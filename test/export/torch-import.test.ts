/**
 * `sobolnet import` and importTorchWeights: an export goes back into its model exactly, and every
 * bad export (not an archive, no manifest, another topology, mismatched indices, wrong shapes or
 * dtypes, non-finite weights, extra arrays) is refused with one line while nothing is written.
 * Needs no Python: the bad files are made here with the same npz codec.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTorchExport } from '../../src/export/torch/encode-torch-export.js';
import { importTorchWeights } from '../../src/export/torch/import-torch-weights.js';
import { decodeNpy, type NpyArray, type NpyDtype } from '../../src/export/torch/npy.js';
import { decodeNpz, encodeNpz } from '../../src/export/torch/npz.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel, encodeModel } from '../../src/model/model-file.js';
import type { ModelSpec } from '../../src/model/model-spec.js';
import { Model } from '../../src/model/model.js';
import { errorMessage } from '../helpers/error-message.js';
import { sobolnet } from '../helpers/sobolnet-cli.js';

const spec = (seed: number, source: ModelSpec['paths'] = { source: { kind: 'sobol' }, paths: { fanIn: 4 } }): ModelSpec => ({
  widths: [16, 32, 32, 3], paths: source as never, outputLayer: 'dense', batchNorm: true, init: { kind: 'he', seed },
});
const model = (seed: number, source?: ModelSpec['paths']): Model => new Model(spec(seed, source), referenceKernels);

/** The export `bytes` with entry `name` replaced by `f` of it (null: removed). */
function rewrite(bytes: Uint8Array, name: string, f: (a: NpyArray) => NpyArray | null): Uint8Array {
  const dtypes: Record<string, NpyDtype> = { __sobolnet__: '|u1' };
  const out: [string, NpyArray][] = [];
  for (const [n, raw] of decodeNpz(bytes, 'test')) {
    const dtype = dtypes[n] ?? (n.endsWith('sources') || n.endsWith('targetOffsets') ? '<i4' : '<f4');
    const a = decodeNpy(raw, dtype, n);
    const b = n === name ? f(a) : a;
    if (b !== null) out.push([n, b]);
  }
  if (!decodeNpz(bytes, 'test').has(name)) throw new Error(`no entry ${name} to rewrite`);
  return encodeNpz(out);
}

/** Every array of `m` by name, as plain numbers. */
const arraysOf = (m: Model): Record<string, number[]> => Object.fromEntries(m.namedArrays().map((a) => [a.name, [...a.value]]));

const refusal = (bytes: Uint8Array, into: Model = model(2)): string => errorMessage(() => importTorchWeights(bytes, into, 'w.npz'));

describe('importTorchWeights', () => {
  const exported = encodeTorchExport(model(1), {});

  it('copies every array of an export of the same topology, exactly', () => {
    const into = model(2);
    expect(into.namedArrays()[0].value).not.toEqual(model(1).namedArrays()[0].value);
    importTorchWeights(exported, into, 'w.npz');
    expect(arraysOf(into)).toEqual(arraysOf(model(1)));
  });

  it('refuses each kind of bad export with one line naming the file and the fault', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('not a zip at all'), /^w\.npz is not a valid \.npz archive: /],
      [rewrite(exported, '__sobolnet__', () => null), /^w\.npz is not a sobolnet PyTorch export: it has no __sobolnet__ entry$/],
      [encodeTorchExport(model(1, { source: { kind: 'random-walk', seed: 4 }, paths: { fanIn: 4 } }), {}),
        /^w\.npz was exported from topology [0-9a-f]{16}, the model's regenerates as [0-9a-f]{16}$/],
      [rewrite(exported, '0.sources', (a) => ({ shape: a.shape, data: (a.data as Int32Array).map((v, i) => (i === 5 ? (v + 1) % 16 : v)) })),
        /^w\.npz: 0\.sources\[5\] is \d+ but the regenerated topology has \d+; the export does not belong to this model$/],
      [rewrite(exported, '0.targetOffsets', (a) => ({ shape: [a.shape[0] - 1], data: a.data.subarray(1) })),
        /^w\.npz: array 0\.targetOffsets has shape \[32\], the model needs \[33\]$/],
      [rewrite(exported, '6.dense.weight', (a) => ({ shape: [a.shape[1], a.shape[0]], data: a.data })),
        /^w\.npz: array 6\.dense\.weight has shape \[32, 3\], the model needs \[3, 32\]$/],
      [rewrite(exported, '1.batchnorm.gamma', () => ({ shape: [32], data: new Int32Array(32) })),
        /^w\.npz: array 1\.batchnorm\.gamma has dtype <i4, expected <f4$/],
      [rewrite(exported, '3.path.weight', (a) => ({ shape: a.shape, data: (a.data as Float32Array).map((v, i) => (i === 7 ? NaN : v)) })),
        /^w\.npz: array 3\.path\.weight holds NaN at index 7; weights must be finite$/],
      [rewrite(exported, '1.batchnorm.runningVar', (a) => ({ shape: a.shape, data: (a.data as Float32Array).map((v, i) => (i === 0 ? -1 : v)) })),
        /^w\.npz: array 1\.batchnorm\.runningVar holds -1 at index 0; running variances must be ≥ 0$/],
      [rewrite(exported, '__sobolnet__', () => ({ shape: [2], data: new Uint8Array([123, 34]) })), /^w\.npz: its __sobolnet__ entry is not UTF-8 JSON$/],
      [encodeNpz([...[...decodeNpz(exported, 't')].map(([n, raw]): [string, NpyArray] =>
        [n, decodeNpy(raw, n === '__sobolnet__' ? '|u1' : /sources|Offsets/.test(n) ? '<i4' : '<f4', n)]),
      ['extra', { shape: [1], data: new Float32Array(1) }]]), /^w\.npz has an array extra that the model does not have$/],
    ];
    for (const [bytes, pattern] of cases) {
      const message = refusal(bytes);
      expect(message).toMatch(pattern);
      expect(message).not.toContain('\n');
    }
  });

  it('leaves the model untouched when it refuses', () => {
    const into = model(2);
    const before = encodeModel(into);
    refusal(rewrite(exported, '6.dense.bias', (a) => ({ shape: a.shape, data: (a.data as Float32Array).map(() => Infinity) })), into);
    expect(encodeModel(into)).toEqual(before);
  });
});

describe('sobolnet import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-import-'));

  it('writes --out (or replaces --into) with the imported weights, and refuses a bad file with one line, writing nothing', () => {
    const into = join(dir, 'into.sobolnet');
    writeFileSync(into, encodeModel(model(2), { dataset: 'mnist', testAccuracy: 0.5 }));
    writeFileSync(join(dir, 'w.npz'), encodeTorchExport(model(1), {}));
    const ok = sobolnet('import', join(dir, 'w.npz'), '--into', into, '--out', join(dir, 'out.sobolnet'));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^imported .*w\.npz into .*out\.sobolnet \(\d+ parameters, topology checked\)\n$/);
    const written = decodeModel(readFileSync(join(dir, 'out.sobolnet')), referenceKernels, 'out.sobolnet');
    expect(arraysOf(written.model)).toEqual(arraysOf(model(1)));
    expect(written.model.spec.init).toEqual({ kind: 'he', seed: 2 }); // --into's spec, not the export's
    expect(written.meta).toEqual({ dataset: 'mnist', imported: { from: 'w.npz' } });

    const before = readFileSync(into);
    writeFileSync(join(dir, 'bad.npz'), rewrite(encodeTorchExport(model(1), {}), '3.path.weight', () => ({ shape: [3], data: new Float32Array(3) })));
    const bad = sobolnet('import', join(dir, 'bad.npz'), '--into', into);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^sobolnet: .*bad\.npz: array 3\.path\.weight has shape \[3\], the model needs \[\d+\]\n$/);
    expect(readFileSync(into)).toEqual(before);

    const replaced = sobolnet('import', join(dir, 'w.npz'), '--into', into);
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(readFileSync(into)).toEqual(readFileSync(join(dir, 'out.sobolnet')));
  });
});
