/**
 * Backward compatibility: model files written by sobolnet 846bdaf (before the header schema) load,
 * evaluate to the logits that version computed, and a path spec stored without `hiddenOrder` (files
 * from before that field) is read as 'natural', explicitly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../src/kernels/reference-kernels.js';
import { decodeModel, encodeModel } from '../../src/model/model-file.js';
import { headerOf } from './header-edit.js';

const dir = join(import.meta.dirname, 'fixtures');
/** Logits the writing version computed for each fixture on the batch of `fixedBatch`: [C][B]. */
const logits = JSON.parse(readFileSync(join(dir, 'logits.json'), 'utf8')) as Record<string, number[]>;
const B = 4;

/** The batch the fixtures' logits were computed on: x[D][B]. */
function fixedBatch(D: number): Float32Array {
  return new Float32Array(D * B).map((_, i) => ((i * 37) % 11) / 10);
}

describe('model files written before the header schema', () => {
  for (const name of ['legacy-no-hidden-order', 'bit-reversed', 'dense']) {
    it(`${name}.sobolnet loads and evaluates bit for bit as when it was written`, () => {
      const bytes = readFileSync(join(dir, `${name}.sobolnet`));
      const { model, meta } = decodeModel(bytes, referenceKernels, name);
      expect(meta).toEqual({ dataset: 'fixture', written: 'sobolnet 846bdaf' });
      const out = model.forward(fixedBatch(model.inputs), B, false);
      expect(Array.from(out)).toEqual(logits[name]);
    });
  }

  it('batch-norm-7db9637.sobolnet (an MLP with batch norm, written before graph models) loads and evaluates bit for bit', () => {
    const bytes = readFileSync(join(dir, 'batch-norm-7db9637.sobolnet'));
    const { model, meta } = decodeModel(bytes, referenceKernels, 'batch-norm');
    expect(meta).toEqual({ dataset: 'fixture', written: 'sobolnet 7db9637' });
    expect(Array.from(model.forward(fixedBatch(model.inputs), B, false))).toEqual(logits['batch-norm-7db9637']);
    // Re-encoding gives the same bytes: the MLP form of the spec and the array names are unchanged.
    expect(Buffer.from(encodeModel(model, meta)).equals(bytes)).toBe(true);
  });

  it('reads a stored path spec without hiddenOrder as natural, and stores it explicitly from then on', () => {
    const bytes = readFileSync(join(dir, 'legacy-no-hidden-order.sobolnet'));
    expect((headerOf(bytes) as { spec: { paths: object } }).spec.paths).not.toHaveProperty('hiddenOrder');
    const { model, meta } = decodeModel(bytes, referenceKernels, 'legacy');
    expect(model.spec.paths).toEqual({ source: { kind: 'sobol-owen', seed: 3 }, paths: { fanIn: 2 }, hiddenOrder: 'natural' });
    const again = encodeModel(model, meta);
    expect((headerOf(again) as { spec: { paths: { hiddenOrder: string } } }).spec.paths.hiddenOrder).toBe('natural');
    expect(Array.from(decodeModel(again, referenceKernels, 'again').model.forward(fixedBatch(6), B, false)))
      .toEqual(logits['legacy-no-hidden-order']);
  });
});
