/**
 * One experiment run in a process of its own: the parent sends a ChildRequest over IPC, this
 * process loads the data, trains and answers with epoch reports and then the record (or an
 * error). A fresh process per run returns all memory (wasm memory only grows) and keeps one
 * failing run from taking the sweep down with it.
 *
 * A run dies with its sweep: while training (a synchronous loop, where no 'disconnect' event can
 * arrive) every batch checks that the parent is still this process's parent, and exits if it is not.
 */
import { SobolnetError } from '../../core/errors.js';
import '../../sequences/node/register-joe-kuo-table.js';   // a recipe may name any Sobol' component
import { loadDataset } from '../../data/node/load-dataset.js';
import { selectKernels, type BackendName } from '../../kernels/node/select-kernels.js';
import { dataForRecipe, runRecipe, type RunRecord } from '../run-record.js';
import type { RunRecipe } from '../run-recipe.js';
import type { EpochReport } from '../../train/trainer.js';

export interface ChildRequest {
  readonly recipe: RunRecipe;
  readonly backend: BackendName | 'auto';
  readonly threads?: number;
  /** Folder of the data set files (default: the data set's standard place). */
  readonly dataDir?: string;
  readonly defaultFanIn: number;
}

export type ChildMessage =
  | { readonly type: 'epoch'; readonly report: EpochReport }
  | { readonly type: 'record'; readonly record: RunRecord }
  | { readonly type: 'error'; readonly message: string };

/** The sweep that started this process; once it is gone, `process.ppid` names another process. */
const parentPid = process.ppid;

function exitIfOrphaned(): void {
  if (process.ppid !== parentPid) process.exit(0);
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
}

async function serve(request: ChildRequest): Promise<void> {
  try {
    const data = dataForRecipe(request.recipe, loadDataset(request.recipe.dataset, request.dataDir));
    const kernels = selectKernels(request.backend, request.threads === undefined ? {} : { threads: request.threads });
    const pending: Promise<void>[] = [];
    const record = runRecipe(request.recipe, data, kernels, request.defaultFanIn, {
      onBatch: exitIfOrphaned,
      onEpoch: (report) => { pending.push(send({ type: 'epoch', report })); },
    });
    await Promise.all(pending);
    await send({ type: 'record', record });
  } catch (e) {
    const message = e instanceof SobolnetError ? e.message
      : `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    await send({ type: 'error', message });
  }
  process.disconnect();
}

process.once('message', (request: ChildRequest) => { void serve(request); });
// The sweep that started this run is gone (killed): nobody will read the result.
process.once('disconnect', () => process.exit(0));
