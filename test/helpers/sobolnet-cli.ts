/**
 * The command line as the end-to-end tests run it: the TypeScript sources through tsx, from the
 * repository root, without colours.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const repositoryRoot = join(import.meta.dirname, '..', '..');

export interface CliResult { readonly status: number; readonly stdout: string; readonly stderr: string }

/** Runs `sobolnet ...args` to the end. */
export function sobolnet(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repositoryRoot, 'src/cli/main.ts'), ...args],
    { cwd: repositoryRoot, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
