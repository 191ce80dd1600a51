/**
 * Model files: save downloads the worker's model as a .sobolnet file (encodeModel, the same bytes
 * as Node writes for the same weights); load reads one from a file input (decodeModel, which
 * rebuilds the topology from the stored spec and checks its hash), such as a model trained by
 * `npx sobolnet train --out m.sobolnet`.
 */
import type { MlpSpec, ModelMeta } from '../../src/index.js';
import type { WorkerClient } from './worker-client.js';

export function saveModelFile(worker: WorkerClient): Promise<Uint8Array> {
  return worker.request<Uint8Array>({ type: 'save' }).then((bytes) => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    link.download = 'model.sobolnet';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    return bytes;
  });
}

export async function loadModelFile(worker: WorkerClient, file: File): Promise<{ spec: MlpSpec; meta: ModelMeta }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return worker.request({ type: 'load', bytes, name: file.name });
}
