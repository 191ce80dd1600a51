/**
 * Optional dependencies, loaded at the point of use. The core library needs none of them; a part
 * that does (plotting, the command line, the embedded MNIST) imports them with `importOptional`,
 * so that a missing one costs nothing until that part runs, and then ends with one line that says
 * what to install (`plotting needs vega and vega-lite: npm install vega vega-lite`) instead of a
 * module-resolution stack trace.
 */
import { SobolnetError } from './errors.js';

/** Error codes of a module that cannot be found: ESM imports, and require() inside CommonJS packages. */
const NOT_FOUND_CODES: readonly string[] = ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'];

/** Whether `e` says a module (the package itself, or one it needs) is not installed. */
export function isModuleNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_FOUND_CODES.includes(code);
}

/** "a", "a and b", "a, b and c". */
function listOf(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The one-line message for `what` lacking `packages`: "<what> needs a and b: npm install a b". */
export function missingPackagesMessage(what: string, packages: readonly string[]): string {
  return `${what} needs ${listOf(packages)}: npm install ${packages.join(' ')}`;
}

/**
 * `load()` (a dynamic import, written out so that bundlers see it), or a SobolnetError with
 * missingPackagesMessage(what, packages) when a module it needs is not installed. Other failures
 * propagate as they are.
 */
export async function importOptional<T>(load: () => Promise<T>, what: string, packages: readonly string[]): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isModuleNotFound(e)) throw new SobolnetError(missingPackagesMessage(what, packages));
    throw e;
  }
}
