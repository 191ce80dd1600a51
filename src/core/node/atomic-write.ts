/**
 * Atomic file writes: the bytes go to a temporary file in the same folder
 * (`.<name>.<pid>.tmp`), are flushed, and the temporary file is renamed over the target. A crash
 * or an error leaves either the old file or the new one, never half of one.
 *
 * Nothing is left behind either: a write first removes the temporary files of the same target
 * whose process no longer runs (left by a kill during a save), and its own on any error. A write
 * is synchronous, so no JavaScript signal handler can run while its temporary file exists.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SobolnetError } from '../errors.js';
import { processAlive } from './process-alive.js';

function tempName(name: string, pid: number): string {
  return `.${name}.${pid}.tmp`;
}

/** Removes `.<name>.<pid>.tmp` beside `path` for every pid that is not a running process. */
function removeStaleTempFiles(path: string): void {
  const folder = dirname(path), name = basename(path);
  const prefix = `.${name}.`;
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return; // no folder yet: the open below reports it
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const digits = entry.slice(prefix.length, -'.tmp'.length);
    if (!/^[0-9]+$/.test(digits)) continue;
    const pid = Number(digits);
    if (entry !== tempName(name, pid) || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(folder, entry), { force: true });
  }
}

/**
 * Writes `bytes` to `path` through a flushed temporary file renamed over it: readers see the old
 * file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  removeStaleTempFiles(path);
  const tmp = join(dirname(path), tempName(basename(path), process.pid));
  const fail = (e: unknown): SobolnetError =>
    new SobolnetError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw fail(e);
  }
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw fail(e);
  }
}
