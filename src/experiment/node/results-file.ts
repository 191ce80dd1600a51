/**
 * The results file of an experiment: one JSON line per finished run, appended (and flushed to
 * disk) the moment the run ends. A sweep that is killed loses at most the run in progress; on the
 * next start the records already there are skipped. A line cut short by a kill during its write
 * is dropped (the file is rewritten atomically without it) and that run simply runs again.
 *
 * A lock file beside the results file keeps two sweeps from writing the same file at once.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { SobolnetError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/node/atomic-write.js';
import { processAlive } from '../../core/node/process-alive.js';
import type { RunRecord } from '../run-record.js';

export interface ResultsRead {
  readonly records: RunRecord[];
  /** Lines that were not complete records (a torn last line), dropped from the file. */
  readonly dropped: number;
}

function isRecord(v: unknown): v is RunRecord {
  return typeof v === 'object' && v !== null && typeof (v as RunRecord).key === 'string' &&
    typeof (v as RunRecord).testAccuracy === 'number';
}

/**
 * The records of `path` (none if it does not exist). A damaged line that is not the last one
 * is an error, since something other than an interrupted append wrote it; a damaged last line is
 * dropped and the file rewritten without it.
 */
export function readResults(path: string): ResultsRead {
  if (!existsSync(path)) return { records: [], dropped: 0 };
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const records: RunRecord[] = [];
  let dropped = 0;
  lines.forEach((line, i) => {
    let parsed: unknown;
    try { parsed = JSON.parse(line); } catch { parsed = undefined; }
    if (isRecord(parsed) && (i < lines.length - 1 || text.endsWith('\n'))) { records.push(parsed); return; }
    if (i < lines.length - 1) throw new SobolnetError(`${path}: line ${i + 1} is not a run record; fix or remove it`);
    dropped++;
  });
  if (dropped > 0) {
    writeFileAtomic(path, new TextEncoder().encode(records.map((r) => JSON.stringify(r) + '\n').join('')));
  }
  return { records, dropped };
}

/** Appends one record as one line and flushes it to disk before returning. */
export function appendResult(path: string, record: RunRecord): void {
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, JSON.stringify(record) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes the lock of a results file (`<path>.lock`, holding the owner's pid) and returns its
 * release. A lock left by a process that no longer runs is taken over.
 */
export function lockResults(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      // An exit on SIGINT/SIGTERM (process.exit) skips the caller's `finally`: release then too.
      const release = (): void => { process.off('exit', release); rmSync(lock, { force: true }); };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SobolnetError(`cannot create ${lock}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      const owner = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isSafeInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new SobolnetError(`${path} is in use by another sobolnet experiment (pid ${owner}); wait for it or stop it`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new SobolnetError(`cannot take the lock ${lock}`);
}
