/**
 * The check of an output file named on the command line, before any data is loaded or anything
 * trains: not empty, not a folder, and its folder writable (or creatable). The folder is probed by
 * creating and removing a temporary file in it (or in its nearest existing ancestor when it does
 * not exist yet); nothing is left behind.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { check, SobolnetError } from '../core/errors.js';

const errorCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/** Throws one line naming `flag` and `path` when a file cannot be written at `path`. */
export function checkOutFile(path: string, flag: string): void {
  check(path.trim() !== '', () => `${flag} must name a file, got ${JSON.stringify(path)}`);
  const full = resolve(path);
  if (existsSync(full)) {
    check(!statSync(full).isDirectory(), () => `${flag} ${path} is a folder, expected a file to write`);
  }
  let folder = dirname(full);
  while (!existsSync(folder)) folder = dirname(folder);
  check(statSync(folder).isDirectory(), () => `cannot create the folder of ${flag} ${path}: ${folder} is a file`);
  const probe = join(folder, `.sobolnet-probe-${randomUUID()}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    throw new SobolnetError(`cannot write ${flag} ${path}: the folder ${folder} is not writable (${errorCode(e)})`);
  }
  unlinkSync(probe);
}
