/**
 * Weights trained outside sobolnet (python/sobolnet_torch's save_export) back into a model:
 * the PyTorch export format (encode-torch-export.ts, docs/scaling-out.md) read against the model
 * regenerated from its own spec. Everything is checked before anything is copied, and every
 * refusal is one SobolnetError line naming the file:
 *   the archive and its manifest (format, version), the graph and the topology hash against the
 *   model's, each path layer's sources and targetOffsets against the regenerated index (first
 *   differing element named), each array's presence, dtype, shape and finiteness (running
 *   variances also ≥ 0), and no entry the model does not have.
 *
 * Shape legend: E edges, O outputs.
 */
import { check, SobolnetError } from '../../core/errors.js';
import { parseWithSchema } from '../../core/parse-with-schema.js';
import { layersOf } from '../../model/model-spec.js';
import type { Model } from '../../model/model.js';
import { topologyHash } from '../../topology/topology-hash.js';
import { exportLayout } from './export-layout.js';
import { decodeNpy, type NpyArray, type NpyDtype } from './npy.js';
import { decodeNpz } from './npz.js';
import { MANIFEST_ENTRY, torchManifestSchema, type ImportedManifest } from './torch-manifest.js';

/** Copies the weights and running statistics of the export `bytes` into `model`; `what` names the file. Returns its manifest. */
export function importTorchWeights(bytes: Uint8Array, model: Model, what: string): ImportedManifest {
  const entries = decodeNpz(bytes, what);
  const read = (name: string, dtype: NpyDtype, shape: readonly number[]): NpyArray['data'] => {
    const raw = entries.get(name);
    check(raw !== undefined, () => `${what} has no array ${name}`);
    const a = decodeNpy(raw, dtype, `${what}: array ${name}`);
    check(a.shape.length === shape.length && a.shape.every((n, i) => n === shape[i]), () =>
      `${what}: array ${name} has shape [${a.shape.join(', ')}], the model needs [${shape.join(', ')}]`);
    return a.data;
  };

  const manifestEntry = entries.get(MANIFEST_ENTRY);
  check(manifestEntry !== undefined, () => `${what} is not a sobolnet PyTorch export: it has no ${MANIFEST_ENTRY} entry`);
  const manifestBytes = decodeNpy(manifestEntry, '|u1', `${what}: ${MANIFEST_ENTRY}`).data as Uint8Array;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch {
    throw new SobolnetError(`${what}: its ${MANIFEST_ENTRY} entry is not UTF-8 JSON`);
  }
  const manifest = parseWithSchema(torchManifestSchema, json, `${what}: manifest`);

  const hash = model.topology ? topologyHash(model.topology) : null;
  check(manifest.topologyHash === hash, () =>
    `${what} was exported from topology ${String(manifest.topologyHash)}, the model's regenerates as ${String(hash)}`);
  const { input, layers } = layersOf(model.spec);
  check(JSON.stringify(manifest.input) === JSON.stringify(input) && JSON.stringify(manifest.layers) === JSON.stringify(layers), () =>
    `${what} describes another layer graph than the model's (its manifest's input or layers differ)`);

  const layout = exportLayout(model);
  const expected = new Set<string>([MANIFEST_ENTRY]);
  for (const p of layout.pathLayers) {
    for (const [suffix, ours] of [['sources', p.index.sources], ['targetOffsets', p.index.targetOffsets]] as const) {
      const name = `${p.where}.${suffix}`;
      expected.add(name);
      const theirs = read(name, '<i4', [ours.length]);
      const at = ours.findIndex((v, i) => v !== theirs[i]);
      check(at < 0, () => `${what}: ${name}[${at}] is ${theirs[at]} but the regenerated topology has ${ours[at]}; ` +
        'the export does not belong to this model');
    }
  }
  const values = layout.arrays.map((a) => {
    expected.add(a.name);
    const v = read(a.name, '<f4', a.shape);
    const bad = v.findIndex((x) => !Number.isFinite(x));
    check(bad < 0, () => `${what}: array ${a.name} holds ${String(v[bad])} at index ${bad}; weights must be finite`);
    const negative = a.name.endsWith('runningVar') ? v.findIndex((x) => x < 0) : -1;
    check(negative < 0, () => `${what}: array ${a.name} holds ${String(v[negative])} at index ${negative}; running variances must be ≥ 0`);
    return v;
  });
  const extra = [...entries.keys()].find((name) => !expected.has(name));
  check(extra === undefined, () => `${what} has an array ${String(extra)} that the model does not have`);
  layout.arrays.forEach((a, i) => a.value.set(values[i]));
  return manifest;
}
