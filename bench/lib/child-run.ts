/**
 * Runs one bench job in a child process, `node --import tsx <script> '<job json>'`, so that peak
 * RSS and JIT state belong to that run alone. The child prints its result as the last stdout line
 * that starts with RESULT_MARK; anything else it prints is ignored.
 */
import { execFile, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_MARK } from './train-job.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The child's parsed result, or a one-paragraph error (exit status and the last lines of stderr). */
export function runJsonChild<R>(script: string, job: unknown, timeoutMs: number): R | string {
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20, timeout: timeoutMs,
  });
  return childResult<R>(child.stdout ?? '', child.stderr ?? '', child.status ?? child.signal ?? '?', child.error);
}

/** As runJsonChild, without blocking: several children can run at once. */
export function runJsonChildAsync<R>(script: string, job: unknown, timeoutMs: number): Promise<R | string> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], {
      cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: timeoutMs,
    }, (error, stdout, stderr) => done(childResult<R>(stdout, stderr, error === null ? 0 : (error.code ?? error.signal ?? '?'),
      error ?? undefined)));
  });
}

/** The result line of a child's stdout, or the error paragraph when it failed or printed none. */
function childResult<R>(stdout: string, stderr: string, status: number | string, error: Error | undefined): R | string {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(RESULT_MARK));
  if (status !== 0 || line === undefined) {
    const tail = stderr.split('\n').filter((l) => l.trim() !== '').slice(-5).map((l) => l.slice(0, 300)).join('\n    ');
    return `exit ${status}${error ? ` (${error.message})` : ''}: ${tail}`;
  }
  return JSON.parse(line.slice(RESULT_MARK.length)) as R;
}
