/**
 * Runs one bench job in a child process, `node --import tsx <script> '<job json>'`, so that peak
 * RSS and JIT state belong to that run alone. The child prints its result as the last stdout line
 * that starts with RESULT_MARK; anything else it prints is ignored.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_MARK } from './train-job.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The child's parsed result, or a one-paragraph error (exit status and the last lines of stderr). */
export function runJsonChild<R>(script: string, job: unknown, timeoutMs: number): R | string {
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20, timeout: timeoutMs,
  });
  const line = (child.stdout ?? '').split('\n').reverse().find((l) => l.startsWith(RESULT_MARK));
  if (child.status !== 0 || line === undefined) {
    const tail = (child.stderr ?? '').split('\n').filter((l) => l.trim() !== '').slice(-5).map((l) => l.slice(0, 300)).join('\n    ');
    return `exit ${child.status ?? child.signal ?? '?'}${child.error ? ` (${child.error.message})` : ''}: ${tail}`;
  }
  return JSON.parse(line.slice(RESULT_MARK.length)) as R;
}
