/**
 * The manifest of a PyTorch export: the `__sobolnet__` entry of the .npz, UTF-8 JSON stored as a
 * uint8 array (docs/scaling-out.md lists every field). It carries what python/sobolnet_torch needs
 * to rebuild the network without sobolnet (the layer graph, batch-norm constants, each array's
 * shape and optimiser flags, each path layer's size) and what `sobolnet import` checks a file
 * against (format, version, topology hash, the same graph).
 */
import * as z from 'zod';
import { BatchNorm } from '../../layers/batch-norm.js';
import type { Layer } from '../../layers/layer.js';
import { Residual } from '../../layers/residual.js';
import type { ImageShape, LayerSpec } from '../../model/layer-spec.js';
import type { Model } from '../../model/model.js';
import { storedSpec, type ModelMeta } from '../../model/model-file.js';
import type { ModelSpec } from '../../model/model-spec.js';
import { layersOf } from '../../model/model-spec.js';
import { topologyHash } from '../../topology/topology-hash.js';
import type { ExportLayout } from './export-layout.js';

export const TORCH_EXPORT_FORMAT = 'sobolnet-torch-export';
export const TORCH_EXPORT_VERSION = 1;
/** The .npz entry that holds the manifest. */
export const MANIFEST_ENTRY = '__sobolnet__';

export interface TorchManifest {
  readonly format: typeof TORCH_EXPORT_FORMAT;
  readonly version: typeof TORCH_EXPORT_VERSION;
  /** One sample's shape; an MLP's input is D×1×1 (fed as [B, D]), an image's C×H×W (fed NCHW). */
  readonly input: ImageShape;
  readonly classes: number;
  /** The layer graph (model/layer-spec.ts), an MLP's included: what the builder walks. */
  readonly layers: readonly LayerSpec[];
  /** The model spec as a model file stores it: what regenerates the topology in sobolnet. */
  readonly modelSpec: ModelSpec;
  /** 16 hex digits of the path topology's index arrays (topology/topology-hash.ts); null without path layers. */
  readonly topologyHash: string | null;
  /** PyTorch's BatchNorm constants of every batch-norm layer; null without one. */
  readonly batchNorm: { readonly momentum: number; readonly eps: number } | null;
  readonly arrays: readonly { name: string; shape: readonly number[]; role: 'param' | 'state'; signConstraint: -1 | 0 | 1; decay: boolean }[];
  readonly pathLayers: readonly { where: string; kind: 'path' | 'path-conv'; inputs: number; outputs: number; edges: number; kernel: number }[];
  /** The model file's meta (dataset, input order, normalisation, training recipe). */
  readonly meta: ModelMeta;
}

/** The manifest of `model` with `layout` (export-layout.ts) and `meta`. */
export function torchManifest(model: Model, layout: ExportLayout, meta: ModelMeta): TorchManifest {
  const { input, layers } = layersOf(model.spec);
  const norm = batchNormsOf(model.layers)[0];
  return {
    format: TORCH_EXPORT_FORMAT,
    version: TORCH_EXPORT_VERSION,
    input,
    classes: model.classes,
    layers,
    modelSpec: storedSpec(model.spec),
    topologyHash: model.topology ? topologyHash(model.topology) : null,
    batchNorm: norm ? { momentum: norm.momentum, eps: norm.eps } : null,
    arrays: layout.arrays.map(({ name, shape, role, signConstraint, decay }) => ({ name, shape, role, signConstraint, decay })),
    pathLayers: layout.pathLayers.map(({ where, kind, inputs, outputs, edges, kernel }) => ({ where, kind, inputs, outputs, edges, kernel })),
    meta,
  };
}

/** Every batch-norm layer of `layers`, residual branches included. */
function batchNormsOf(layers: readonly Layer[]): BatchNorm[] {
  return layers.flatMap((l) => (l instanceof Residual ? batchNormsOf([...l.body, ...l.shortcut]) : l instanceof BatchNorm ? [l] : []));
}

const count = z.int().min(0);

/**
 * What an importer needs of a manifest (untrusted JSON), checked strictly where it matters; the
 * graph and spec are compared with the model's own as JSON, so they are only required to exist.
 */
export const torchManifestSchema = z.object({
  format: z.literal(TORCH_EXPORT_FORMAT),
  version: z.literal(TORCH_EXPORT_VERSION),
  input: z.unknown(),
  classes: count,
  layers: z.array(z.unknown()),
  modelSpec: z.unknown(),
  topologyHash: z.string().nullable(),
  batchNorm: z.unknown(),
  arrays: z.array(z.object({ name: z.string() })),
  pathLayers: z.array(z.object({ where: z.string(), kind: z.enum(['path', 'path-conv']), inputs: count, outputs: count, edges: count, kernel: count })),
  meta: z.record(z.string(), z.unknown()),
});

/** A manifest as an importer has checked it (torchManifestSchema). */
export type ImportedManifest = z.infer<typeof torchManifestSchema>;
