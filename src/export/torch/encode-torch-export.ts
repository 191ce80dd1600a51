/**
 * The PyTorch export of a sobolnet model (issue #12): an .npz (npz.ts) that numpy.load reads and
 * python/sobolnet_torch turns into an nn.Module. docs/scaling-out.md describes it byte by byte:
 *
 *   __sobolnet__            uint8[N]   the manifest, UTF-8 JSON (torch-manifest.ts)
 *   <array name>            float32    every array of model.namedArrays(), natural shape (export-layout.ts)
 *   <where>.sources         int32[E]   per path layer: the source unit (channel) of each edge, gather order
 *   <where>.targetOffsets   int32[O+1] per path layer: edges of target t are targetOffsets[t] .. targetOffsets[t+1]-1
 *
 * Entries in that order (manifest, arrays, indices). Nothing time- or machine-dependent goes in,
 * so the same model gives the same bytes.
 */
import type { Model } from '../../model/model.js';
import type { ModelMeta } from '../../model/model-file.js';
import { exportLayout } from './export-layout.js';
import type { NpyArray } from './npy.js';
import { encodeNpz } from './npz.js';
import { MANIFEST_ENTRY, torchManifest } from './torch-manifest.js';

/** The model as .npz bytes (docs/scaling-out.md describes the format). */
export function encodeTorchExport(model: Model, meta: ModelMeta): Uint8Array {
  const layout = exportLayout(model);
  const manifest = new TextEncoder().encode(JSON.stringify(torchManifest(model, layout, meta)));
  const entries: [string, NpyArray][] = [[MANIFEST_ENTRY, { shape: [manifest.length], data: manifest }]];
  for (const a of layout.arrays) entries.push([a.name, { shape: a.shape, data: Float32Array.from(a.value) }]);
  for (const p of layout.pathLayers) {
    entries.push([`${p.where}.sources`, { shape: [p.edges], data: p.index.sources }]);
    entries.push([`${p.where}.targetOffsets`, { shape: [p.outputs + 1], data: p.index.targetOffsets }]);
  }
  return encodeNpz(entries);
}
