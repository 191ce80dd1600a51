/**
 * The sobolnet backends a bench runs on: every backend available at run time, each with every
 * thread count when it takes one.
 *
 * Uses the Node selector src/kernels/node/select-kernels.ts (every backend, wasm included) when it
 * exists, else the browser-safe src/kernels/select-kernels.ts; `availableBackends()` when the
 * selector exports it, else every name in BACKEND_NAMES (those that fail to load are skipped with
 * their error); `selectKernels(name, { threads })`, which may return the kernels or a promise of
 * them. A backend takes a thread count when its name says threads (e.g. 'wasm-threads').
 * Selected backends are cached by the selector and shared, so the benches never close them: they
 * end with process.exit, and worker threads do not outlive the process.
 */
import type { Kernels } from '../../src/kernels/kernels.js';
import * as browserSelection from '../../src/kernels/select-kernels.js';

export interface BackendConfig {
  readonly backend: string;
  /** Thread count passed to selectKernels, or null when the backend takes none. */
  readonly threads: number | null;
  /** E.g. "reference" or "wasm-threads/2t". */
  readonly label: string;
}

type SelectFn = (name: string, options?: { threads?: number }) => Kernels | Promise<Kernels>;

interface Selection {
  readonly source: string;
  readonly selectKernels: SelectFn;
  readonly availableBackends: (() => readonly string[]) | null;
  readonly backendNames: readonly string[];
}

const NODE_SELECTOR = '../../src/kernels/node/select-kernels.js';

/** The Node selector when it can be imported, else the browser-safe one. */
async function importSelection(): Promise<Selection> {
  let mod: Record<string, unknown> = browserSelection as unknown as Record<string, unknown>;
  let source = 'src/kernels/select-kernels.ts';
  try {
    const specifier: string = NODE_SELECTOR;   // a variable: the bench compiles whether or not the file exists
    mod = await import(specifier) as Record<string, unknown>;
    source = 'src/kernels/node/select-kernels.ts';
  } catch {
    // no Node selector yet: the browser-safe one knows the reference backend
  }
  const available = mod['availableBackends'];
  const names = mod['BACKEND_NAMES'];
  return {
    source,
    selectKernels: mod['selectKernels'] as SelectFn,
    availableBackends: typeof available === 'function' ? available as () => readonly string[] : null,
    backendNames: Array.isArray(names) ? names as string[] : [...browserSelection.BACKEND_NAMES],
  };
}

const selection = await importSelection();

/** Where the backends come from, for the bench header. */
export const selectorSource = selection.source;

/** Backend names available now: availableBackends() when it exists (fastest first), else BACKEND_NAMES. */
export function backendNames(): string[] {
  return [...(selection.availableBackends ? selection.availableBackends() : selection.backendNames)];
}

export function takesThreads(backend: string): boolean {
  return /thread/i.test(backend);
}

export function configLabel(backend: string, threads: number | null): string {
  return threads === null ? backend : `${backend}/${threads}t`;
}

/** Every (backend, threads) pair to run, filtered by `only` when given. */
export function backendConfigs(only: readonly string[] | null, threadCounts: readonly number[]): BackendConfig[] {
  const names = backendNames();
  if (only) {
    const unknown = only.filter((n) => !names.includes(n));
    if (unknown.length > 0) throw new Error(`backend(s) ${unknown.join(', ')} not available; available: ${names.join(', ')}`);
  }
  const out: BackendConfig[] = [];
  for (const backend of names) {
    if (only && !only.includes(backend)) continue;
    const counts: (number | null)[] = takesThreads(backend) ? [...threadCounts] : [null];
    for (const threads of counts) out.push({ backend, threads, label: configLabel(backend, threads) });
  }
  return out;
}

/** The kernels of `config`, or the error message when it cannot be loaded here. */
export async function loadKernels(config: { backend: string; threads: number | null }): Promise<Kernels | string> {
  try {
    const k = config.threads === null
      ? selection.selectKernels(config.backend)
      : selection.selectKernels(config.backend, { threads: config.threads });
    return await Promise.resolve(k);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
