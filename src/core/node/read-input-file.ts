/** Reading a file named on the command line or in a spec, with one-line errors. Node only. */
import { readFileSync } from 'node:fs';
import { SobolnetError } from '../errors.js';

/**
 * The bytes of the file at `path`. `what` names the kind of file in the error: `<what> not found:
 * <path>` when it does not exist, `cannot read <what> <path>: <code>` otherwise.
 */
export function readInputFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SobolnetError(code === 'ENOENT' ? `${what} not found: ${path}` : `cannot read ${what} ${path}: ${code ?? String(e)}`);
  }
}
