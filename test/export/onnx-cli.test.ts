/**
 * `sobolnet export --format onnx` end to end through the TypeScript sources: it writes the bytes
 * encodeOnnx gives for the saved model, which onnxruntime loads, and prints one summary line; bad
 * input (a missing or corrupt model file, an unknown format, an unwritable --out) ends with one
 * line, exit 1, and no file left behind.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeRecipe, modelSpecOf } from '../../src/experiment/run-recipe.js';
import { encodeOnnx } from '../../src/export/onnx/encode-onnx.js';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel, encodeModel } from '../../src/model/model-file.js';
import { Model } from '../../src/model/model.js';
import { sobolnet } from '../helpers/sobolnet-cli.js';
import { onnxSession, randomiseState } from './onnx-fixtures.js';

describe('sobolnet export --format onnx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sobolnet-onnx-cli-'));
  const modelFile = join(dir, 'small.sobolnet');
  const model = new Model(modelSpecOf(completeRecipe({ widths: [784, 64, 10], fanIn: 4, batchNorm: true }, ''), 32), referenceKernels);
  randomiseState(model, 2);
  const modelBytes = encodeModel(model, { dataset: 'mnist' });
  writeFileSync(modelFile, modelBytes);

  /** Expects one line matching `pattern` on stderr, exit 1, and nothing new in the folder. */
  function expectRefused(args: string[], pattern: RegExp): void {
    const before = readdirSync(dir).sort();
    const r = sobolnet('export', ...args);
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(before);
  }

  it('writes the ONNX graph of the saved model, which onnxruntime loads, and prints one summary line', async () => {
    const out = join(dir, 'sub', 'small.onnx');
    const r = sobolnet('export', modelFile, '--format', 'onnx', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const written = readFileSync(out);
    expect(r.stdout).toMatch(new RegExp(`^exported onnx .*small\\.onnx: ${written.length} bytes, weights \\d+ bytes \\(4 per stored float\\), \\d+\\.\\d\\d× the weights\\n$`));
    const reloaded = decodeModel(modelBytes, referenceKernels, 'small.sobolnet').model;
    expect(new Uint8Array(written)).toEqual(encodeOnnx(reloaded));
    const session = await onnxSession(written);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['logits']);
    await session.release();
  });

  it('refuses a missing model file, an unknown format, an unwritable --out and a corrupt model with one line', () => {
    const out = join(dir, 'refused.onnx');
    expectRefused([join(dir, 'missing.sobolnet'), '--format', 'onnx', '--out', out], /^sobolnet: model file not found: .*missing\.sobolnet$/);
    expectRefused([modelFile, '--format', 'tflite', '--out', out], /argument 'tflite' is invalid\. Allowed choices are onnx, torch/);
    writeFileSync(join(dir, 'a-file'), 'x');
    expectRefused([modelFile, '--format', 'onnx', '--out', join(dir, 'a-file', 'x.onnx')], /^sobolnet: cannot create the folder of --out .*: .*a-file is a file$/);
    const corrupt = join(dir, 'corrupt.sobolnet');
    writeFileSync(corrupt, modelBytes.subarray(0, modelBytes.length - 100));
    expectRefused([corrupt, '--format', 'onnx', '--out', out], /^sobolnet: .*corrupt\.sobolnet/);
  });
});
